/**
 * The sans-I/O sync session between this node and one peer: `step(state, event)` mutates the state
 * and returns the actions to perform (frames to send, store reads and writes). It never touches a
 * socket or a disk; `SyncSession` performs the actions and feeds their results back as events.
 *
 * Each side runs the same machine and plays two roles at once: *sender* of its own log to the peer
 * and *receiver* of the peer's log.
 */
import type { FacilityId, PatientId } from '../record/types.js'
import {
  BATCH_TARGET_BYTES,
  MAX_BATCH_ITEMS,
  MAX_PENDING_HAVE_IDS,
  MAX_PENDING_HAVES,
  MAX_RANGES_PER_REQUEST,
  MAX_REPAIR_RANGES,
  SEND_WINDOW_BYTES
} from './constants.js'
import { PeerMismatchError, ProtocolViolationError } from './errors.js'
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

function enqueue(s: SessionState, q: Queued): void {
  s.send.queue.push(q)
  if (q.kind === 'item') s.send.queueBytes += q.bytes.length
}

/**
 * Apply one event. Throws a named error (`ProtocolViolationError`, `PeerMismatchError`) when the peer
 * breaks the protocol; the driver then closes the stream.
 */
export function step(s: SessionState, ev: SessionEvent): SessionAction[] {
  if (s.phase === 'closed') return []
  const out: SessionAction[] = []
  switch (ev.type) {
    case 'start':
      if (s.phase !== 'new') throw new TypeError('session already started')
      s.phase = 'hello-sent'
      s.send.logEnd = ev.lastSeq
      if (ev.cursor !== undefined) s.recv.cursor = ev.cursor
      out.push(ev.cursor === undefined ? { type: 'send-hello' } : { type: 'send-hello', cursor: ev.cursor })
      break
    case 'frame':
      onFrame(s, ev.frame, out)
      break
    case 'cursor-checked':
      if (ev.valid) {
        s.send.mode = 'catch-up'
        s.send.readUpTo = ev.base.seq
        s.send.ackedUpTo = ev.base.seq
      } else {
        // Invariant 5 below: a suspect cursor is never used; repair first, then resume from `base`.
        s.send.mode = 'repair'
        if (s.recv.peerRepaired !== true) s.recv.distrust = true
        s.send.repairBase = ev.base
        s.send.repairFin = false
        s.send.answered = 0
        out.push({ type: 'send', frame: { type: 'repair' } })
      }
      break
    case 'log-read':
      s.send.reading = false
      for (const bytes of ev.items) enqueue(s, { kind: 'item', bytes })
      for (const docId of ev.offers) enqueue(s, { kind: 'offer', docId })
      if (ev.upTo > s.send.readUpTo) {
        enqueue(s, { kind: 'mark', upTo: ev.upTo, token: ev.token })
        s.send.readUpTo = ev.upTo
      } else {
        s.send.logEnd = s.send.readUpTo
      }
      break
    case 'doc-read': {
      s.send.haveReads--
      const answered = s.send.answering
      if (answered === undefined) {
        for (const bytes of ev.items) enqueue(s, { kind: 'item', bytes })
        break
      }
      // Invariant 8 below: an offered document's items go before the mark waiting behind the offer.
      delete s.send.answering
      s.send.offered.splice(s.send.offered.indexOf(answered), 1)
      const mark = s.send.queue.findIndex(q => q.kind === 'mark')
      const items: Queued[] = ev.items.map(bytes => ({ kind: 'item', bytes }))
      s.send.queue.splice(mark < 0 ? s.send.queue.length : mark, 0, ...items)
      for (const bytes of ev.items) s.send.queueBytes += bytes.length
      break
    }
    case 'stored':
      if (ev.cursor !== undefined) s.recv.cursor = ev.cursor
      out.push({ type: 'send', frame: { type: 'ack', batchNo: ev.batchNo } })
      break
    case 'compared': {
      const rep = s.recv.repair
      if (rep === undefined) break
      rep.comparing--
      for (const have of ev.haves) out.push({ type: 'send', frame: have })
      for (let i = 0; i < ev.requests.length; i += MAX_RANGES_PER_REQUEST) {
        const ranges = ev.requests.slice(i, i + MAX_RANGES_PER_REQUEST)
        rep.requested += ranges.length
        if (rep.requested > MAX_REPAIR_RANGES) throw new ProtocolViolationError('repair does not converge')
        rep.outstanding.push(ranges)
        out.push({ type: 'send', frame: { type: 'summary-request', ranges } })
      }
      break
    }
    case 'offer-answered':
      out.push({ type: 'send', frame: ev.have })
      break
    case 'log-grew':
      if (ev.lastSeq > s.send.logEnd) s.send.logEnd = ev.lastSeq
      break
    case 'roster-changed':
      s.rosterVersion = Math.max(s.rosterVersion, ev.version)
      offerRoster(s, out)
      break
  }
  decide(s, out)
  return out
}

/** Sends our roster once to a peer whose hello named an older one (protocol 1.1 only). */
function offerRoster(s: SessionState, out: SessionAction[]): void {
  if (!s.rosterExchange || s.phase !== 'open' || s.peerRosterVersion >= s.rosterVersion) return
  s.peerRosterVersion = s.rosterVersion
  out.push({ type: 'send-roster' })
}

function onFrame(s: SessionState, f: Frame, out: SessionAction[]): void {
  if (f.type === 'hello') {
    if (s.phase !== 'hello-sent') throw new ProtocolViolationError('unexpected hello')
    if (f.facility !== s.peer) throw new PeerMismatchError(s.peer, f.facility)
    s.phase = 'open'
    s.peerRosterVersion = f.rosterVersion
    // Before anything else we send: the peer's roster check of our items needs our roster.
    offerRoster(s, out)
    s.recv.peerLastSeq = f.lastSeq
    s.send.mode = 'checking'
    out.push(
      f.cursor === undefined
        ? { type: 'check-cursor', peerEmpty: f.lastSeq === 0 }
        : { type: 'check-cursor', cursor: f.cursor }
    )
    return
  }
  if (s.phase !== 'open') throw new ProtocolViolationError(`${f.type} before hello`)
  switch (f.type) {
    case 'roster':
      if (!s.rosterExchange) throw new ProtocolViolationError('roster frame in a protocol 1.0 session')
      out.push({ type: 'adopt-roster', roster: f.roster })
      break
    case 'batch':
      if (f.batchNo !== s.recv.expectBatchNo) {
        throw new ProtocolViolationError(`batch ${f.batchNo}, expected ${s.recv.expectBatchNo}`)
      }
      s.recv.expectBatchNo++
      if (f.upTo > s.recv.peerLastSeq) s.recv.peerLastSeq = f.upTo
      // Invariant 7 below: the items are kept, the mark of a flow we distrust is not.
      out.push({
        type: 'store',
        batch: s.recv.distrust === true ? { type: 'batch', batchNo: f.batchNo, upTo: 0, items: f.items } : f
      })
      break
    case 'ack': {
      const first = s.send.inflight[0]
      if (first === undefined || first.batchNo !== f.batchNo)
        throw new ProtocolViolationError(`ack of batch ${f.batchNo}`)
      s.send.inflight.shift()
      s.send.inflightBytes -= first.bytes
      if (first.upTo > 0) s.send.ackedUpTo = first.upTo
      break
    }
    case 'offer':
      out.push({ type: 'answer-offer', docId: f.docId })
      break
    case 'have': {
      // Held, not read: the document is loaded only when the queue is empty (invariant 4), so a peer
      // that sends HAVEs without acknowledging holds the node to the size of its requests.
      if (s.send.haves.length >= MAX_PENDING_HAVES) throw new ProtocolViolationError('too many unanswered have frames')
      const keep = s.send.haveIds + f.ids.length <= MAX_PENDING_HAVE_IDS
      const offer = s.send.offered.includes(f.docId) && !s.send.haves.some(h => h.offer === true && h.docId === f.docId)
      s.send.haves.push(
        offer ? { docId: f.docId, exclude: keep ? f.ids : [], offer } : { docId: f.docId, exclude: keep ? f.ids : [] }
      )
      if (keep) s.send.haveIds += f.ids.length
      break
    }
    case 'repair':
      if (s.recv.repair !== undefined) throw new ProtocolViolationError('repair already running')
      s.recv.peerRepaired = true
      delete s.recv.distrust
      s.recv.repair = { outstanding: [[{ lo: '' }]], requested: 1, comparing: 0 }
      out.push({ type: 'send', frame: { type: 'summary-request', ranges: [{ lo: '' }] } })
      // The peer's log no longer matches what we hold of it (restored or recreated), so its claim
      // about our log is suspect too: items it lost would be skipped as echoes. Repair our flow as well.
      if (s.send.mode === 'catch-up') {
        s.send.mode = 'checking'
        s.send.queue = []
        s.send.queueBytes = 0
        s.send.offered = []
        out.push({ type: 'check-cursor' })
      }
      break
    case 'summary-request':
      if (s.send.mode !== 'repair' || s.send.repairFin)
        throw new ProtocolViolationError('summary request outside repair')
      s.send.answered += f.ranges.length
      if (s.send.answered > MAX_REPAIR_RANGES)
        throw new ProtocolViolationError('repair does not converge (summary requests)')
      out.push({ type: 'answer-summary', ranges: f.ranges })
      break
    case 'summary': {
      const rep = s.recv.repair
      const requested = rep?.outstanding.shift()
      if (rep === undefined || requested === undefined) throw new ProtocolViolationError('unrequested summary')
      rep.comparing++
      out.push({ type: 'compare-summary', requested, frame: f })
      break
    }
    case 'repair-fin':
      if (s.send.mode !== 'repair' || s.send.repairFin) throw new ProtocolViolationError('unexpected repair-fin')
      s.send.repairFin = true
      break
  }
}

/**
 * The one place that decides what to send next. It runs after every event. Invariants:
 *
 * 1. Nothing is sent before both hellos are exchanged and the peer's cursor has been checked.
 * 2. Unacknowledged batch bytes never exceed `SEND_WINDOW_BYTES` (one batch may overshoot it), so a
 *    peer that stops acknowledging stops the sender instead of growing its memory.
 * 3. Items leave in queue order and a cursor mark closes the batch that contains the items it covers,
 *    so an acknowledged mark means every entitled item up to it is durably stored by the peer.
 * 4. The store is read only when the queue is empty and the window has room, one read at a time:
 *    at most one batch (or one document, for a HAVE) of read-ahead per peer. HAVEs wait their turn.
 * 5. During repair no cursor mark is sent until the peer has sent repair-fin and every HAVE it sent
 *    has been answered; then the repair base closes the last repair batch and catch-up resumes there.
 * 6. The receiver sends repair-fin only when no summary request is outstanding or being compared.
 * 8. A cursor mark never leaves while an offer sent before it is unanswered: the offered document's
 *    items (those the peer lacks) go out ahead of the mark, so a session that ends between the two
 *    leaves the peer's cursor before the grant, and the next session offers the document again.
 * 7. A receiver that asked for repair stores no cursor mark of the peer's flow until that flow
 *    restarts with repair: a catch-up begun before the peer heard of our restore skips, as echoes,
 *    items we may have lost, and a cursor past them would hide them for good.
 * 9. Every item sent lies in our log at or below every cursor mark sent after it: a HAVE is answered
 *    only with items up to the log position read so far (the repair base, in repair), and later
 *    items follow in log order. So a receiver that stores a mark with its batch knows that our log
 *    held every item of the batch at or below the mark, and may skip them as echoes only while its
 *    cursor of our log is valid (`SyncSession`: an item is stored as `from` the peer only with a
 *    mark). An item it holds beyond its cursor, if our log lost it in a restore, is sent back to us.
 */
function decide(s: SessionState, out: SessionAction[]): void {
  if (s.phase !== 'open') return
  const rep = s.recv.repair
  if (rep !== undefined && rep.outstanding.length === 0 && rep.comparing === 0) {
    delete s.recv.repair
    out.push({ type: 'send', frame: { type: 'repair-fin' } })
  }
  const snd = s.send
  if (
    snd.mode === 'repair' &&
    snd.repairFin &&
    snd.haveReads === 0 &&
    snd.haves.length === 0 &&
    snd.repairBase !== undefined
  ) {
    enqueue(s, { kind: 'mark', upTo: snd.repairBase.seq, token: snd.repairBase.token })
    snd.readUpTo = snd.repairBase.seq
    delete snd.repairBase
    snd.mode = 'catch-up'
  }
  if (snd.mode !== 'catch-up' && snd.mode !== 'repair') return
  while (snd.queue.length > 0 && snd.inflightBytes < SEND_WINDOW_BYTES) {
    const head = snd.queue[0] as Queued
    if (head.kind === 'offer') {
      snd.queue.shift()
      snd.offered.push(head.docId)
      out.push({ type: 'send', frame: { type: 'offer', docId: head.docId } })
      continue
    }
    if (head.kind === 'mark' && snd.offered.length > 0) break
    const items: Uint8Array[] = []
    let bytes = 0
    let mark: (Queued & { kind: 'mark' }) | undefined
    while (snd.queue.length > 0) {
      const q = snd.queue[0] as Queued
      if (q.kind === 'offer') break
      if (q.kind === 'mark') {
        if (snd.offered.length > 0) break
        snd.queue.shift()
        mark = q
        break
      }
      if (items.length > 0 && (bytes + q.bytes.length > BATCH_TARGET_BYTES || items.length >= MAX_BATCH_ITEMS)) break
      snd.queue.shift()
      snd.queueBytes -= q.bytes.length
      items.push(q.bytes)
      bytes += q.bytes.length
    }
    const batchNo = snd.nextBatchNo++
    const upTo = mark?.upTo ?? 0
    // A mark at 0 (a repair base of an empty log) is no cursor: the wire carries no token for it.
    const frame: BatchFrame =
      mark === undefined || upTo === 0
        ? { type: 'batch', batchNo, upTo: 0, items }
        : { type: 'batch', batchNo, upTo, token: mark.token, items }
    snd.inflight.push({ batchNo, bytes: bytes + 16, upTo })
    snd.inflightBytes += bytes + 16
    out.push({ type: 'send', frame })
  }
  // A mark held behind an unanswered offer lets HAVEs be read (the answer among them), not the log.
  const held = snd.queue.length > 0 && (snd.queue[0] as Queued).kind === 'mark' && snd.offered.length > 0
  if ((snd.queue.length > 0 && !held) || snd.reading || snd.haveReads > 0 || snd.inflightBytes >= SEND_WINDOW_BYTES)
    return
  const have = snd.haves.shift()
  if (have !== undefined) {
    snd.haveIds -= have.exclude.length
    snd.haveReads++
    if (have.offer === true) snd.answering = have.docId
    // Invariant 9: every item sent lies at or below every cursor mark sent after it.
    const upTo = snd.mode === 'repair' && snd.repairBase !== undefined ? snd.repairBase.seq : snd.readUpTo
    out.push({ type: 'read-doc', docId: have.docId, exclude: have.exclude, upTo })
    return
  }
  if (snd.mode === 'catch-up' && snd.readUpTo < snd.logEnd && snd.queue.length === 0) {
    snd.reading = true
    out.push({ type: 'read-log', after: snd.readUpTo })
  }
}
