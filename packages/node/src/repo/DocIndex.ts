/**
 * The persisted document index: what start-up used to rebuild by opening every item and loading
 * every document (each document's key generations, durable heads and what the views show of it),
 * kept in the item store's `dix` sub-level as sealed records (indexRecord.ts), so a node with
 * 100,000 patients starts by reading one record per patient instead of opening a million items.
 *
 * Consistency with the log: the index records a **watermark**, a log position up to which every
 * entry is reflected in its records. Items are stored first (their own synced batch, as before);
 * the index learns of them once the bridge has applied them (`indexed`) and writes, in one batch,
 * the records of the documents they changed together with the advanced watermark. The watermark
 * only moves over a contiguous run of applied positions whose documents are written, so a crash at
 * any point leaves records that match a prefix of the log; start-up replays the log after the
 * watermark (docs/SPEC.md I11). The index is never trusted blindly: a record that does not open,
 * a count that does not match, a watermark past the log or another version rebuilds it, and says so.
 */
import * as A from '@automerge/automerge'
import type { DocumentKey } from '@pagdandi/core/crypto'
import type { PatientDoc, PatientId } from '@pagdandi/core/record'
import { sameHeads } from './checkedLoad.js'
import {
  INDEX_VERSION,
  META_KEY,
  IndexCipher,
  IndexRecordError,
  asMeta,
  asRecord,
  docKeyOf,
  type IndexMeta,
  type IndexRecord,
  type ViewSource
} from './indexRecord.js'
import type { StoredItemLike } from './bridgePorts.js'

/** Where the index lives: LevelItemStore's `dix` sub-level and its log. */
export interface IndexStorage {
  indexEntries(): AsyncIterable<[string, Uint8Array]>
  writeIndex(puts: [string, Uint8Array][], dels: string[], clear?: boolean): Promise<void>
  logSince(seq: number, limit: number): Promise<StoredItemLike[]>
  lastSeq(): Promise<number>
}

/** What the index reads of the bridge, the keyring and the views when it writes a record. */
export interface IndexSources {
  knows(docId: string): boolean
  durableHeads(docId: string): A.Heads | undefined
  /** The resident document, if it is resident. */
  doc(docId: string): A.Doc<unknown> | undefined
  keysOf(docId: string): DocumentKey[]
  /** Keys of concurrent rotations are held for it: reload it from its items at start. */
  unsettled(docId: string): boolean
  viewOf(doc: A.Doc<PatientDoc>): ViewSource | undefined
}

/** What `load` found: the records and watermark, or why the index must be rebuilt. */
export type IndexLoad = { ok: true; records: IndexRecord[]; watermark: number } | { ok: false; reason: string }

/** Dirty documents that start a write on their own. */
const FLUSH_AT = 500
/** The longest a change waits before its record is written. */
const FLUSH_MS = 1000

/** The document index of one node (see the file comment). */
export class DocIndex {
  readonly #cipher: IndexCipher
  /** Documents that have a record. */
  readonly #held = new Set<string>()
  /** Documents whose record must be rewritten (or deleted). */
  readonly #dirty = new Set<string>()
  /** The view of a document as last seen, with the heads it was seen at (cold ones are gone after). */
  readonly #seen = new Map<string, { heads: A.Heads; view: ViewSource | undefined }>()
  /** Applied log positions above the watermark, with their document. */
  readonly #done = new Map<number, string | undefined>()
  #watermark = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #writing: Promise<void> = Promise.resolve()
  #closed = false
  /** Records written, for the status and tests. */
  readonly stats = { writes: 0, records: 0 }

  constructor(
    readonly storage: IndexStorage,
    secret: Uint8Array,
    facility: string,
    readonly sources: IndexSources,
    readonly log: (line: string) => void = () => {}
  ) {
    this.#cipher = new IndexCipher(secret, facility)
  }

  /** Reads and checks every record; any doubt is a reason to rebuild, never a partial index. */
  async load(): Promise<IndexLoad> {
    let meta: IndexMeta | undefined
    const records: IndexRecord[] = []
    try {
      for await (const [key, value] of this.storage.indexEntries()) {
        if (key === META_KEY) meta = asMeta(this.#cipher.open(key, value))
        else records.push(asRecord(key, this.#cipher.open(key, value)))
      }
    } catch (err) {
      if (err instanceof IndexRecordError) return { ok: false, reason: `damaged (${err.message})` }
      throw err
    }
    if (meta === undefined) return { ok: false, reason: records.length === 0 ? 'missing' : 'damaged (no index record)' }
    if (meta.version !== INDEX_VERSION) return { ok: false, reason: `of another version (${meta.version})` }
    if (meta.count !== records.length)
      return { ok: false, reason: `damaged (${records.length} records where ${meta.count} were written)` }
    if (meta.watermark > (await this.storage.lastSeq()))
      return { ok: false, reason: 'damaged (it reaches past the end of the log)' }
    for (const r of records) this.#held.add(r.docId)
    this.#watermark = meta.watermark
    return { ok: true, records, watermark: meta.watermark }
  }

  /** Drops every record before a rebuild (a crash during it leaves no index record: rebuilt again). */
  async clear(): Promise<void> {
    await this.storage.writeIndex([], [], true)
    this.#held.clear()
    this.#watermark = 0
  }

  /** A document changed (the bridge's `doc` event): `view` is what the views made of it at `heads`. */
  changed(docId: string, seen?: { heads: A.Heads; view: ViewSource | undefined }): void {
    if (this.#closed) return
    if (seen === undefined) this.#seen.delete(docId)
    else this.#seen.set(docId, seen)
    this.#dirty.add(docId)
    this.#schedule()
  }

  /** Stored items the bridge has applied (or found nothing to do with). */
  indexed(items: readonly StoredItemLike[]): void {
    if (this.#closed) return
    for (const i of items) {
      if (i.seq <= this.#watermark) continue
      this.#done.set(i.seq, i.docId)
      if (i.docId !== undefined) this.#dirty.add(i.docId)
    }
    this.#schedule()
  }

  /** Start-up has applied the log up to `seq`: the watermark may move there once the records are written. */
  async caughtUp(seq: number): Promise<void> {
    await this.flush()
    await this.#write([], seq)
  }

  #schedule(): void {
    if (this.#dirty.size >= FLUSH_AT) {
      void this.flush().catch((err: unknown) => this.log(`document index: ${(err as Error).name}`))
      return
    }
    if (this.#timer !== undefined) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.flush().catch((err: unknown) => this.log(`document index: ${(err as Error).name}`))
    }, FLUSH_MS)
    this.#timer.unref?.()
  }

  /** Writes the records of every dirty document that is settled, and the watermark they allow. */
  async flush(): Promise<void> {
    const run = this.#writing.then(async () => {
      const dirty = [...this.#dirty]
      this.#dirty.clear()
      const puts: [string, Uint8Array][] = []
      const dels: string[] = []
      const waiting = new Set<string>()
      for (const docId of dirty) {
        const rec = this.#recordOf(docId)
        if (rec === 'gone') {
          if (this.#held.has(docId)) dels.push(docId)
        } else if (rec === 'waiting') waiting.add(docId)
        else puts.push([docId, this.#cipher.seal(docKeyOf(docId), rec)])
      }
      for (const id of waiting) this.#dirty.add(id)
      await this.#write(puts, this.#advance(waiting), dels)
    })
    this.#writing = run.catch(() => {})
    await run
  }

  /** The record of a document as it is durably stored now; `waiting` while its view lags its heads. */
  #recordOf(docId: string): IndexRecord | 'gone' | 'waiting' {
    const heads = this.sources.durableHeads(docId)
    if (!this.sources.knows(docId) || heads === undefined) return 'gone'
    let view: ViewSource | undefined
    const seen = this.#seen.get(docId)
    if (seen !== undefined && sameHeads(seen.heads, heads)) view = seen.view
    else {
      const doc = this.sources.doc(docId)
      if (doc === undefined || !sameHeads(A.getHeads(doc), heads)) return 'waiting'
      view = this.sources.viewOf(doc as A.Doc<PatientDoc>)
    }
    this.#seen.delete(docId)
    const rec: IndexRecord = { docId: docId as PatientId, heads: [...heads], keys: this.sources.keysOf(docId) }
    if (this.sources.unsettled(docId)) rec.full = true
    if (view !== undefined) rec.view = view
    return rec
  }

  /** The watermark after this write: over applied positions whose documents are written. */
  #advance(waiting: ReadonlySet<string>): number {
    this.#waiting = waiting
    return this.#advanceFrom(this.#watermark)
  }

  #waiting: ReadonlySet<string> = new Set()

  #advanceFrom(from: number): number {
    const waiting = this.#waiting
    let w = from
    for (;;) {
      if (!this.#done.has(w + 1)) break
      const docId = this.#done.get(w + 1)
      if (docId !== undefined && waiting.has(docId)) break
      w++
    }
    return w
  }

  async #write(puts: [string, Uint8Array][], watermark: number, dels: string[] = []): Promise<void> {
    // Positions no item holds (an erased document's) would stop the watermark for good: skip them.
    if (this.#done.size > 0 && !this.#done.has(watermark + 1)) {
      const [next] = await this.storage.logSince(watermark, 1)
      if (next !== undefined && next.seq > watermark + 1 && this.#done.has(next.seq))
        return await this.#write(puts, this.#advanceFrom(next.seq - 1), dels)
    }
    if (puts.length === 0 && dels.length === 0 && watermark === this.#watermark) return
    const added = new Set(puts.map(([docId]) => docId).filter(id => !this.#held.has(id))).size
    const meta: IndexMeta = { version: INDEX_VERSION, watermark, count: this.#held.size + added - dels.length }
    await this.storage.writeIndex(
      [
        ...puts.map(([docId, v]): [string, Uint8Array] => [docKeyOf(docId), v]),
        [META_KEY, this.#cipher.seal(META_KEY, meta)]
      ],
      dels.map(docKeyOf)
    )
    for (const [docId] of puts) this.#held.add(docId)
    for (const docId of dels) this.#held.delete(docId)
    for (let s = this.#watermark + 1; s <= watermark; s++) this.#done.delete(s)
    this.#watermark = watermark
    this.stats.writes++
    this.stats.records += puts.length
  }

  /** How far into the log the written records reach. */
  get watermark(): number {
    return this.#watermark
  }

  /** Writes what is pending, then stops. */
  async close(): Promise<void> {
    if (this.#closed) return
    clearTimeout(this.#timer)
    await this.flush()
    this.#closed = true
  }
}
