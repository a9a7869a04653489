/**
 * Reading a document's stored items for the bridge (invariant 6 of DocBridge.ts): each item is
 * opened, and one that does not open, or whose change is not Automerge or breaks the
 * patient-document shape, is named (`onRefused`) and left out of its document from then on, as
 * are items quarantined in an earlier run.
 */
import { itemId } from '@pagdandi/core/crypto'
import * as A from '@automerge/automerge'
import { checkAfter, loadChecked, type Entry } from './checkedLoad.js'
import type { BridgeStore, DocSealer, OpenedItem } from './bridgePorts.js'

/** The stored items of the documents this node can open, refused ones left out. */
export class StoredItems {
  /** Ids of items left out of their documents (refused here or quarantined in an earlier run). */
  readonly #excluded = new Set<string>()
  readonly #store: BridgeStore
  readonly #sealer: DocSealer
  readonly #onRefused: (bytes: Uint8Array, error: Error) => void

  constructor(store: BridgeStore, sealer: DocSealer, onRefused: (bytes: Uint8Array, error: Error) => void) {
    this.#store = store
    this.#sealer = sealer
    this.#onRefused = onRefused
  }

  /** Leaves these items out of their documents from now on. */
  exclude(ids: Iterable<string>): void {
    for (const id of ids) this.#excluded.add(id)
  }

  isExcluded(id: string): boolean {
    return this.#excluded.has(id)
  }

  /** Opens a stored item, or names it (`refused`) and returns undefined if it does not open. */
  open(bytes: Uint8Array): OpenedItem | undefined {
    if (this.#excluded.size > 0 && this.#excluded.has(itemId(bytes))) return undefined
    try {
      return this.#sealer.open(bytes)
    } catch (err) {
      this.#refuse(bytes, err instanceof Error ? err : new Error(String(err)))
      return undefined
    }
  }

  #refuse(bytes: Uint8Array, error: Error): void {
    this.#excluded.add(itemId(bytes))
    this.#onRefused(bytes, error)
  }

  /** Every change item of a document this node can open, from the store (refused ones left out). */
  async entries(docId: string): Promise<Entry[]> {
    const all: Entry[] = []
    for (const item of await this.#store.itemsForDoc(docId)) {
      const o = this.open(item.bytes)
      if (o?.kind === 'change') all.push({ bytes: item.bytes, changes: o.changes })
    }
    return all
  }

  /** Every change chunk of a document this node can open, from the store. */
  async changes(docId: string): Promise<Uint8Array[]> {
    return (await this.entries(docId)).map(e => e.changes)
  }

  /** Per received item, the error that refuses it once merged with what is stored, or undefined. */
  async checkReceived(docId: string, items: Entry[]): Promise<(Error | undefined)[]> {
    return checkAfter(docId, await this.entries(docId), items, (e, error) => {
      this.#refuse(e.bytes, error)
    })
  }

  /** The document of these entries, a change that breaks it left out and named. */
  load(docId: string, entries: Entry[]): A.Doc<unknown> {
    return loadChecked(docId, entries, (e, error) => {
      this.#refuse(e.bytes, error)
    })
  }
}
