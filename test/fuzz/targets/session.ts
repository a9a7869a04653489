/**
 * Stateful session fuzzers. `session` drives the sans-I/O machine (`step`) with random sequences of
 * peer frames, valid-looking (the batch or ack number the machine expects, now and then one off) or
 * decoded from mutated encodings, and answers each action as SyncSession would with random results.
 * It checks that the machine emits only the action types it declares, frames that encode and decode,
 * no batch before the cursor is checked, batches numbered 1, 2, 3…, stores only of the expected
 * batch, a send window that holds, and that it throws nothing but a named error.
 * `session-driver` sends the same kind of frames as bytes into a real SyncSession over a
 * MemoryItemStore holding sealed items: it must end, if at all, with a named error.
 */
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { PagdandiError } from '@pagdandi/core'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { decodeItemHeader, verifyItem } from '@pagdandi/core/crypto'
import {
  BATCH_TARGET_BYTES,
  decodeFrame,
  encodeFrame,
  initialState,
  MAX_ITEM_BYTES,
  MemoryItemStore,
  SEND_WINDOW_BYTES,
  step,
  SyncSession,
  type Frame,
  type SessionAction,
  type SessionEvent,
  type SessionState
} from '@pagdandi/core/sync'
import { itemInspector } from '../../../packages/node/src/keyring/inspect.js'
import { testDocId } from '../../../packages/core/src/crypto/test-fixtures.js'
import { b64, expectThat, FuzzFailure, unb64, type FuzzTarget } from '../harness.js'
import { mutatedBytes } from '../mutate.js'
import * as m from './material.js'

const ME = m.alice.facility
const PEER = m.bob.facility
const DOCS = [testDocId(1), testDocId(2), testDocId(3)]
const ITEM_IDS = ['ab'.repeat(32), 'cd'.repeat(32), '01'.repeat(32)]
const ACTIONS = new Set<SessionAction['type']>([
  'send',
  'send-hello',
  'check-cursor',
  'read-log',
  'read-doc',
  'store',
  'answer-summary',
  'compare-summary',
  'answer-offer'
])
/** Window of session.ts invariant 2: one batch may overshoot it. */
const WINDOW_CAP = SEND_WINDOW_BYTES + BATCH_TARGET_BYTES + MAX_ITEM_BYTES + 16

/** A peer move; numbers are resolved against what the machine expects when the move is made. */
type Move =
  | { t: 'hello'; who: number; lastSeq: number; cursor: boolean }
  | { t: 'batch'; off: number; upTo: number; items: number[]; token: boolean }
  | { t: 'ack'; off: number }
  | { t: 'offer' | 'have'; doc: number; ids: number }
  | { t: 'repair' | 'repair-fin' }
  | { t: 'summary-request'; n: number }
  | { t: 'summary'; n: number; entries: boolean }
  | { t: 'grew'; by: number }
  | { t: 'raw'; bytes: Uint8Array }

const move: fc.Arbitrary<Move> = fc.oneof(
  fc.record({
    t: fc.constant('hello' as const),
    who: fc.nat(5),
    lastSeq: fc.constantFrom(0, 1, 5, 1000),
    cursor: fc.boolean()
  }),
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('batch' as const),
      off: fc.oneof(
        { weight: 6, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }) }
      ),
      upTo: fc.constantFrom(0, 1, 3, 50),
      items: fc.array(fc.nat(m.items.length), { maxLength: 4 }),
      token: fc.boolean()
    })
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('ack' as const),
      off: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 3 }) })
    })
  },
  fc.record({ t: fc.constantFrom('offer' as const, 'have' as const), doc: fc.nat(DOCS.length - 1), ids: fc.nat(3) }),
  fc.record({ t: fc.constantFrom('repair' as const, 'repair-fin' as const) }),
  fc.record({ t: fc.constant('summary-request' as const), n: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ t: fc.constant('summary' as const), n: fc.integer({ min: 1, max: 4 }), entries: fc.boolean() }),
  fc.record({ t: fc.constant('grew' as const), by: fc.nat(40) }),
  fc.record({ t: fc.constant('raw' as const), bytes: mutatedBytes(m.frameBytes, 3, 64) })
)

/** What the peer knows of us: the batch number we expect next and the oldest of ours it has not acked. */
interface View {
  expectBatch: number
  inflightHead: number | undefined
}

/** The frame a move stands for, or undefined for a local event or undecodable raw bytes. */
function frameOf(mv: Move, v: View): Frame | undefined {
  const token = new Uint8Array(16).fill(7)
  switch (mv.t) {
    case 'hello': {
      const facility = ([PEER, PEER, PEER, ME, 'IN2210999999', PEER] as FacilityId[])[mv.who]!
      const f: Frame = {
        type: 'hello',
        facility,
        rosterVersion: 3,
        epoch: new Uint8Array(16).fill(1),
        lastSeq: mv.lastSeq
      }
      if (mv.cursor) f.cursor = { seq: Math.min(mv.lastSeq, 3), token }
      return f
    }
    case 'batch': {
      const items = mv.items.map(i => m.items[i] ?? new Uint8Array([1, 2, 3]))
      const batchNo = Math.max(0, v.expectBatch + mv.off)
      return mv.token
        ? { type: 'batch', batchNo, upTo: mv.upTo, token, items }
        : { type: 'batch', batchNo, upTo: 0, items }
    }
    case 'ack':
      return { type: 'ack', batchNo: Math.max(0, (v.inflightHead ?? 1) + mv.off) }
    case 'offer':
      return { type: 'offer', docId: DOCS[mv.doc]! }
    case 'have':
      return { type: 'have', docId: DOCS[mv.doc]!, ids: ITEM_IDS.slice(0, mv.ids) as never[] }
    case 'repair':
    case 'repair-fin':
      return { type: mv.t }
    case 'summary-request':
      return {
        type: 'summary-request',
        ranges: Array.from({ length: mv.n }, (_, i) => (i === 0 ? { lo: '' } : { lo: String(i), hi: String(i) + 'z' }))
      }
    case 'summary':
      return {
        type: 'summary',
        ranges: Array.from({ length: mv.n }, (_, i) =>
          mv.entries
            ? {
                lo: String(i),
                kind: 'entries' as const,
                entries: [{ docId: DOCS[i % DOCS.length]!, fp: new Uint8Array(16).fill(i), count: 1 }]
              }
            : { lo: String(i), kind: 'fp' as const, fp: new Uint8Array(16).fill(i + 1), count: 40 }
        )
      }
    case 'grew':
      return undefined
    case 'raw':
      try {
        return decodeFrame(mv.bytes)
      } catch (e) {
        if (e instanceof PagdandiError) return undefined
        throw e
      }
  }
}

/** A stream of driver choices, read in order; zeros when it runs out. */
class Choices {
  #i = 0
  constructor(readonly values: number[]) {}
  next(n: number): number {
    const v = this.values[this.#i++] ?? 0
    return v % n
  }
}

interface SessionInput {
  moves: Move[]
  choices: number[]
}

/** Drives the pure machine the way SyncSession does, checking every action. */
class ModelDriver {
  readonly s: SessionState = initialState(ME, PEER, 3)
  sentBatches = 0
  storedBatches = 0
  cursorChecked = false
  logEnd = 5
  constructor(readonly c: Choices) {}

  run(ev: SessionEvent, depth = 0): void {
    if (depth > 64) throw new FuzzFailure('action feedback does not terminate')
    const actions = step(this.s, ev)
    for (const a of actions) {
      if (this.s.phase === 'closed') return
      expectThat(ACTIONS.has(a.type), `unknown action ${a.type}`)
      const next = this.perform(a)
      expectThat(this.s.send.inflightBytes <= WINDOW_CAP, `send window overrun: ${this.s.send.inflightBytes}`)
      if (next !== undefined) this.run(next, depth + 1)
    }
  }

  perform(a: SessionAction): SessionEvent | undefined {
    const c = this.c
    switch (a.type) {
      case 'send': {
        const bytes = encodeFrame(a.frame)
        expectThat(isDeepStrictEqual(decodeFrame(bytes), a.frame), `sent ${a.frame.type} does not round-trip`)
        if (a.frame.type === 'batch') {
          expectThat(this.cursorChecked, 'a batch was sent before the cursor was checked')
          expectThat(a.frame.batchNo === ++this.sentBatches, `batch ${a.frame.batchNo} sent out of order`)
        }
        if (a.frame.type === 'offer') expectThat(this.cursorChecked, 'an offer was sent before the cursor was checked')
        return undefined
      }
      case 'send-hello':
        expectThat(this.s.phase === 'hello-sent', 'hello sent twice')
        return undefined
      case 'check-cursor': {
        this.cursorChecked = true
        const seq = c.next(this.logEnd + 1)
        return { type: 'cursor-checked', valid: c.next(2) === 0, base: { seq, token: new Uint8Array(16).fill(seq) } }
      }
      case 'read-log': {
        const n = c.next(4)
        const items = Array.from({ length: n }, () => m.items[c.next(m.items.length)]!)
        const upTo = Math.min(this.logEnd, a.after + c.next(5))
        return {
          type: 'log-read',
          items,
          offers: c.next(4) === 0 ? [DOCS[0]!] : [],
          upTo,
          token: new Uint8Array(16).fill(upTo)
        }
      }
      case 'read-doc':
        return { type: 'doc-read', items: m.items.slice(0, c.next(3)) }
      case 'store':
        expectThat(a.batch.batchNo === ++this.storedBatches, `batch ${a.batch.batchNo} stored out of order`)
        return a.batch.upTo > 0 && a.batch.token !== undefined
          ? { type: 'stored', batchNo: a.batch.batchNo, cursor: { seq: a.batch.upTo, token: a.batch.token } }
          : { type: 'stored', batchNo: a.batch.batchNo }
      case 'answer-summary':
        return undefined
      case 'compare-summary': {
        const requests = c.next(3) === 0 ? a.frame.ranges.slice(0, c.next(20) + 1).map(r => ({ lo: r.lo + 'a' })) : []
        const haves = c.next(2) === 0 ? [{ type: 'have' as const, docId: DOCS[1]!, ids: [] }] : []
        return { type: 'compared', requested: a.requested, requests, haves }
      }
      case 'answer-offer':
        return {
          type: 'offer-answered',
          have: { type: 'have', docId: a.docId, ids: ITEM_IDS.slice(0, c.next(3)) as never[] }
        }
    }
  }
}

function runModel(input: SessionInput): void {
  const d = new ModelDriver(new Choices(input.choices))
  try {
    d.run({ type: 'start', lastSeq: d.logEnd })
    for (const mv of input.moves) {
      if (d.s.phase === 'closed') break
      if (mv.t === 'grew') {
        d.logEnd += mv.by
        d.run({ type: 'log-grew', lastSeq: d.logEnd })
        continue
      }
      const f = frameOf(mv, { expectBatch: d.s.recv.expectBatchNo, inflightHead: d.s.send.inflight[0]?.batchNo })
      if (f !== undefined) d.run({ type: 'frame', frame: f })
    }
  } catch (e) {
    if (e instanceof FuzzFailure) throw e
    if (e instanceof PagdandiError && (e.name === 'ProtocolViolationError' || e.name === 'PeerMismatchError')) return
    throw e
  }
}

/** Most sequences open with the peer's proper hello, so the rest reaches the open session. */
const HELLO: Move = { t: 'hello', who: 0, lastSeq: 5, cursor: false }
const sessionInputs = (): fc.Arbitrary<SessionInput> =>
  fc.record({
    moves: fc
      .tuple(fc.nat(9), fc.array(move, { minLength: 1, maxLength: 40 }))
      .map(([h, moves]) => (h === 0 ? moves : [HELLO, ...moves])),
    choices: fc.array(fc.nat(1000), { maxLength: 80 })
  })

const toFixture = (x: SessionInput): unknown => ({
  moves: x.moves.map(mv => (mv.t === 'raw' ? { t: 'raw', bytes: b64(mv.bytes) } : mv)),
  choices: x.choices
})
const fromFixture = (v: unknown): SessionInput => {
  const o = v as { moves: (Move | { t: 'raw'; bytes: string })[]; choices: number[] }
  return {
    moves: o.moves.map(mv => (mv.t === 'raw' ? { t: 'raw', bytes: unb64(mv.bytes) } : (mv as Move))),
    choices: o.choices
  }
}

/** The pure state machine under random frame sequences. */
export const sessionTarget: FuzzTarget<SessionInput> = {
  name: 'session',
  what: 'step() under random sequences of valid-looking and mutated peer frames, answered like SyncSession',
  arbitrary: sessionInputs,
  check: runModel,
  toFixture,
  fromFixture
}

const inspect = itemInspector(m.scheme)

/** A real SyncSession over a MemoryItemStore holding our sealed items, fed the moves as frame bytes. */
async function runDriver(input: SessionInput): Promise<void> {
  const store = new MemoryItemStore(inspect, new Uint8Array(16).fill(1))
  await store.putItems(m.items, { from: ME })
  let ended: Error | undefined | 'open' = 'open'
  let expectBatch = 1
  const inflight: number[] = []
  const session = new SyncSession({
    store,
    me: ME,
    peer: PEER,
    rosterVersion: 3,
    entitled: async (_peer: FacilityId, doc: PatientId) => doc === DOCS[0] || decodeItemHeader(m.grant).docId === doc,
    verify: bytes => {
      try {
        verifyItem(bytes, m.roster, m.scheme)
        return undefined
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err))
      }
    },
    inspect,
    channel: {
      send: async bytes => {
        const f = decodeFrame(bytes)
        if (f.type === 'batch') inflight.push(f.batchNo)
      },
      close: () => {}
    },
    onClose: err => {
      ended = err
    }
  })
  await session.start()
  for (const mv of input.moves) {
    if (session.closed) break
    if (mv.t === 'grew') {
      session.logGrew()
      continue
    }
    const f = frameOf(mv, { expectBatch, inflightHead: inflight[0] })
    const bytes = f === undefined ? (mv.t === 'raw' ? mv.bytes : undefined) : encodeFrame(f)
    if (bytes === undefined) continue
    if (f?.type === 'batch' && f.batchNo === expectBatch) expectBatch++
    if (f?.type === 'ack' && f.batchNo === inflight[0]) inflight.shift()
    await session.receive(bytes)
  }
  await session.idle()
  const end = ended as Error | undefined | 'open'
  if (end === 'open' || end === undefined) return
  expectThat(
    end instanceof PagdandiError && end.name.endsWith('Error'),
    `session ended with ${end.name}: ${end.message}`
  )
}

/** The real session driver under the same sequences, as bytes. */
export const sessionDriverTarget: FuzzTarget<SessionInput> = {
  name: 'session-driver',
  what: 'a real SyncSession (MemoryItemStore, sealed items, roster checks) fed random frame sequences as bytes',
  arbitrary: sessionInputs,
  check: runDriver,
  toFixture,
  fromFixture
}
