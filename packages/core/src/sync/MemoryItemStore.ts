/**
 * An in-memory `ItemStore` for tests and the simulated network. Same behaviour as the LevelDB store
 * (both run `itemStoreConformance`), minus durability.
 */
import nacl from 'tweetnacl'
import type { FacilityId, PatientId } from '../record/types.js'
import { EPOCH_BYTES } from './constants.js'
import { emptyFingerprint, itemFingerprint, logChain, xorInto } from './fingerprint.js'
import type { Cursor, DocSummary, InspectItem, ItemId, ItemStore, PutOptions, StoredItem } from './types.js'

/** `ItemStore` held in memory. */
export class MemoryItemStore implements ItemStore {
  readonly #inspect: InspectItem
  readonly #epoch: Uint8Array
  readonly #byId = new Map<ItemId, StoredItem>()
  readonly #log: StoredItem[] = []
  /** `logChain` through each log position, by position − 1. */
  readonly #digests: Uint8Array[] = []
  readonly #byDoc = new Map<PatientId, StoredItem[]>()
  readonly #docFp = new Map<PatientId, DocSummary>()
  readonly #access = new Map<PatientId, StoredItem[]>()
  readonly #cursors = new Map<FacilityId, Cursor>()

  /** `inspect` reads an item's id and header (the crypto module's structural decode). */
  constructor(inspect: InspectItem, epoch: Uint8Array = nacl.randomBytes(EPOCH_BYTES)) {
    this.#inspect = inspect
    this.#epoch = epoch
  }

  async putItems(items: Uint8Array[], options: PutOptions = {}): Promise<StoredItem[]> {
    const headers = items.map(b => ({ bytes: b, h: this.#inspect(b) }))
    const fresh: StoredItem[] = []
    const seen = new Set<ItemId>()
    for (const { bytes, h } of headers) {
      if (this.#byId.has(h.id) || seen.has(h.id)) continue
      seen.add(h.id)
      const item: StoredItem = { ...h, seq: this.#log.length + fresh.length + 1, bytes: bytes.slice() }
      if (options.from !== undefined) item.from = options.from
      fresh.push(item)
    }
    for (const item of fresh) {
      this.#byId.set(item.id, item)
      this.#digests.push(logChain(this.#digests.at(-1), item.id))
      this.#log.push(item)
      const list = this.#byDoc.get(item.docId) ?? []
      list.push(item)
      this.#byDoc.set(item.docId, list)
      const sum = this.#docFp.get(item.docId) ?? { docId: item.docId, fp: emptyFingerprint(), count: 0 }
      xorInto(sum.fp, itemFingerprint(item.id))
      sum.count++
      this.#docFp.set(item.docId, sum)
      if (item.kind === 'access') {
        const a = this.#access.get(item.docId) ?? []
        a.push(item)
        this.#access.set(item.docId, a)
      }
    }
    if (options.cursor !== undefined) this.#cursors.set(options.cursor.peer, copyCursor(options.cursor.cursor))
    return fresh
  }

  async hasItems(ids: ItemId[]): Promise<boolean[]> {
    return ids.map(id => this.#byId.has(id))
  }

  async logSince(seq: number, limit: number): Promise<StoredItem[]> {
    return this.#log.slice(Math.max(0, seq), Math.max(0, seq) + limit)
  }

  async itemsForDoc(docId: PatientId): Promise<StoredItem[]> {
    return [...(this.#byDoc.get(docId) ?? [])]
  }

  async lastSeq(): Promise<number> {
    return this.#log.length
  }

  async epoch(): Promise<Uint8Array> {
    return this.#epoch.slice()
  }

  async logDigest(seq: number): Promise<Uint8Array | undefined> {
    return seq < 1 ? undefined : this.#digests[seq - 1]?.slice()
  }

  async getCursor(peer: FacilityId): Promise<Cursor | undefined> {
    const c = this.#cursors.get(peer)
    return c === undefined ? undefined : copyCursor(c)
  }

  async setCursor(peer: FacilityId, cursor: Cursor): Promise<void> {
    this.#cursors.set(peer, copyCursor(cursor))
  }

  async accessItems(docId: PatientId): Promise<StoredItem[]> {
    return [...(this.#access.get(docId) ?? [])]
  }

  async docSummaries(): Promise<DocSummary[]> {
    return [...this.#docFp.values()]
      .map(s => ({ docId: s.docId, fp: s.fp.slice(), count: s.count }))
      .sort((a, b) => (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0))
  }
}

function copyCursor(c: Cursor): Cursor {
  return { seq: c.seq, token: c.token.slice() }
}
