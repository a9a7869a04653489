/**
 * A read-only automerge-repo storage adapter over the sealed item store. With documents cold until
 * used (DocBridge invariant 5), a browser may ask the Repo for a document that is not in memory;
 * the Repo then loads it through this adapter, decrypted from its sealed items in memory, instead
 * of answering "unavailable". It writes nothing: plaintext never reaches disk (Invariant 6), and
 * every change is sealed by the DocBridge.
 */
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo'

export class SealedStorage implements StorageAdapterInterface {
  /** Reads a document's stored changes; set by the node once its bridge exists. */
  loader: ((docId: string) => Promise<Uint8Array | undefined>) | undefined

  async load(_key: StorageKey): Promise<Uint8Array | undefined> {
    return undefined
  }
  async save(_key: StorageKey, _data: Uint8Array): Promise<void> {}
  async remove(_key: StorageKey): Promise<void> {}
  async removeRange(_prefix: StorageKey): Promise<void> {}

  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    const [docId, kind] = prefix
    if (prefix.length !== 2 || kind !== 'snapshot' || docId === undefined || this.loader === undefined) return []
    const data = await this.loader(docId)
    return data === undefined ? [] : [{ key: [docId, 'snapshot', 'sealed-items'], data }]
  }
}
