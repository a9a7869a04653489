/**
 * The `ItemStore` on LevelDB (`level` 10 / classic-level), one sub-level per record kind: `log`
 * (the append-only log holds the items; logEntry.ts), `id`, `doc`, `acc` and `fp` (its indexes and
 * repair summaries), `cur` (cursors), `meta`, `kv` (the node's bookkeeping, `getKv`/`putKv`), `era` (erased
 * documents) and `dix` (the sealed document index, repo/DocIndex.ts). docs/PROTOCOL.md, "Item
 * store layout", gives each key and value byte by byte (storeCodec.ts).
 *
 * Every `putItems` is one atomic batch written with `sync: true`, holding the log entries, all
 * indexes, `lastSeq` and (optionally) the cursor, so a store left behind by a crash is either
 * before or after the whole batch and never has a cursor ahead of its items.
 *
 * Storage faults (Invariant 10): the first failed write latches the store, which then refuses
 * every write with `StoreFaultedError` until it is reopened; an open that finds damage (openCheck.ts)
 * throws `StoreDamagedError` and keeps the files as found.
 */
import { concatBytes } from '@pagdandi/core'
import { randomBytes } from 'node:crypto'
import { Level } from 'level'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import {
  EPOCH_BYTES,
  emptyFingerprint,
  itemFingerprint,
  logChain,
  xorInto,
  type Cursor,
  type DocSummary,
  type InspectItem,
  type ItemId,
  type ItemStore,
  type PutOptions,
  type StoredItem
} from '@pagdandi/core/sync'
import { StoreClosedError, StoreCorruptError, StoreFaultedError } from './errors.js'
import { decodeLogEntry, encodeLogEntry, entryMismatch } from './logEntry.js'
import { dec, decodeCursor, decodeSummary, docKey, enc, encodeCursor, plain, seqKey, u32 } from './storeCodec.js'
import { StoreLevels, type BatchOp, type Sub } from './storeLevels.js'
import { dropSnapshot, keepDamaged, recoveryDamage, refuseIfMarkedDamaged, snapshotBeforeOpen } from './openCheck.js'
import { STORE_SCHEMA, migrate, schemaOf, type SchemaReader, type StoreLevel } from './schema.js'

/** How to open the store: tests put a fault-injecting LevelDB under it (FaultyLevel.ts). */
export interface LevelStoreOptions {
  level?: (dir: string) => StoreLevel
  /** Names the copy of a damaged store. */
  now?: () => Date
}

/** `ItemStore` on LevelDB. Open with `LevelItemStore.open(dir, inspect)`. */
export class LevelItemStore implements ItemStore {
  readonly #l: StoreLevels
  readonly #inspect: InspectItem
  #epoch: Uint8Array = new Uint8Array(EPOCH_BYTES)
  #lastSeq = 0
  /** The log's digest through `#lastSeq` (`logChain`), which the next position's digest extends. */
  #digest: Uint8Array | undefined
  /** Documents erased here: items for them are dropped by `putItems` (see `eraseDoc`). */
  readonly #erased = new Set<string>()
  #lock: Promise<unknown> = Promise.resolve()
  #closed = false

  private constructor(db: StoreLevel, inspect: InspectItem) {
    this.#l = new StoreLevels(db)
    this.#inspect = inspect
  }

  /**
   * Open (or create) the store in `dir`. `inspect` is the structural item decode (id + header).
   * Refuses a damaged store (`StoreDamagedError`) and a newer schema (`StoreSchemaError`); migrates
   * an older one.
   */
  static async open(dir: string, inspect: InspectItem, opts: LevelStoreOptions = {}): Promise<LevelItemStore> {
    await refuseIfMarkedDamaged(dir)
    const snapshot = await snapshotBeforeOpen(dir)
    const db = opts.level?.(dir) ?? new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
    let damage: string | undefined
    try {
      await db.open()
    } catch (err) {
      // LevelDB refuses what it cannot repair (e.g. a damaged MANIFEST); anything else (a lock,
      // permissions) is not damage and is reported as it is.
      if ((err as { code?: string }).code !== 'LEVEL_CORRUPTION' && !/Corruption/.test(String(err))) throw err
      damage = `LevelDB refused to open it: ${(err as Error).message}`
    }
    const store = damage === undefined ? new LevelItemStore(db, inspect) : undefined
    if (store !== undefined) {
      const dropped = await recoveryDamage(dir)
      if (dropped.length > 0) damage = `LevelDB dropped records while recovering its log: ${dropped[0]!.trim()}`
      else {
        try {
          damage = await store.#init()
        } catch (err) {
          // A newer schema, or a disk that fails already: not damage, but not open either.
          await db.close()
          await dropSnapshot(snapshot)
          throw err
        }
      }
      if (damage !== undefined) await db.close()
    }
    if (damage !== undefined) throw await keepDamaged(dir, snapshot, damage, (opts.now ?? (() => new Date()))())
    await dropSnapshot(snapshot)
    return store!
  }

  /** Reads the store's state and checks what is cheap to check; returns the damage found, if any. */
  async #init(): Promise<string | undefined> {
    const reader: SchemaReader = {
      get: async (sub, key) => await this.#l.sub(sub).get(key),
      lastKey: async sub => {
        for await (const key of this.#l.sub(sub).keys({ reverse: true, limit: 1 })) return key
        return undefined
      }
    }
    const version = await schemaOf(reader)
    const epoch = await this.#l.s.meta.get('epoch')
    if (version === undefined) {
      this.#epoch = new Uint8Array(randomBytes(EPOCH_BYTES))
      await this.#commit(
        [
          this.#l.put('meta', 'epoch', this.#epoch),
          this.#l.put('meta', 'lastSeq', enc.encode('0')),
          this.#l.put('meta', 'schema', enc.encode(String(STORE_SCHEMA)))
        ],
        false
      )
      return undefined
    }
    if (epoch === undefined || epoch.length !== EPOCH_BYTES) return 'its log epoch is missing or malformed'
    this.#epoch = plain(epoch)
    const last = await reader.lastKey('log')
    const tail = last === undefined ? undefined : await this.#tailDamage(last)
    if (tail !== undefined) return tail
    // Only a store that passed the checks is migrated: a damaged one is kept as found.
    await migrate(
      version,
      reader,
      async ops =>
        await this.#commit(
          ops.map(op => this.#l.schemaOp(op)),
          false
        )
    )
    const recorded = Number(dec.decode((await this.#l.s.meta.get('lastSeq')) ?? new Uint8Array()))
    if (!Number.isSafeInteger(recorded) || recorded < Number(last ?? '0'))
      return `its log runs past the position it records (${last} > ${recorded})`
    this.#lastSeq = recorded
    this.#digest = await this.#digestAt(recorded)
    for await (const key of this.#l.s.era.keys()) this.#erased.add(key)
    return undefined
  }

  /** The last log entry decodes and its indexes point back at it (the records of one batch). */
  async #tailDamage(seq: string): Promise<string | undefined> {
    const value = await this.#l.s.log.get(seq)
    let item: StoredItem
    try {
      item = this.#decodeLog(seq, value!)
    } catch {
      return `the last log entry (${seq}) does not decode`
    }
    // The full check, once: reads trust the stored id behind the entry's checksum.
    const mismatch = entryMismatch(item, this.#inspect)
    if (mismatch !== undefined) return `the last log entry (${seq}): ${mismatch}`
    const [at, indexed, fp] = await Promise.all([
      this.#l.s.id.get(item.id),
      this.#l.s.doc.get(docKey(item.docId, item.seq)),
      this.#l.s.fp.get(item.docId)
    ])
    if (at === undefined || dec.decode(at) !== String(item.seq) || indexed === undefined || fp === undefined)
      return `the indexes of the last log entry (${seq}) are missing`
    return undefined
  }

  /** Every write goes through the store's one batch (storeLevels.ts), refused once closed. */
  async #commit(ops: BatchOp[], checkOpen = true, sync = true): Promise<void> {
    if (checkOpen) this.#check()
    await this.#l.commit(ops, sync)
  }

  /** Latches the store as a failed write of its own would (the audit log's write failed on its disk). */
  latch(cause: unknown): StoreFaultedError {
    return this.#l.latch(cause)
  }

  /** The fault that stopped writes, if a write failed since the store was opened. */
  fault(): StoreFaultedError | undefined {
    return this.#l.fault()
  }

  /** Close the database. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#l.closed = true
    await this.#lock.catch(() => {})
    await this.#l.db.close()
  }

  #check(): void {
    if (this.#closed) throw new StoreClosedError()
  }

  async putItems(items: Uint8Array[], options: PutOptions = {}): Promise<StoredItem[]> {
    this.#check()
    const run = this.#lock.then(() => this.#store(items, options))
    this.#lock = run.catch(() => {})
    return await run
  }

  async #store(items: Uint8Array[], options: PutOptions): Promise<StoredItem[]> {
    this.#l.throwIfFaulted()
    const headers = items.map(bytes => ({ bytes, h: this.#inspect(bytes) }))
    const known = await this.#l.s.id.getMany(headers.map(x => x.h.id))
    const fresh: StoredItem[] = []
    const seen = new Set<string>()
    headers.forEach(({ bytes, h }, i) => {
      if (known[i] !== undefined || seen.has(h.id) || this.#erased.has(h.docId)) return
      seen.add(h.id)
      const item: StoredItem = { ...h, seq: this.#lastSeq + fresh.length + 1, bytes }
      if (options.from !== undefined) item.from = options.from
      fresh.push(item)
    })
    const ops: BatchOp[] = []
    const fps = new Map<string, DocSummary>()
    const docIds = [...new Set(fresh.map(f => f.docId))]
    const raws = await this.#l.s.fp.getMany(docIds)
    docIds.forEach((docId, i) => {
      const raw = raws[i]
      fps.set(
        docId,
        raw === undefined ? { docId: docId as PatientId, fp: emptyFingerprint(), count: 0 } : decodeSummary(docId, raw)
      )
    })
    let digest = this.#digest
    for (const it of fresh) {
      digest = logChain(digest, it.id)
      ops.push(this.#l.put('log', seqKey(it.seq), encodeLogEntry(it)))
      ops.push(this.#l.put('chn', seqKey(it.seq), digest))
      ops.push(this.#l.put('id', it.id, enc.encode(String(it.seq))))
      ops.push(this.#l.put('doc', docKey(it.docId, it.seq), new Uint8Array(0)))
      if (it.kind === 'access') ops.push(this.#l.put('acc', docKey(it.docId, it.seq), new Uint8Array(0)))
      const sum = fps.get(it.docId) as DocSummary
      xorInto(sum.fp, itemFingerprint(it.id))
      sum.count++
    }
    for (const sum of fps.values()) ops.push(this.#l.put('fp', sum.docId, concatBytes([sum.fp, u32(sum.count)])))
    if (fresh.length > 0) ops.push(this.#l.put('meta', 'lastSeq', enc.encode(String(this.#lastSeq + fresh.length))))
    if (options.cursor !== undefined)
      ops.push(this.#l.put('cur', options.cursor.peer, encodeCursor(options.cursor.cursor)))
    if (ops.length === 0) return []
    await this.#commit(ops)
    this.#lastSeq += fresh.length
    this.#digest = digest
    return fresh
  }

  async hasItems(ids: ItemId[]): Promise<boolean[]> {
    this.#check()
    return (await this.#l.s.id.getMany(ids)).map(v => v !== undefined)
  }

  #decodeLog(key: string, value: Uint8Array): StoredItem {
    return decodeLogEntry(key, value, this.#inspect)
  }

  async logSince(seq: number, limit: number): Promise<StoredItem[]> {
    this.#check()
    const out: StoredItem[] = []
    for await (const [k, v] of this.#l.s.log.iterator({ gt: seqKey(seq), limit })) out.push(this.#decodeLog(k, v))
    return out
  }

  async #bySeqIndex(index: Sub, docId: PatientId): Promise<StoredItem[]> {
    this.#check()
    const seqs: string[] = []
    for await (const k of index.keys({ gt: `${docId}\u0000`, lt: `${docId}\u0001` }))
      seqs.push(k.slice(docId.length + 1))
    const values = await this.#l.s.log.getMany(seqs)
    return values.map((v, i) => {
      if (v === undefined) throw new StoreCorruptError(`index points at missing log entry ${seqs[i]}`)
      return this.#decodeLog(seqs[i] as string, v)
    })
  }

  itemsForDoc(docId: PatientId): Promise<StoredItem[]> {
    return this.#bySeqIndex(this.#l.s.doc, docId)
  }

  accessItems(docId: PatientId): Promise<StoredItem[]> {
    return this.#bySeqIndex(this.#l.s.acc, docId)
  }

  async lastSeq(): Promise<number> {
    this.#check()
    return this.#lastSeq
  }

  async epoch(): Promise<Uint8Array> {
    this.#check()
    return this.#epoch.slice()
  }

  async logDigest(seq: number): Promise<Uint8Array | undefined> {
    this.#check()
    return seq < 1 || seq > this.#lastSeq ? undefined : await this.#digestAt(seq)
  }

  /**
   * The digest recorded for a position. A position written before schema 4 has none: its digest
   * binds only the item there (the schema 3 token), and the chain restarts from it.
   */
  async #digestAt(seq: number): Promise<Uint8Array | undefined> {
    if (seq < 1) return undefined
    const key = seqKey(seq)
    const recorded = await this.#l.s.chn.get(key)
    if (recorded !== undefined) return plain(recorded)
    const entry = await this.#l.s.log.get(key)
    return entry === undefined ? undefined : logChain(undefined, this.#decodeLog(key, entry).id)
  }

  async getCursor(peer: FacilityId): Promise<Cursor | undefined> {
    this.#check()
    const raw = await this.#l.s.cur.get(peer)
    return raw === undefined ? undefined : decodeCursor(raw)
  }

  async setCursor(peer: FacilityId, cursor: Cursor): Promise<void> {
    await this.#commit([this.#l.put('cur', peer, encodeCursor(cursor))])
  }

  async docSummaries(): Promise<DocSummary[]> {
    this.#check()
    const out: DocSummary[] = []
    for await (const [k, v] of this.#l.s.fp.iterator()) out.push(decodeSummary(k, v))
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
      for await (const k of this.#l.s.doc.keys({ gt: `${docId}\u0000`, lt: `${docId}\u0001` }))
        seqs.push(k.slice(docId.length + 1))
      const values = await this.#l.s.log.getMany(seqs)
      const ops: BatchOp[] = []
      values.forEach((v, i) => {
        const seq = seqs[i] as string
        ops.push(
          this.#l.del('log', seq),
          this.#l.del('doc', `${docId}\u0000${seq}`),
          this.#l.del('acc', `${docId}\u0000${seq}`)
        )
        if (v !== undefined) ops.push(this.#l.del('id', this.#decodeLog(seq, v).id))
      })
      // Log positions are never reused (`lastSeq` stays), or a peer's cursor past them would skip new items.
      ops.push(this.#l.del('fp', docId), this.#l.put('era', docId, new Uint8Array(0)))
      await this.#commit(ops)
      this.#erased.add(docId)
      // `level` types the browser union; on Node it is classic-level, which compacts.
      if (compacts(this.#l.db)) await this.#l.db.compactRange('!', '\uffff')
      return seqs.length
    })
    this.#lock = run.catch(() => {})
    return await run
  }

  /** Every record of the persisted document index (`dix`), in key order. */
  async *indexEntries(): AsyncIterable<[string, Uint8Array]> {
    this.#check()
    for await (const [k, v] of this.#l.s.dix.iterator()) yield [k, plain(v)]
  }

  /**
   * One atomic batch of the document index: puts, then deletes (`clear` deletes every record
   * first). Not synced: LevelDB keeps batches in order, so a crash loses only the last ones, and
   * the index's watermark never passes what its records hold (DocIndex.ts).
   */
  async writeIndex(puts: [string, Uint8Array][], dels: string[], clear = false): Promise<void> {
    const ops: BatchOp[] = []
    if (clear) for await (const k of this.#l.s.dix.keys()) ops.push(this.#l.del('dix', k))
    for (const k of dels) ops.push(this.#l.del('dix', k))
    for (const [k, v] of puts) ops.push(this.#l.put('dix', k, v))
    if (ops.length > 0) await this.#commit(ops, true, false)
  }

  /** Read a node-owned value (keyring blob, settings) from the generic key/value sub-level. */
  async getKv(key: string): Promise<Uint8Array | undefined> {
    this.#check()
    const v = await this.#l.s.kv.get(key)
    return v === undefined ? undefined : plain(v)
  }

  /** Durably write a node-owned value (`sync: true`). */
  async putKv(key: string, value: Uint8Array): Promise<void> {
    await this.putKvs([[key, value]])
  }

  /** Durably write several node-owned values in one batch (`sync: true`). */
  async putKvs(entries: readonly (readonly [string, Uint8Array])[]): Promise<void> {
    await this.#commit(entries.map(([k, v]) => this.#l.put('kv', k, v)))
  }
}

/** classic-level (what `level` is on Node) compacts a key range; the browser's level does not. */
function compacts(db: object): db is { compactRange(start: string, end: string): Promise<void> } {
  return 'compactRange' in db && typeof db.compactRange === 'function'
}
