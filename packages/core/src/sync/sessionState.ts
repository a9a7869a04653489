/**
 * What a sync session remembers, and what goes in and out of its machine (`sessionMachine.ts`):
 * plain data, so a test can inspect or snapshot it.
 */
import type { FacilityId, PatientId } from '../record/types.js'
import type { BatchFrame, Frame, HaveFrame, Range, SummaryFrame } from './frames.js'
import type { Cursor, ItemId } from './types.js'

/** Something queued for sending, in order: items, an offer, or a cursor mark closing a batch. */
export type Queued =
  | { kind: 'item'; bytes: Uint8Array }
  | { kind: 'offer'; docId: PatientId }
  | { kind: 'mark'; upTo: number; token: Uint8Array }

/** Everything a session remembers. Plain data, so a test can inspect or snapshot it. */
export interface SessionState {
  me: FacilityId
  peer: FacilityId
  rosterVersion: number
  /** Whether this session's protocol (1.1) carries rosters; then `peerRosterVersion` is tracked. */
  rosterExchange: boolean
  /** The roster version the peer's hello named (raised when it adopts one we send). */
  peerRosterVersion: number
  phase: 'new' | 'hello-sent' | 'open' | 'closed'
  /** Sender role: my log to the peer. */
  send: {
    mode: 'waiting' | 'checking' | 'catch-up' | 'repair'
    /** Log position up to which entries have been read into the queue. */
    readUpTo: number
    /** My last log sequence number as last seen. */
    logEnd: number
    reading: boolean
    queue: Queued[]
    queueBytes: number
    inflight: { batchNo: number; bytes: number; upTo: number }[]
    inflightBytes: number
    nextBatchNo: number
    /** Highest log position the peer has acknowledged as durably stored. */
    ackedUpTo: number
    /** Where catch-up resumes once repair is finished. */
    repairBase?: Cursor
    repairFin: boolean
    /** HAVE answers being read from the store (0 or 1). */
    haveReads: number
    /** HAVE frames not yet answered, in arrival order; answered one at a time when the queue is empty. */
    haves: { docId: PatientId; exclude: ItemId[]; offer?: boolean }[]
    /** Documents offered whose HAVE answer is not yet read: no cursor mark leaves before their items. */
    offered: PatientId[]
    /** The offered document whose answer is being read, if any. */
    answering?: PatientId
    /** Item ids held in `haves`, against `MAX_PENDING_HAVE_IDS`. */
    haveIds: number
    /** Summary ranges answered in this repair, against `MAX_REPAIR_RANGES`. */
    answered: number
  }
  /** Receiver role: the peer's log to me. */
  recv: {
    expectBatchNo: number
    cursor?: Cursor
    peerLastSeq: number
    repair?: { outstanding: Range[][]; requested: number; comparing: number }
    /**
     * Set when we asked for repair (the peer's cursor of our log no longer matches it, as after a
     * restore) before the peer's own flow began with repair: its catch-up may skip as echoes items
     * we lost, so its cursor marks are not stored until its flow restarts with a repair frame.
     */
    distrust?: boolean
    /** The peer's flow to us began (or restarted) with repair in this session. */
    peerRepaired?: boolean
  }
}

/** Inputs to the machine. */
export type SessionEvent =
  | { type: 'start'; lastSeq: number; cursor?: Cursor }
  | { type: 'frame'; frame: Frame }
  | { type: 'cursor-checked'; valid: boolean; base: Cursor }
  | { type: 'log-read'; items: Uint8Array[]; offers: PatientId[]; upTo: number; token: Uint8Array }
  | { type: 'doc-read'; items: Uint8Array[] }
  | { type: 'stored'; batchNo: number; cursor?: Cursor }
  | { type: 'compared'; requested: Range[]; requests: Range[]; haves: HaveFrame[] }
  | { type: 'offer-answered'; have: HaveFrame }
  | { type: 'log-grew'; lastSeq: number }
  /** Our roster changed (adopted from a peer or installed by the operator). */
  | { type: 'roster-changed'; version: number }

/** Outputs of the machine, performed by the driver in order. */
export type SessionAction =
  | { type: 'send'; frame: Frame }
  | { type: 'send-hello'; cursor?: Cursor }
  /** `peerEmpty`: the peer's hello says its log is empty, so it holds nothing to reconcile. */
  | { type: 'check-cursor'; cursor?: Cursor; peerEmpty?: boolean }
  | { type: 'read-log'; after: number }
  /** `upTo`: only items at or below this position of our log (invariant 9); later ones follow in log order. */
  | { type: 'read-doc'; docId: PatientId; exclude: ItemId[]; upTo: number }
  | { type: 'store'; batch: BatchFrame }
  | { type: 'answer-summary'; ranges: Range[] }
  | { type: 'compare-summary'; requested: Range[]; frame: SummaryFrame }
  | { type: 'answer-offer'; docId: PatientId }
  /** Send our signed roster (the peer's is older). */
  | { type: 'send-roster' }
  /** Verify and adopt the peer's roster; the driver answers with `roster-changed` if adopted. */
  | { type: 'adopt-roster'; roster: Uint8Array }

/** A fresh session state. */
export function initialState(
  me: FacilityId,
  peer: FacilityId,
  rosterVersion: number,
  rosterExchange = false
): SessionState {
  return {
    me,
    peer,
    rosterVersion,
    rosterExchange,
    peerRosterVersion: 0,
    phase: 'new',
    send: {
      mode: 'waiting',
      readUpTo: 0,
      logEnd: 0,
      reading: false,
      queue: [],
      queueBytes: 0,
      inflight: [],
      inflightBytes: 0,
      nextBatchNo: 1,
      ackedUpTo: 0,
      repairFin: false,
      haveReads: 0,
      haves: [],
      offered: [],
      haveIds: 0,
      answered: 0
    },
    recv: { expectBatchNo: 1, peerLastSeq: 0 }
  }
}

/** Queue something for sending, counting the bytes of items. */
export function enqueue(s: SessionState, q: Queued): void {
  s.send.queue.push(q)
  if (q.kind === 'item') s.send.queueBytes += q.bytes.length
}
