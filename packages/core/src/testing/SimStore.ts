/**
 * The durable store of a simulated node: a `MemoryItemStore` behind a journal of every write that
 * completed, with the faults a real disk has. A write either completes whole or not at all (as a
 * LevelDB batch does); the network decides, per write, whether the process dies in it or the disk
 * fails it. A backup is a journal position; restoring replays the journal up to it into a new store
 * with the same epoch (a copy of the data directory).
 *
 * It also keeps a synchronous view of what is durable, for the invariant checker and the
 * entitlement model: they judge the store by what it holds, never by what a session believes.
 */
import type { FacilityId, PatientId } from '../record/types.js'
import { MemoryItemStore } from '../sync/MemoryItemStore.js'
import type { Cursor, DocSummary, InspectItem, ItemId, ItemStore, PutOptions, StoredItem } from '../sync/types.js'
import { SimCrashError, SimStoreFencedError, SimWriteError } from './errors.js'

/** What the network decides for one write. */
export type WriteFate = 'ok' | 'crash' | 'error'

/** Hooks of a `SimStore` into its network. */
export interface SimStoreHooks {
  /** Fate of the next write, and whether a failed one was applied anyway (before the failure). */
  fate(): { fate: WriteFate; applied: boolean }
  /** The process died inside a write: the network takes the node down before the write returns. */
  crashed(): void
  /** A write failed: the store now refuses writes until the node restarts. */
  failed(): void
  /** A write completed durably (the checker looks at it before anyone is told). */
  stored(options: PutOptions, fresh: StoredItem[]): void
}

type Op =
  { kind: 'put'; items: Uint8Array[]; options: PutOptions } | { kind: 'cursor'; peer: FacilityId; cursor: Cursor }

/** A journalled, fault-injecting store of one simulated node. */
export class SimStore implements ItemStore {
  readonly #facility: FacilityId
  readonly #inspect: InspectItem
  readonly #epoch: Uint8Array
  readonly #hooks: SimStoreHooks
  #inner: MemoryItemStore
  #journal: Op[] = []
  #fenced = false
  readonly #log: StoredItem[] = []
  readonly #byId = new Map<ItemId, StoredItem>()
  readonly #byDoc = new Map<PatientId, StoredItem[]>()

  constructor(facility: FacilityId, inspect: InspectItem, epoch: Uint8Array, hooks: SimStoreHooks) {
    this.#facility = facility
    this.#inspect = inspect
    this.#epoch = epoch
    this.#hooks = hooks
    this.#inner = new MemoryItemStore(inspect, epoch)
  }

  /** Journal position to restore to later. */
  backup(): number {
    return this.#journal.length
  }

  /** Replace the contents with the state at journal position `at` (same epoch, same identity). */
  async restore(at: number): Promise<void> {
    const kept = this.#journal.slice(0, at)
    this.#inner = new MemoryItemStore(this.#inspect, this.#epoch)
    this.#journal = []
    this.#log.length = 0
    this.#byId.clear()
    this.#byDoc.clear()
    for (const op of kept) await this.#apply(op)
  }

  /** The node restarted and reopened its store: writes are accepted again. */
  reopen(): void {
    this.#fenced = false
  }

  /** Every durable item, in log order. */
  get items(): readonly StoredItem[] {
    return this.#log
  }

  /** Whether an item is durable here. */
  has(id: ItemId): boolean {
    return this.#byId.has(id)
  }

  /** Durable items of one document, in log order. */
  doc(docId: PatientId): readonly StoredItem[] {
    return this.#byDoc.get(docId) ?? []
  }

  /** Documents with at least one durable item. */
  docIds(): PatientId[] {
    return [...this.#byDoc.keys()]
  }

  async putItems(items: Uint8Array[], options: PutOptions = {}): Promise<StoredItem[]> {
    if (this.#fenced) throw new SimStoreFencedError(this.#facility)
    const { fate, applied } = this.#hooks.fate()
    const op: Op = { kind: 'put', items: items.map(b => b.slice()), options: copyOptions(options) }
    if (fate === 'ok') {
      const fresh = await this.#apply(op)
      this.#hooks.stored(options, fresh)
      return fresh
    }
    if (applied) await this.#apply(op)
    if (fate === 'crash') {
      this.#hooks.crashed()
      throw new SimCrashError(this.#facility)
    }
    this.#fenced = true
    this.#hooks.failed()
    throw new SimWriteError(this.#facility)
  }

  async setCursor(peer: FacilityId, cursor: Cursor): Promise<void> {
    if (this.#fenced) throw new SimStoreFencedError(this.#facility)
    await this.#apply({ kind: 'cursor', peer, cursor: { seq: cursor.seq, token: cursor.token.slice() } })
    this.#hooks.stored({ cursor: { peer, cursor } }, [])
  }

  async #apply(op: Op): Promise<StoredItem[]> {
    this.#journal.push(op)
    if (op.kind === 'cursor') {
      await this.#inner.setCursor(op.peer, op.cursor)
      return []
    }
    const fresh = await this.#inner.putItems(op.items, op.options)
    for (const it of fresh) {
      this.#log.push(it)
      this.#byId.set(it.id, it)
      const list = this.#byDoc.get(it.docId) ?? []
      list.push(it)
      this.#byDoc.set(it.docId, list)
    }
    return fresh
  }

  hasItems(ids: ItemId[]): Promise<boolean[]> {
    return this.#inner.hasItems(ids)
  }
  logSince(seq: number, limit: number): Promise<StoredItem[]> {
    return this.#inner.logSince(seq, limit)
  }
  itemsForDoc(docId: PatientId): Promise<StoredItem[]> {
    return this.#inner.itemsForDoc(docId)
  }
  lastSeq(): Promise<number> {
    return this.#inner.lastSeq()
  }
  epoch(): Promise<Uint8Array> {
    return this.#inner.epoch()
  }
  logDigest(seq: number): Promise<Uint8Array | undefined> {
    return this.#inner.logDigest(seq)
  }
  getCursor(peer: FacilityId): Promise<Cursor | undefined> {
    return this.#inner.getCursor(peer)
  }
  accessItems(docId: PatientId): Promise<StoredItem[]> {
    return this.#inner.accessItems(docId)
  }
  docSummaries(): Promise<DocSummary[]> {
    return this.#inner.docSummaries()
  }
}

function copyOptions(o: PutOptions): PutOptions {
  const out: PutOptions = {}
  if (o.from !== undefined) out.from = o.from
  if (o.cursor !== undefined)
    out.cursor = { peer: o.cursor.peer, cursor: { seq: o.cursor.cursor.seq, token: o.cursor.cursor.token.slice() } }
  return out
}
