/**
 * The invariants of replication, judged while a simulation runs (docs/SPEC.md, "Simulation"). The
 * checker watches every frame and every durable write of a `SimNetwork` and compares them with what
 * the stores hold, never with what a session believes:
 *
 * - I4, least privilege: every item sent is of a document the receiver is entitled to (judged from
 *   the sender's store when the frame leaves), and every document id in any frame (items, offers,
 *   haves, summary entries and range bounds) is one the receiver is entitled to, already holds, or
 *   named itself on that session.
 * - I3, no cursor ahead of data: when a receiver durably records a cursor of a peer's log, it holds
 *   every item of that log up to the cursor that it was entitled to by then: by grants at or below
 *   the cursor, as the log stood when the batch left. Echoes (items the receiver sent that peer
 *   first) count too: a receiver restored from a backup may have lost them.
 * - Acknowledged means stored: when a receiver sends an ack, it durably holds every item of that
 *   batch.
 *
 * Convergence and nothing missing are judged at quiescence, by the scenario.
 */
import type { FacilityId, PatientId } from '../record/types.js'
import type { Frame } from '../sync/frames.js'
import type { InspectItem, ItemId, PutOptions, StoredItem } from '../sync/types.js'
import type { SimNodeView, SimObserver } from './SimNetwork.js'
import type { SimStore } from './SimStore.js'

/** Whether `peer` may hold `docId`, judged from `store`; `upTo` limits the grants counted to those logged at or below it. */
export type EntitlementModel = (store: SimStore, peer: FacilityId, docId: PatientId, upTo?: number) => boolean

/** One broken invariant, with when and where. */
export interface Violation {
  /** I3, I4 and `ack` are judged during the run; I1, I2 and `liveness` at quiescence. */
  invariant: 'I1' | 'I2' | 'I3' | 'I4' | 'ack' | 'liveness'
  at: number
  detail: string
}

const hex = (b: Uint8Array): string => Array.from(b, x => x.toString(16).padStart(2, '0')).join('')

/** Watches a simulated network and records every invariant it sees broken. */
export class SimChecker implements SimObserver {
  readonly violations: Violation[] = []
  readonly #model: EntitlementModel
  readonly #inspect: InspectItem
  readonly #now: () => number
  /** Item ids of each batch sent, by `pair|sender|batchNo`. */
  readonly #batches = new Map<string, ItemId[]>()
  /** Items a cursor mark promises, by `sender>receiver|seq|token`. */
  readonly #promised = new Map<string, StoredItem[]>()
  /** Document ids each side named on a session pair, by `pair|facility`. */
  readonly #named = new Map<string, Set<string>>()
  /** Frames checked, by type: how much of the protocol a run exercised. */
  readonly seen = new Map<Frame['type'], number>()

  constructor(model: EntitlementModel, inspect: InspectItem, now: () => number) {
    this.#model = model
    this.#inspect = inspect
    this.#now = now
  }

  sent(from: SimNodeView, to: SimNodeView, pair: number, frame: Frame): void {
    this.seen.set(frame.type, (this.seen.get(frame.type) ?? 0) + 1)
    const named = this.#namedBy(pair, from.facility)
    const heard = this.#namedBy(pair, to.facility)
    for (const docId of docIdsOf(frame)) {
      named.add(docId)
      if (heard.has(docId) || to.store.doc(docId as PatientId).length > 0) continue
      if (!this.#model(from.store, to.facility, docId as PatientId))
        this.#fail('I4', `${from.facility} named document ${docId} to ${to.facility} in a ${frame.type} frame`)
    }
    if (frame.type === 'ack') {
      // `from` acknowledges a batch that `to` sent it on this pair: it must hold all of it now.
      const sent = this.#batches.get(`${pair}|${to.facility}|${frame.batchNo}`) ?? []
      const missing = sent.filter(id => !from.store.has(id))
      if (missing.length > 0)
        this.#fail(
          'ack',
          `${from.facility} acknowledged batch ${frame.batchNo} without storing ${missing.length} of its items`
        )
      return
    }
    if (frame.type !== 'batch') return
    const ids: ItemId[] = []
    for (const bytes of frame.items) {
      const h = this.#inspect(bytes)
      ids.push(h.id)
      if (!this.#model(from.store, to.facility, h.docId))
        this.#fail('I4', `${from.facility} sent ${to.facility} an item of ${h.docId}, which it may not hold`)
    }
    this.#batches.set(`${pair}|${from.facility}|${frame.batchNo}`, ids)
    if (frame.upTo > 0 && frame.token !== undefined) {
      this.#promised.set(
        `${from.facility}>${to.facility}|${frame.upTo}|${hex(frame.token)}`,
        this.#owed(from.store, to.facility, frame.upTo)
      )
    }
  }

  stored(node: SimNodeView, options: PutOptions, _fresh: StoredItem[]): void {
    const c = options.cursor
    // A cursor at 0 promises nothing (a suspect cursor after a restore is one).
    if (c === undefined || c.cursor.seq === 0) return
    const key = `${c.peer}>${node.facility}|${c.cursor.seq}|${hex(c.cursor.token)}`
    const owed = this.#promised.get(key)
    if (owed === undefined) {
      this.#fail('I3', `${node.facility} recorded a cursor of ${c.peer} at ${c.cursor.seq} that ${c.peer} never sent`)
      return
    }
    const missing = owed.filter(it => !node.store.has(it.id))
    if (missing.length > 0)
      this.#fail(
        'I3',
        `${node.facility}'s cursor of ${c.peer} reached ${c.cursor.seq} while ${missing.length} items below it are not stored (${missing.map(m => `${m.docId}@${m.seq}`).join(' ')})`
      )
  }

  /** Items of `store`'s log up to `upTo` that `peer` must hold once it records a cursor there. */
  #owed(store: SimStore, peer: FacilityId, upTo: number): StoredItem[] {
    const out: StoredItem[] = []
    const allowed = new Map<PatientId, boolean>()
    for (const it of store.items) {
      if (it.seq > upTo) break
      let ok = allowed.get(it.docId)
      if (ok === undefined) {
        ok = this.#model(store, peer, it.docId, upTo)
        allowed.set(it.docId, ok)
      }
      if (ok) out.push(it)
    }
    return out
  }

  #namedBy(pair: number, facility: FacilityId): Set<string> {
    const key = `${pair}|${facility}`
    let s = this.#named.get(key)
    if (s === undefined) {
      s = new Set()
      this.#named.set(key, s)
    }
    return s
  }

  #fail(invariant: Violation['invariant'], detail: string): void {
    this.violations.push({ invariant, at: this.#now(), detail })
  }
}

/** Every document id a frame carries outside its items: offers, haves, summary entries and bounds. */
function docIdsOf(f: Frame): string[] {
  switch (f.type) {
    case 'offer':
    case 'have':
      return [f.docId]
    case 'summary-request':
      return f.ranges.flatMap(r => bounds(r))
    case 'summary':
      return f.ranges.flatMap(r => [...bounds(r), ...(r.kind === 'entries' ? r.entries.map(e => e.docId) : [])])
    default:
      return []
  }
}

function bounds(r: { lo: string; hi?: string }): string[] {
  const out = r.lo === '' ? [] : [r.lo]
  if (r.hi !== undefined) out.push(r.hi)
  return out
}
