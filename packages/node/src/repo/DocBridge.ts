/**
 * The bridge between sealed items and an automerge-repo `Repo` whose only storage adapter is the
 * read-only `SealedStorage`.
 *
 * Invariants (docs/SPEC.md, "Node"):
 * 1. Plaintext never reaches disk: the Repo's storage writes nothing; documents are rebuilt at start
 *    from the sealed document index and sealed items (startup.ts), and every change leaves the
 *    process only as a sealed item.
 * 2. A local change is durable before it is acknowledged: `flush(docId)` resolves only after the
 *    store's atomic `sync: true` batch holding its sealed item resolved.
 * 3. Nothing is sealed twice: per document, `covered` are heads whose ancestry is all sealed here
 *    or was received as items; only `saveSince(doc, covered)` is sealed.
 * 4. One queue per document orders sealing and applying received items, so a received change
 *    is never mistaken for a local one.
 * 6. Nothing stored is trusted at start: an item that does not open, a change that is not
 *    Automerge or that breaks the patient-document shape is named (`refused`), left out of its
 *    document and never stops the others from loading.
 * 5. Documents are cold until used: start-up and received items index each document (the `doc`
 *    event carries it) and free it again, so memory and start-up time do not grow with every
 *    record held. `open`, `change` and browsers (after `open`) make a document resident. With
 *    thousands of live Automerge documents in one process each further load slows down ~40×
 *    (docs/design/0006-cold-documents.md).
 * 7. Resident documents are evicted when cold (Residency.ts: least recently used beyond a count or
 *    byte budget), with the Repo's sync state for them (eviction.ts): every change is sealed first,
 *    so an evicted document reloads with all of them, and a browser still syncing it is answered
 *    from the sealed items (SealedStorage) as for any cold document.
 */
import { concatBytes } from '@pagdandi/core'
import { EventEmitter } from 'node:events'
import * as A from '@automerge/automerge'
import { type DocHandle, type DocumentId, type Repo } from '@automerge/automerge-repo'
import { sameHeads, type Entry } from './checkedLoad.js'
import type { Author } from '@pagdandi/core/record'
import { Authorship } from './Authorship.js'
import { BridgeClosedError, UnknownDocumentError } from './errors.js'
import type { BridgeStore, DocSealer, OpenedItem, StoredItemLike } from './bridgePorts.js'
import { importCold } from './importCold.js'
import { startBridge, type StartProgress } from './startup.js'
import { StoredItems } from './storedItems.js'
import { IDLE, enqueue, sealPending, type DocState, type SealParts } from './docSeal.js'
import { evictColdest, type EvictParts } from './eviction.js'
import { Residency } from './Residency.js'

/**
 * Events: `sealed` (items newly stored from local changes), `doc` (a document changed or appeared;
 * for a cold document the event carries it, valid only while listeners run, as it is freed after).
 */
export interface DocBridgeEvents {
  sealed: [items: StoredItemLike[]]
  /** A stored or received item left out of its document, with why (the node quarantines it). */
  refused: [bytes: Uint8Array, error: Error]
  doc: [docId: string, cold?: A.Doc<unknown>]
  error: [err: Error]
}

export type { StartProgress } from './startup.js'

/** Keeps a storage-less Repo in step with the sealed item store. */
export class DocBridge extends EventEmitter<DocBridgeEvents> {
  readonly #docs = new Map<string, DocState>()
  /** The stored items of each document, refused and quarantined ones left out. */
  readonly #items: StoredItems
  #closed = false
  /** Counters for the status page and the demo. */
  readonly stats = { sealedItems: 0, sealedBytes: 0, appliedItems: 0 }
  readonly #sealParts: SealParts
  readonly #evictParts: EvictParts
  /** Bytes the Repo last loaded a document with through SealedStorage (its residency weight). */
  readonly #loadedBytes = new Map<string, number>()

  constructor(
    readonly repo: Repo,
    readonly store: BridgeStore,
    readonly sealer: DocSealer,
    /** Who made the changes not yet sealed; each sealed item carries it as provenance. */
    readonly authorship: Authorship = new Authorship(),
    /** Which documents stay resident; the least recently used beyond its limits are evicted. */
    readonly residency: Residency = new Residency()
  ) {
    super()
    this.#sealParts = {
      store,
      sealer,
      authorship,
      stats: this.stats,
      onSealed: stored => this.emit('sealed', stored),
      onGrew: (docId, bytes) => {
        residency.touch(docId, bytes)
      }
    }
    this.#evictParts = {
      repo,
      residency,
      current: (docId, st) => this.#docs.get(docId) === st && !this.#closed,
      seal: async (docId, st) => {
        await sealPending(this.#sealParts, docId, st)
      },
      attach: (docId, st, handle) => {
        this.#attach(docId, st, handle)
      },
      onError: err => this.emit('error', err)
    }
    this.#items = new StoredItems(store, sealer, (bytes, error) => this.emit('refused', bytes, error))
    // Documents that browsers create arrive through the network subsystem; seal them too.
    repo.on('document', ({ handle }) => {
      const known = this.#docs.get(handle.documentId)
      // A browser asked for a cold document: the Repo loads it through SealedStorage; attach to it.
      if (known !== undefined && known.handle === undefined) {
        void handle.whenReady().then(
          () => {
            if (this.#docs.get(handle.documentId) === known && !this.#closed)
              this.#attach(handle.documentId, known, handle as DocHandle<unknown>)
          },
          () => {}
        )
      }
      if (known === undefined) {
        void handle.whenReady().then(
          () => {
            if (!this.#docs.has(handle.documentId) && !this.#closed)
              this.#adopt(handle as DocHandle<unknown>, [], false)
          },
          () => {}
        )
      }
    })
  }

  /**
   * Rebuilds every document this facility can open from the store (no document index: the whole
   * log is read). Call once, before serving; `startBridge` (startup.ts) is the node's way in.
   */
  async start(onProgress?: StartProgress): Promise<void> {
    await startBridge(this, onProgress === undefined ? {} : { onProgress })
  }

  /** Records a document restored from the document index as known and cold at `heads`. */
  restoreCold(docId: string, heads: A.Heads): void {
    this.#setCold(docId, heads)
  }

  /**
   * Rebuilds one document from its stored items (settling concurrent rotations first), announces it
   * with the `doc` event and leaves it cold, unless it is resident. For start-up.
   */
  async reindex(docId: string): Promise<void> {
    if (!this.sealer.canOpen(docId) || this.#docs.get(docId)?.handle !== undefined) return
    if (this.sealer.settle !== undefined)
      this.sealer.settle(
        docId,
        (await this.store.itemsForDoc(docId)).map(i => i.bytes)
      )
    this.#setCold(docId, this.#index(docId, await this.#items.entries(docId)))
  }

  /** Opens a stored item, or names it (`refused`) and returns undefined (start-up's scan). */
  openStored(bytes: Uint8Array): OpenedItem | undefined {
    return this.#items.open(bytes)
  }

  /** Leaves these items out of their documents from now on (quarantined in an earlier run). */
  exclude(ids: Iterable<string>): void {
    this.#items.exclude(ids)
  }

  /** Whether this item is left out of its document as bad (so it must not be forwarded either). */
  isExcluded(id: string): boolean {
    return this.#items.isExcluded(id)
  }

  /**
   * Admission of received changes before they are stored: per item, the error that refuses it
   * (not Automerge, or breaks the shape once merged with what is stored and the earlier items), or
   * undefined. Nothing is applied; the document is built and freed.
   */
  async checkReceived(docId: string, items: Entry[]): Promise<(Error | undefined)[]> {
    return await this.#items.checkReceived(docId, items)
  }

  /** Records a document as known and cold: stored up to `heads`, with its key stored. */
  #setCold(docId: string, heads: A.Heads): void {
    this.#docs.set(docId, { covered: heads, keyStored: true, queue: IDLE, sealScheduled: false })
  }

  /** Loads a cold document, announces it with the `doc` event and frees it; returns its heads. */
  #index(docId: string, entries: Entry[]): A.Heads {
    const doc = this.#items.load(docId, entries)
    try {
      this.emit('doc', docId, doc)
      return A.getHeads(doc)
    } finally {
      A.free(doc)
    }
  }

  /** Makes a known document resident (in the Repo, for changes and browsers); run in its queue. */
  async #wake(docId: string, st: DocState): Promise<DocHandle<unknown>> {
    if (st.handle !== undefined) return st.handle
    // The Repo may already hold a handle for it (a browser sent its copy before we loaded ours):
    // the stored changes merge into it, `covered` stays the stored heads, and whatever the browser
    // added beyond them is sealed like any other change. A handle the Repo is still loading
    // through SealedStorage is waited for first: its load ends by replacing the document with
    // what the store held when the load read it, which would drop what we merge before that
    // (changes received meanwhile, such as a peer's conflicting value).
    const loading = this.repo.handles[docId as DocumentId]
    if (loading !== undefined && !loading.isReady()) await loading.whenReady(['ready', 'unavailable', 'deleted'])
    const stored = concatBytes(await this.#items.changes(docId))
    const handle = this.repo.import<unknown>(stored, { docId: docId as DocumentId })
    handle.doneLoading()
    this.#attach(docId, st, handle, stored.length)
    return st.handle ?? handle
  }

  /** Binds a resident handle to a known document's state (once). */
  #attach(docId: string, st: DocState, handle: DocHandle<unknown>, bytes?: number): void {
    if (st.handle !== undefined) return
    st.handle = handle
    st.onChange = () => {
      this.#scheduleSeal(docId, st)
    }
    handle.on('change', st.onChange)
    const loaded = bytes ?? this.#loadedBytes.get(docId) ?? 0
    this.#loadedBytes.delete(docId)
    this.#used(docId, loaded)
    if (!sameHeads(A.getHeads(handle.doc() as A.Doc<unknown>), st.covered)) this.#scheduleSeal(docId, st)
  }

  /** A resident document was used: it is the most recent, and the coldest beyond the limits go (invariant 7). */
  #used(docId: string, addBytes = 0): void {
    this.residency.touch(docId, addBytes)
    evictColdest(this.#evictParts, this.#docs)
  }

  /** The stored changes of a document this node can open (for SealedStorage); undefined otherwise. */
  async storedChanges(docId: string): Promise<Uint8Array | undefined> {
    if (!this.#docs.has(docId) || !this.sealer.canOpen(docId)) return undefined
    const bytes = concatBytes(await this.#items.changes(docId))
    this.#loadedBytes.set(docId, bytes.length)
    return bytes
  }

  /**
   * The document, made resident if it was cold (browsers can then sync it); undefined when this
   * node cannot open it.
   */
  async open<T>(docId: string): Promise<A.Doc<T> | undefined> {
    return (await this.resident<T>(docId))?.doc() as A.Doc<T> | undefined
  }

  /** The live handle of a document, made resident if it was cold; undefined when not open here. */
  async resident<T>(docId: string): Promise<DocHandle<T> | undefined> {
    const st = this.#docs.get(docId)
    if (st === undefined || this.#closed) return undefined
    if (st.handle !== undefined) {
      this.#used(docId)
      return st.handle as DocHandle<T>
    }
    let handle: DocHandle<unknown> | undefined
    await enqueue(st, async () => {
      handle = await this.#wake(docId, st)
    })
    return handle as DocHandle<T> | undefined
  }

  /**
   * Creates a new document from a plain initial value; resolves with its id once durably sealed.
   * `by` is the staff member registering it (the sealed item names them).
   */
  async create<T>(initial: T, by?: Author): Promise<string> {
    this.#open()
    // `create2` takes the id from the Repo's `idFactory` (a creator-bound id at a facility node,
    // docs/PROTOCOL.md "Document id"); `create` would draw a random one.
    const handle = await this.repo.create2<T>(initial)
    if (by !== undefined) this.attributeSince(handle as DocHandle<unknown>, [], by)
    this.#adopt(handle as DocHandle<unknown>, [], false)
    await this.#sealNew(handle.documentId)
    return handle.documentId
  }

  /** A new document that could not be stored is dropped, so nothing shows a record never saved. */
  async #sealNew(docId: string): Promise<void> {
    try {
      await this.flush(docId)
    } catch (err) {
      await this.forget(docId)
      this.emit('doc', docId)
      throw err
    }
  }

  /** Adopts a whole Automerge document (e.g. synthetic or imported) under a new id; resolves once sealed. */
  async createFromDoc(doc: A.Doc<unknown>): Promise<string> {
    return await this.createFromBytes(A.save(doc))
  }

  /** Adopts a saved Automerge document under a new id (creator-bound at a node); resolves once sealed. */
  async createFromBytes(bytes: Uint8Array): Promise<string> {
    this.#open()
    // As `repo.import(bytes)` does, but under an id from the Repo's `idFactory` (`create2`).
    const doc = A.load<unknown>(bytes)
    const handle = await this.repo.create2<unknown>()
    handle.update(() => A.clone(doc))
    A.free(doc)
    if (!this.#docs.has(handle.documentId)) this.#adopt(handle, [], false)
    await this.#sealNew(handle.documentId)
    return handle.documentId
  }

  /**
   * Adopts saved Automerge documents (synthetic or bulk-imported) under new random ids, cold, in one
   * durable batch (importCold.ts). Resolves with their ids once stored.
   */
  async importCold(saved: Uint8Array[]): Promise<string[]> {
    this.#open()
    return await importCold(this, saved)
  }

  /**
   * Applies `fn` to a document and resolves once the change is durably sealed. `by` is the staff
   * member making it (the sealed item names them); omitted, the node itself made it.
   */
  async change<T>(docId: string, fn: (d: T) => void, by?: Author): Promise<A.Heads> {
    const st = this.#state(docId)
    const handle = await this.resident<T>(docId)
    if (handle === undefined) throw new UnknownDocumentError(docId)
    const before = A.getHeads(handle.doc() as A.Doc<unknown>)
    handle.change(d => {
      fn(d as T)
    })
    if (by !== undefined) this.attributeSince(handle as DocHandle<unknown>, before, by)
    await this.flush(docId)
    return st.covered
  }

  /**
   * Records `by` as the maker of every change of a resident document since `heads` (call right
   * after a synchronous `handle.change`, before the seal runs).
   */
  attributeSince(handle: DocHandle<unknown>, heads: A.Heads, by: Author): void {
    const doc = handle.doc() as A.Doc<unknown>
    this.authorship.attribute(
      A.getChangesMetaSince(doc, heads).map(m => m.hash),
      by
    )
  }

  /** The current document if it is resident; undefined when cold or not open here (see `open`). */
  doc<T>(docId: string): A.Doc<T> | undefined {
    return this.#docs.get(docId)?.handle?.doc() as A.Doc<T> | undefined
  }

  /** Whether this node can open the document (resident or cold). */
  knows(docId: string): boolean {
    return this.#docs.has(docId)
  }

  /** Ids of every document this node can open, resident or cold. */
  docIds(): string[] {
    return [...this.#docs.keys()]
  }

  /** Heads whose changes are all durably stored on this node (sealed here or received). */
  durableHeads(docId: string): A.Heads | undefined {
    return this.#docs.get(docId)?.covered
  }

  /** Seals every change of `docId` not yet sealed; resolves when they are durable. */
  async flush(docId: string): Promise<void> {
    const st = this.#state(docId)
    await enqueue(st, async () => {
      await sealPending(this.#sealParts, docId, st)
    })
  }

  /** Seals and stores extra items (e.g. a grant) together with the document's pending changes. */
  async flushWith(docId: string, extra: Uint8Array[], onStored?: () => void): Promise<void> {
    const st = this.#state(docId)
    await enqueue(st, async () => {
      await sealPending(this.#sealParts, docId, st, extra)
      onStored?.()
    })
  }

  /**
   * Forgets a document (erasure): its handle leaves the Repo and nothing more is sealed for it.
   * Waits for work already queued on it.
   */
  async forget(docId: string): Promise<boolean> {
    const st = this.#docs.get(docId)
    if (st === undefined) return false
    this.#docs.delete(docId)
    this.residency.drop(docId)
    await st.queue
    if (st.handle !== undefined) this.repo.delete(docId as DocumentId)
    this.emit('doc', docId)
    return true
  }

  /**
   * Applies items that arrived from peers and are already durably stored. Grants unlock documents
   * (rebuilt from every stored item); changes to open documents are merged.
   */
  async applyReceived(items: Uint8Array[]): Promise<void> {
    const unlocked = new Set<string>()
    const rekeyed = new Set<string>()
    const byDoc = new Map<string, Uint8Array[]>()
    for (const bytes of items) {
      const opened = this.#items.open(bytes)
      if (opened === undefined) continue
      if (opened.kind === 'key') (this.#docs.has(opened.docId) ? rekeyed : unlocked).add(opened.docId)
      else if (opened.kind === 'change' && this.#docs.has(opened.docId)) push(byDoc, opened.docId, opened.changes)
    }
    // A new key for an open document (a rotation, a grant): settle which key to seal with, and
    // merge changes stored earlier that only this key opens (they were opaque until now).
    for (const docId of rekeyed) {
      const stored = (await this.store.itemsForDoc(docId)).map(i => i.bytes)
      this.sealer.settle?.(docId, stored)
      for (const bytes of stored) {
        const o = this.#items.open(bytes)
        if (o?.kind === 'change') push(byDoc, docId, o.changes)
      }
    }
    for (const docId of unlocked) {
      this.sealer.settle?.(
        docId,
        (await this.store.itemsForDoc(docId)).map(i => i.bytes)
      )
      const all = await this.#items.entries(docId)
      if (this.#docs.has(docId)) {
        push(byDoc, docId, ...all.map(e => e.changes))
        continue
      }
      // A newly readable document stays cold: indexed, then freed (invariant 5).
      this.#setCold(docId, this.#index(docId, all))
      this.stats.appliedItems += all.length
    }
    for (const [docId, chunks] of byDoc) {
      const st = this.#docs.get(docId)!
      let cold = false
      await enqueue(st, async () => {
        if (st.handle === undefined) {
          // Cold: the items are already stored, so re-index from the store (which holds them).
          cold = true
          st.covered = this.#index(docId, await this.#items.entries(docId))
          return
        }
        // Seal our own pending edits first, so that `covered` is the doc's heads before merging.
        await sealPending(this.#sealParts, docId, st)
        st.handle.update(d => A.loadIncremental(d as A.Doc<unknown>, concatBytes(chunks)))
        st.covered = A.getHeads(st.handle.doc() as A.Doc<unknown>)
      })
      this.stats.appliedItems += chunks.length
      if (!cold) this.emit('doc', docId)
    }
  }

  /** Seals what is pending everywhere, then stops accepting work. */
  async close(): Promise<void> {
    if (this.#closed) return
    await Promise.allSettled(
      [...this.#docs.keys()].map(async id => {
        await this.flush(id)
      })
    )
    this.#closed = true
  }

  #open(): void {
    if (this.#closed) throw new BridgeClosedError()
  }

  #state(docId: string): DocState {
    this.#open()
    const st = this.#docs.get(docId)
    if (st === undefined) throw new UnknownDocumentError(docId)
    return st
  }

  #adopt(handle: DocHandle<unknown>, covered: A.Heads, keyStored: boolean): void {
    // Only new documents are adopted; a known cold one is woken through `resident` instead.
    const st: DocState = { handle, covered, keyStored, queue: IDLE, sealScheduled: false }
    this.#docs.set(handle.documentId, st)
    st.onChange = () => {
      this.#scheduleSeal(handle.documentId, st)
    }
    handle.on('change', st.onChange)
    this.#used(handle.documentId)
    if (!keyStored) this.#scheduleSeal(handle.documentId, st)
    this.emit('doc', handle.documentId)
  }

  /** Changes made by browsers arrive as 'change' events: coalesce them into one seal per turn. */
  #scheduleSeal(docId: string, st: DocState): void {
    if (this.#docs.get(docId) !== st) return // forgotten (erased)
    this.emit('doc', docId)
    if (st.sealScheduled || this.#closed) return
    st.sealScheduled = true
    void enqueue(st, async () => {
      st.sealScheduled = false
      await sealPending(this.#sealParts, docId, st)
    }).catch(err => this.emit('error', err as Error))
  }
}

function push<T>(m: Map<string, T[]>, k: string, ...v: T[]): void {
  const list = m.get(k)
  if (list === undefined) m.set(k, [...v])
  else list.push(...v)
}
