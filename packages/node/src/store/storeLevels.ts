/**
 * The item store's sub-levels and its one way of writing (Invariants 2 and 10): every write is one
 * atomic batch with `sync: true`, and the first failed write latches the store, which then refuses
 * every later write with the same `StoreFaultedError` until it is reopened.
 */
import { StoreClosedError, StoreFaultedError, faultCause } from './errors.js'
import type { SchemaOp, StoreLevel } from './schema.js'

/** The part of a classic-level sub-level the store reads through (values are Uint8Array/Buffer). */
export interface Sub {
  get(key: string): Promise<Uint8Array | undefined>
  getMany(keys: string[]): Promise<(Uint8Array | undefined)[]>
  keys(options?: { gt?: string; lt?: string; reverse?: boolean; limit?: number }): AsyncIterable<string>
  iterator(options?: { gt?: string; limit?: number }): AsyncIterable<[string, Uint8Array]>
}

/** One write of an array batch, in a sub-level (abstract-level's `sublevel` option). */
export type BatchOp =
  { type: 'put'; key: string; value: Uint8Array; sublevel: unknown } | { type: 'del'; key: string; sublevel: unknown }

export type SubName = 'log' | 'id' | 'doc' | 'acc' | 'fp' | 'cur' | 'meta' | 'kv' | 'era' | 'dix' | 'chn'
const SUBS: readonly SubName[] = ['log', 'id', 'doc', 'acc', 'fp', 'cur', 'meta', 'kv', 'era', 'dix', 'chn']

/** The sub-levels of one open store, and its batches. */
export class StoreLevels {
  readonly db: StoreLevel
  /** Each sub-level, to read through. */
  readonly s: Record<SubName, Sub>
  readonly #subs: Record<SubName, unknown>
  /** Set by the first failed write; every later write is refused with it (Invariant 10). */
  #fault: StoreFaultedError | undefined
  /** Set once the store closes: a write failing after that failed because of it. */
  closed = false

  constructor(db: StoreLevel) {
    this.db = db
    const subs = {} as Record<SubName, unknown>
    for (const name of SUBS)
      subs[name] = db.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' })
    this.#subs = subs
    this.s = subs as Record<SubName, Sub>
  }

  /** A sub-level by a name read from elsewhere (a schema migration). */
  sub(name: string): Sub {
    if (!(SUBS as readonly string[]).includes(name)) throw new TypeError(`no sub-level ${name}`)
    return this.s[name as SubName]
  }

  schemaOp(op: SchemaOp): BatchOp {
    this.sub(op.sub)
    const sub = op.sub as SubName
    return op.type === 'put' ? this.put(sub, op.key, op.value) : this.del(sub, op.key)
  }

  put(sub: SubName, key: string, value: Uint8Array): BatchOp {
    return { type: 'put', key, value, sublevel: this.#subs[sub] }
  }

  del(sub: SubName, key: string): BatchOp {
    return { type: 'del', key, sublevel: this.#subs[sub] }
  }

  /**
   * The one way the store writes: one atomic batch with `sync: true` (Invariant 2). A failed write
   * latches the store (Invariant 10): LevelDB may have left part of the batch in its log, and
   * records appended after it could be dropped with it at the next open.
   */
  async commit(ops: BatchOp[], sync = true): Promise<void> {
    this.throwIfFaulted()
    try {
      await this.db.batch(ops as never, { sync })
    } catch (err) {
      if (this.closed) throw new StoreClosedError()
      this.#fault ??= new StoreFaultedError(faultCause(err), err)
      throw this.#fault
    }
  }

  throwIfFaulted(): void {
    if (this.#fault !== undefined) throw this.#fault
  }

  /** Latches the store as a failed write of its own would. */
  latch(cause: unknown): StoreFaultedError {
    this.#fault ??= new StoreFaultedError(faultCause(cause), cause)
    return this.#fault
  }

  /** The fault that stopped writes, if a write failed since the store was opened. */
  fault(): StoreFaultedError | undefined {
    return this.#fault
  }
}
