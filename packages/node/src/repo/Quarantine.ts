/**
 * Evidence of items refused for their content (a change that is not Automerge, one that breaks the
 * patient-document shape, a payload that inflates beyond the caps): kept with the author whose
 * signature they carry, never applied and never logged, so never forwarded. Shown to the facility
 * admin (`pagdandi quarantine`, `GET /api/quarantine`) and counted in status.
 *
 * Bounded: what one member can make a node keep here is `MAX_PER_AUTHOR` entries, and the whole
 * quarantine `MAX_ENTRIES`; past that an item is counted, not kept.
 */
import { createLogger, type Logger } from '../log.js'
import { decodeItemHeader, itemId } from '@pagdandi/core/crypto'
import type { QuarantinedItem } from '@pagdandi/core/api'
import type { FacilityId } from '@pagdandi/core/record'

/** Entries kept in all: enough evidence against several members at once. */
export const MAX_ENTRIES = 1024
/** Entries kept per author, so one hostile member cannot crowd out the evidence against another. */
export const MAX_PER_AUTHOR = 64
/** Bytes of items kept in all (the entries' item bytes). */
export const MAX_BYTES = 32 << 20

/** The node's small durable key/value, when the store has one (an in-memory test store may not). */
export interface KvStore {
  getKv?(key: string): Promise<Uint8Array | undefined>
  putKv?(key: string, value: Uint8Array): Promise<void>
  /** Several values in one durable batch. */
  putKvs?(entries: readonly (readonly [string, Uint8Array])[]): Promise<void>
}

const INDEX_KEY = 'quarantine/index'
const itemKey = (id: string): string => `quarantine/item/${id}`

interface Index {
  entries: QuarantinedItem[]
  /** Refusals counted but not kept (over a cap). */
  dropped: number
}

/** The quarantine of one node. */
export class Quarantine {
  #index: Index = { entries: [], dropped: 0 }
  #bytes = 0
  readonly #ids = new Set<string>()
  #write: Promise<void> = Promise.resolve()
  /** Refusals handed to `add` and not yet written. */
  readonly #pending: { bytes: Uint8Array; error: Error; from: FacilityId | undefined }[] = []

  constructor(
    readonly store: KvStore,
    readonly now: () => Date = () => new Date(),
    readonly log: Logger = createLogger('quarantine')
  ) {}

  /** Reads what earlier runs kept. */
  async load(): Promise<void> {
    const raw = await this.store.getKv?.(INDEX_KEY)
    if (raw === undefined) return
    try {
      this.#index = parseIndex(JSON.parse(new TextDecoder().decode(raw)))
    } catch {
      // A damaged index loses the list of evidence, not data: start a new one.
    }
    for (const e of this.#index.entries) {
      this.#ids.add(e.itemId)
      this.#bytes += e.bytes
    }
  }

  /** Every kept entry, oldest first. */
  list(): QuarantinedItem[] {
    return [...this.#index.entries]
  }

  /** Refusals seen, kept or not. */
  get count(): number {
    return this.#index.entries.length + this.#index.dropped
  }

  /** Whether an item is held here. */
  has(id: string): boolean {
    return this.#ids.has(id)
  }

  /** The item bytes of an entry, for an investigation. */
  async bytesOf(id: string): Promise<Uint8Array | undefined> {
    return this.has(id) ? await this.store.getKv?.(itemKey(id)) : undefined
  }

  /**
   * Keeps `bytes` as evidence of `error` in the background, and says so in the log (ids only);
   * `idle` resolves once it is durable.
   */
  keep(bytes: Uint8Array, error: Error, from?: FacilityId): void {
    this.log.warn(`refused an item${from === undefined ? '' : ` from ${from}`}: ${error.name}: ${error.message}`)
    this.add(bytes, error, from).catch((err: unknown) => {
      this.log.error(`quarantine: ${(err as Error).name}`)
    })
  }

  /**
   * Keeps `bytes` as evidence of `error` (durably, before resolving). Idempotent per item. The
   * refusals that arrive while a write is under way go together in the next one (one synced batch),
   * so a member that makes a node refuse many items costs it few disk syncs.
   */
  async add(bytes: Uint8Array, error: Error, from?: FacilityId): Promise<void> {
    this.#pending.push({ bytes, error, from })
    // One write at a time, so concurrent refusals cannot interleave the index and the caps.
    const run = this.#write.then(async () => {
      await this.#drain()
    })
    this.#write = run.catch(() => {})
    await run
  }

  /** Resolves once every refusal handed to `add` so far is durable. */
  async idle(): Promise<void> {
    await this.#write
  }

  async #drain(): Promise<void> {
    const batch = this.#pending.splice(0)
    if (batch.length === 0) return
    const writes: (readonly [string, Uint8Array])[] = []
    for (const p of batch) {
      const kept = this.#decide(p.bytes, p.error, p.from)
      if (kept !== undefined) writes.push(kept)
    }
    writes.push([INDEX_KEY, new TextEncoder().encode(JSON.stringify(this.#index))])
    if (this.store.putKvs !== undefined) await this.store.putKvs(writes)
    else for (const [k, v] of writes) await this.store.putKv?.(k, v)
  }

  /** Enters one refusal in the index (or counts it, over a cap); the item's write if it is kept. */
  #decide(bytes: Uint8Array, error: Error, from?: FacilityId): readonly [string, Uint8Array] | undefined {
    const id = itemId(bytes)
    if (this.#ids.has(id)) return undefined
    let author: FacilityId
    let docId: string
    try {
      const h = decodeItemHeader(bytes)
      author = h.author
      docId = h.docId
    } catch {
      author = '' as FacilityId
      docId = ''
    }
    const byAuthor = this.#index.entries.filter(e => e.author === author).length
    if (
      docId === '' ||
      byAuthor >= MAX_PER_AUTHOR ||
      this.#index.entries.length >= MAX_ENTRIES ||
      this.#bytes + bytes.length > MAX_BYTES
    ) {
      this.#index.dropped++
      return undefined
    }
    const entry: QuarantinedItem = {
      itemId: id,
      docId,
      author,
      reason: error.name,
      detail: error.message,
      at: this.now().toISOString(),
      bytes: bytes.length
    }
    if (from !== undefined) entry.from = from
    this.#ids.add(id)
    this.#bytes += bytes.length
    this.#index.entries.push(entry)
    return [itemKey(id), bytes]
  }
}

const TEXT_FIELDS = ['itemId', 'docId', 'author', 'reason', 'detail', 'at'] as const

/**
 * A stored index read back: entries of the wrong shape (a damaged record) are counted as dropped,
 * never listed, so the list and the byte cap only ever see well-formed entries.
 */
function parseIndex(v: unknown): Index {
  const o = (typeof v === 'object' && v !== null ? v : {}) as { entries?: unknown; dropped?: unknown }
  const list = Array.isArray(o.entries) ? (o.entries as unknown[]) : []
  const entries = list.filter((e): e is QuarantinedItem => {
    if (typeof e !== 'object' || e === null) return false
    const r = e as Record<string, unknown>
    return (
      TEXT_FIELDS.every(f => typeof r[f] === 'string') &&
      (r.from === undefined || typeof r.from === 'string') &&
      Number.isSafeInteger(r.bytes) &&
      (r.bytes as number) >= 0
    )
  })
  const dropped = Number.isSafeInteger(o.dropped) && (o.dropped as number) >= 0 ? (o.dropped as number) : 0
  return { entries, dropped: dropped + list.length - entries.length }
}
