/**
 * The `ItemStore` on LevelDB (`level` 10 / classic-level). Layout, one sub-level each:
 *
 * - `log`  `<seq, 15 digits>` → from-length, from, item bytes (the append-only log holds the bytes)
 * - `id`   `<itemId>` → seq (content addressing: an item is stored once)
 * - `doc`  `<docId> NUL <seq>` → empty (per-document index)
 * - `acc`  `<docId> NUL <seq>` → empty (grants and rotations: the entitlement index)
 * - `fp`   `<docId>` → 16-byte fingerprint, item count (repair summaries, kept in O(1) per item)
 * - `cur`  `<peer>` → seq, token (the cursor we hold of each peer's log)
 * - `meta` `epoch` → 16 random bytes, written once at creation
 * - `kv`   free-form keys for the node (keyring blob, settings), see `getMeta`/`putMeta`
 * - `era`  `<docId>` → empty: documents erased here (crypto-shredding); their items are refused
 * - `meta` `seqFloor` → the last seq when a document was erased, so erased log positions are never reused
 *
 * Every `putItems` is one atomic batch written with `sync: true`, holding the log entries, all
 * indexes and (optionally) the cursor, so a store left behind by a crash is either before or after
 * the whole batch and never has a cursor ahead of its items.
 */
import { randomBytes } from 'node:crypto'
import { Level } from 'level'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import {
  EPOCH_BYTES,
  emptyFingerprint,
  itemFingerprint,
  xorInto,
  type Cursor,
  type DocSummary,
  type InspectItem,
  type ItemId,
  type ItemStore,
  type PutOptions,
  type StoredItem
} from '@pagdandi/core/sync'
import { StoreClosedError, StoreCorruptError } from './errors.js'

/** The part of a classic-level sub-level this store uses (values are Uint8Array/Buffer). */
interface Sub {
  get(key: string): Promise<Uint8Array | undefined>
  getMany(keys: string[]): Promise<(Uint8Array | undefined)[]>
  put(key: string, value: Uint8Array, options?: { sync?: boolean }): Promise<void>
  keys(options?: { gt?: string; lt?: string; reverse?: boolean; limit?: number }): AsyncIterable<string>
  iterator(options?: { gt?: string; limit?: number }): AsyncIterable<[string, Uint8Array]>
}

const SEQ_DIGITS = 15
const seqKey = (seq: number): string => seq.toString().padStart(SEQ_DIGITS, '0')
const docKey = (docId: string, seq: number): string => `${docId}\u0000${seqKey(seq)}`
const enc = new TextEncoder()
const dec = new TextDecoder()

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}

/** classic-level hands back Buffers; callers get plain Uint8Arrays (equal under structural comparison). */
function plain(b: Uint8Array): Uint8Array {
  return new Uint8Array(b)
}

function readU32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at)
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** `ItemStore` on LevelDB. Open with `LevelItemStore.open(dir, inspect)`. */
export class LevelItemStore implements ItemStore {
  readonly #db: Level<string, Uint8Array>
  readonly #s: Record<'log' | 'id' | 'doc' | 'acc' | 'fp' | 'cur' | 'meta' | 'kv' | 'era', Sub>
  readonly #inspect: InspectItem
  #epoch: Uint8Array = new Uint8Array(EPOCH_BYTES)
  #lastSeq = 0
  /** Documents erased here: items for them are dropped by `putItems` (see `eraseDoc`). */
  readonly #erased = new Set<string>()
  #lock: Promise<unknown> = Promise.resolve()
  #closed = false

  private constructor(db: Level<string, Uint8Array>, inspect: InspectItem) {
    this.#db = db
    this.#inspect = inspect
    const sub = (name: string): Sub =>
      db.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Sub
    this.#s = {
      log: sub('log'),
      id: sub('id'),
      doc: sub('doc'),
      acc: sub('acc'),
      fp: sub('fp'),
      cur: sub('cur'),
      meta: sub('meta'),
      kv: sub('kv'),
      era: sub('era')
    }
  }

  /** Open (or create) the store in `dir`. `inspect` is the structural item decode (id + header). */
  static async open(dir: string, inspect: InspectItem): Promise<LevelItemStore> {
    const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
    await db.open()
    const store = new LevelItemStore(db, inspect)
    await store.#init()
    return store
  }

  async #init(): Promise<void> {
    const epoch = await this.#s.meta.get('epoch')
    if (epoch === undefined) {
      this.#epoch = new Uint8Array(randomBytes(EPOCH_BYTES))
      await this.#s.meta.put('epoch', this.#epoch, { sync: true })
    } else {
      if (epoch.length !== EPOCH_BYTES) throw new StoreCorruptError('log epoch')
      this.#epoch = plain(epoch)
    }
    for await (const key of this.#s.log.keys({ reverse: true, limit: 1 })) this.#lastSeq = Number(key)
    const floor = await this.#s.meta.get('seqFloor')
    if (floor !== undefined) this.#lastSeq = Math.max(this.#lastSeq, Number(dec.decode(floor)))
    for await (const key of this.#s.era.keys()) this.#erased.add(key)
  }

  /** Close the database. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#lock.catch(() => {})
    await this.#db.close()
  }

  #check(): void {
    if (this.#closed) throw new StoreClosedError()
  }

  async putItems(items: Uint8Array[], options: PutOptions = {}): Promise<StoredItem[]> {
    this.#check()
    const run = this.#lock.then(() => this.#put(items, options))
    this.#lock = run.catch(() => {})
    return await run
  }

  async #put(items: Uint8Array[], options: PutOptions): Promise<StoredItem[]> {
    const headers = items.map(bytes => ({ bytes, h: this.#inspect(bytes) }))
    const known = await this.#s.id.getMany(headers.map(x => x.h.id))
    const fresh: StoredItem[] = []
    const seen = new Set<string>()
    headers.forEach(({ bytes, h }, i) => {
      if (known[i] !== undefined || seen.has(h.id) || this.#erased.has(h.docId)) return
      seen.add(h.id)
      const item: StoredItem = { ...h, seq: this.#lastSeq + fresh.length + 1, bytes }
      if (options.from !== undefined) item.from = options.from
      fresh.push(item)
    })
    const batch = this.#db.batch()
    const fps = new Map<string, DocSummary>()
    for (const docId of new Set(fresh.map(f => f.docId))) {
      const raw = await this.#s.fp.get(docId)
      fps.set(
        docId,
        raw === undefined
          ? { docId: docId as PatientId, fp: emptyFingerprint(), count: 0 }
          : { docId: docId as PatientId, fp: plain(raw.subarray(0, 16)), count: readU32(raw, 16) }
      )
    }
    const from = enc.encode(options.from ?? '')
    for (const it of fresh) {
      batch.put(seqKey(it.seq), concat(new Uint8Array([from.length]), from, it.bytes), {
        sublevel: this.#s.log as never
      })
      batch.put(it.id, enc.encode(String(it.seq)), { sublevel: this.#s.id as never })
      batch.put(docKey(it.docId, it.seq), new Uint8Array(0), { sublevel: this.#s.doc as never })
      if (it.kind === 'access')
        batch.put(docKey(it.docId, it.seq), new Uint8Array(0), { sublevel: this.#s.acc as never })
      const sum = fps.get(it.docId) as DocSummary
      xorInto(sum.fp, itemFingerprint(it.id))
      sum.count++
    }
    for (const sum of fps.values())
      batch.put(sum.docId, concat(sum.fp, u32(sum.count)), { sublevel: this.#s.fp as never })
    if (options.cursor !== undefined) {
      batch.put(options.cursor.peer, encodeCursor(options.cursor.cursor), { sublevel: this.#s.cur as never })
    }
    if (batch.length === 0) {
      await batch.close()
      return []
    }
    await batch.write({ sync: true })
    this.#lastSeq += fresh.length
    return fresh
  }

  async hasItems(ids: ItemId[]): Promise<boolean[]> {
    this.#check()
    return (await this.#s.id.getMany(ids)).map(v => v !== undefined)
  }

  #decodeLog(key: string, value: Uint8Array): StoredItem {
    const n = value[0]
    if (n === undefined || value.length < 1 + n) throw new StoreCorruptError(`log entry ${key}`)
    const from = dec.decode(value.subarray(1, 1 + n))
    const bytes = plain(value.subarray(1 + n))
    const item: StoredItem = { ...this.#inspect(bytes), seq: Number(key), bytes }
    if (from !== '') item.from = from as FacilityId
    return item
  }

  async logSince(seq: number, limit: number): Promise<StoredItem[]> {
    this.#check()
    const out: StoredItem[] = []
    for await (const [k, v] of this.#s.log.iterator({ gt: seqKey(seq), limit })) out.push(this.#decodeLog(k, v))
    return out
  }

  async #bySeqIndex(index: Sub, docId: PatientId): Promise<StoredItem[]> {
    this.#check()
    const seqs: string[] = []
    for await (const k of index.keys({ gt: `${docId}\u0000`, lt: `${docId}\u0001` }))
      seqs.push(k.slice(docId.length + 1))
    const values = await this.#s.log.getMany(seqs)
    return values.map((v, i) => {
      if (v === undefined) throw new StoreCorruptError(`index points at missing log entry ${seqs[i]}`)
      return this.#decodeLog(seqs[i] as string, v)
    })
  }

  itemsForDoc(docId: PatientId): Promise<StoredItem[]> {
    return this.#bySeqIndex(this.#s.doc, docId)
  }

  accessItems(docId: PatientId): Promise<StoredItem[]> {
    return this.#bySeqIndex(this.#s.acc, docId)
  }

  async lastSeq(): Promise<number> {
    this.#check()
    return this.#lastSeq
  }

  async epoch(): Promise<Uint8Array> {
    this.#check()
    return this.#epoch.slice()
  }

  async getCursor(peer: FacilityId): Promise<Cursor | undefined> {
    this.#check()
    const raw = await this.#s.cur.get(peer)
    return raw === undefined ? undefined : decodeCursor(raw)
  }

  async setCursor(peer: FacilityId, cursor: Cursor): Promise<void> {
    this.#check()
    await this.#s.cur.put(peer, encodeCursor(cursor), { sync: true })
  }

  async docSummaries(): Promise<DocSummary[]> {
    this.#check()
    const out: DocSummary[] = []
    for await (const [k, v] of this.#s.fp.iterator())
      out.push({ docId: k as PatientId, fp: plain(v.subarray(0, 16)), count: readU32(v, 16) })
    return out
  }

  /** Ids of the documents erased in this store. */
  async erasedDocs(): Promise<string[]> {
    this.#check()
    return [...this.#erased].sort()
  }

  /**
   * Crypto-shredding on disk: deletes every item of `docId` (changes, grants, rotations) with its
   * index entries in one synced batch, records the document as erased (later `putItems` drop its
   * items, so a peer re-sending a grant cannot bring the key back) and compacts the database so
   * the deleted bytes leave LevelDB's table and log files. Returns how many items were deleted.
   */
  async eraseDoc(docId: PatientId): Promise<number> {
    this.#check()
    const run = this.#lock.then(async () => {
      const seqs: string[] = []
      for await (const k of this.#s.doc.keys({ gt: `${docId}\u0000`, lt: `${docId}\u0001` }))
        seqs.push(k.slice(docId.length + 1))
      const values = await this.#s.log.getMany(seqs)
      const batch = this.#db.batch()
      values.forEach((v, i) => {
        const seq = seqs[i] as string
        batch.del(seq, { sublevel: this.#s.log as never })
        batch.del(`${docId}\u0000${seq}`, { sublevel: this.#s.doc as never })
        batch.del(`${docId}\u0000${seq}`, { sublevel: this.#s.acc as never })
        if (v !== undefined) batch.del(this.#decodeLog(seq, v).id, { sublevel: this.#s.id as never })
      })
      batch.del(docId, { sublevel: this.#s.fp as never })
      batch.put(docId, new Uint8Array(0), { sublevel: this.#s.era as never })
      // Log positions are never reused, or a peer's cursor past them would skip new items.
      batch.put('seqFloor', enc.encode(String(this.#lastSeq)), { sublevel: this.#s.meta as never })
      await batch.write({ sync: true })
      this.#erased.add(docId)
      // `level` types the browser union; on Node it is classic-level, which compacts.
      const db = this.#db as unknown as { compactRange?: (start: string, end: string) => Promise<void> }
      await db.compactRange?.('!', '\uffff')
      return seqs.length
    })
    this.#lock = run.catch(() => {})
    return await run
  }

  /** Read a node-owned value (keyring blob, settings) from the generic key/value sub-level. */
  async getMeta(key: string): Promise<Uint8Array | undefined> {
    this.#check()
    const v = await this.#s.kv.get(key)
    return v === undefined ? undefined : plain(v)
  }

  /** Durably write a node-owned value (`sync: true`). */
  async putMeta(key: string, value: Uint8Array): Promise<void> {
    this.#check()
    await this.#s.kv.put(key, value, { sync: true })
  }
}

function encodeCursor(c: Cursor): Uint8Array {
  const seq = new Uint8Array(8)
  new DataView(seq.buffer).setBigUint64(0, BigInt(c.seq))
  return concat(seq, c.token)
}

function decodeCursor(raw: Uint8Array): Cursor {
  if (raw.length < 8) throw new StoreCorruptError('cursor')
  return {
    seq: Number(new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getBigUint64(0)),
    token: plain(raw.subarray(8))
  }
}
