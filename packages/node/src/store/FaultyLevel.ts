/**
 * A real LevelDB (classic-level) with faults injected under it, for tests and the crash-point
 * script: a power cut that throws away every write not yet synced, as the OS page cache would,
 * and write errors (an I/O error, a full or read-only disk) on demand.
 *
 * It intercepts abstract-level's private write calls on the root database (`_put`, `_del`,
 * `_batch`), which every sublevel write and array batch reaches after encoding. Chained batches
 * would bypass it through the native binding, so they are refused: the store writes array batches.
 */
import { Level } from 'level'
import { PagdandiError } from '@pagdandi/core'

type RawKey = string | Uint8Array
interface RawOp {
  type: 'put' | 'del'
  key: RawKey
  value?: Uint8Array
}
interface WriteOptions {
  sync?: boolean
}
/** abstract-level 3's private methods that classic-level implements (not in its typings). */
interface RawLevel {
  _put(key: RawKey, value: Uint8Array, options: WriteOptions): Promise<void>
  _del(key: RawKey, options: WriteOptions): Promise<void>
  _batch(ops: RawOp[], options: WriteOptions): Promise<void>
  _get(
    key: RawKey,
    options: { keyEncoding: string; valueEncoding: string; fillCache: boolean }
  ): Promise<Uint8Array | undefined>
}
// The one cast: the private API is real (classic-level 3.0.0, abstract-level 3.1) but untyped.
const raw = Level.prototype as unknown as RawLevel

/** The simulated machine lost power: this write, and every later one, never reached the disk. */
export class PowerLossError extends PagdandiError {
  override name = 'PowerLossError'
  constructor() {
    super('ERR_POWER_LOSS', 'simulated power loss')
  }
}

/** An error shaped as classic-level reports a failed write (`LEVEL_IO_ERROR`, LevelDB's text). */
export function levelIoError(what: 'No space left on device' | 'Read-only file system' | 'Input/output error'): Error {
  return Object.assign(new Error(`IO error: 000003.log: ${what}`), { code: 'LEVEL_IO_ERROR' })
}

const keyOf = (k: RawKey): string => (typeof k === 'string' ? `s:${k}` : `b:${Buffer.from(k).toString('hex')}`)

/** classic-level with a power-loss model and injectable write errors. */
export class FaultyLevel extends Level<string, Uint8Array> {
  /** Keys written since the last synced write, with what each held before: lost at a power cut. */
  readonly #unsynced = new Map<string, { key: RawKey; prior: Uint8Array | undefined }>()
  #writes = 0
  #crashed = false
  /** The write (1-based, counting every put, del and batch) at which the power goes; none if unset. */
  crashAtWrite: number | undefined
  /** When set, every write fails with this error before reaching LevelDB. */
  failWith: Error | undefined

  constructor(location: string) {
    super(location, { keyEncoding: 'utf8', valueEncoding: 'view' })
  }

  /** Writes attempted so far (put, del and batch each count one). */
  get writes(): number {
    return this.#writes
  }

  /** Whether the power went. */
  get crashed(): boolean {
    return this.#crashed
  }

  /** Cuts the power now: every write since the last synced one is lost; later writes fail. */
  async powerCut(): Promise<void> {
    if (this.#crashed) return
    this.#crashed = true
    for (const { key, prior } of this.#unsynced.values()) {
      if (prior === undefined) await raw._del.call(this, key, { sync: true })
      else await raw._put.call(this, key, prior, { sync: true })
    }
    this.#unsynced.clear()
  }

  async #admit(ops: RawOp[], options: WriteOptions): Promise<void> {
    if (this.#crashed) throw new PowerLossError()
    this.#writes++
    if (this.#writes === this.crashAtWrite) {
      await this.powerCut()
      throw new PowerLossError()
    }
    if (this.failWith !== undefined) throw this.failWith
    if (options.sync === true) return
    for (const op of ops) {
      const id = keyOf(op.key)
      if (this.#unsynced.has(id)) continue
      const keyEncoding = typeof op.key === 'string' ? 'utf8' : 'view'
      const prior = await raw._get.call(this, op.key, { keyEncoding, valueEncoding: 'view', fillCache: false })
      this.#unsynced.set(id, { key: op.key, prior: prior === undefined ? undefined : new Uint8Array(prior) })
    }
  }

  // A synced write makes every earlier write durable too: LevelDB fsyncs the one log they share.
  #settle(options: WriteOptions): void {
    if (options.sync === true) this.#unsynced.clear()
  }

  /** abstract-level's private put (all sublevel puts arrive here, encoded). */
  async _put(key: RawKey, value: Uint8Array, options: WriteOptions): Promise<void> {
    await this.#admit([{ type: 'put', key, value }], options)
    await raw._put.call(this, key, value, options)
    this.#settle(options)
  }

  /** abstract-level's private del. */
  async _del(key: RawKey, options: WriteOptions): Promise<void> {
    await this.#admit([{ type: 'del', key }], options)
    await raw._del.call(this, key, options)
    this.#settle(options)
  }

  /** abstract-level's private array batch. */
  async _batch(ops: RawOp[], options: WriteOptions): Promise<void> {
    await this.#admit(ops, options)
    await raw._batch.call(this, ops, options)
    this.#settle(options)
  }

  /** Chained batches write through the native binding, past the fault model: refused. */
  _chainedBatch(): never {
    throw new TypeError('FaultyLevel: use an array batch (db.batch(ops, options))')
  }
}
