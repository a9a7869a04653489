/**
 * What the bridge knows of each document, its queue, and sealing what is new in it (invariants
 * 2-4 of DocBridge.ts): only `saveSince(doc, covered)` is sealed, in one durable batch with the
 * self-grant while the key is not yet stored and with any extra items (a grant), and `covered`
 * moves only once that batch is stored.
 */
import * as A from '@automerge/automerge'
import type { DocHandle } from '@automerge/automerge-repo'
import { changeHashes } from '@pagdandi/core/record'
import { StoreFaultedError } from '../store/errors.js'
import type { Authorship } from './Authorship.js'
import type { BridgeStore, DocSealer, StoredItemLike } from './bridgePorts.js'
import { sameHeads } from './checkedLoad.js'
import { SealFailedError } from './errors.js'

export interface DocState {
  /** The live handle; undefined while the document is cold (only in the store). */
  handle?: DocHandle<unknown>
  /** Heads whose whole ancestry is durably stored as items on this node. */
  covered: A.Heads
  /** Whether the self-grant holding this document's key is durably stored. */
  keyStored: boolean
  queue: Promise<void>
  sealScheduled: boolean
  /** The handle's change listener (taken off at eviction). */
  onChange?: () => void
  /** An eviction is queued (eviction.ts). */
  evicting?: boolean
}

/** The queue of a document with nothing queued: one resolved promise shared by every idle document. */
export const IDLE: Promise<void> = Promise.resolve()

/** Runs `job` after every job queued on the document before it (invariant 4). */
export async function enqueue(st: DocState, job: () => Promise<void>): Promise<void> {
  const run = st.queue.then(job)
  st.queue = run.catch(() => {})
  await run
}

/** What sealing needs of the bridge. */
export interface SealParts {
  store: BridgeStore
  sealer: DocSealer
  authorship: Authorship
  stats: { sealedItems: number; sealedBytes: number }
  /** The newly stored items (the bridge's `sealed` event). */
  onSealed(stored: StoredItemLike[]): void
  /** A resident document's changes grew by `bytes` (its residency weight). */
  onGrew?(docId: string, bytes: number): void
}

/** Seals the document's changes since `covered` (and `extra`); resolves once they are durable. */
export async function sealPending(
  parts: SealParts,
  docId: string,
  st: DocState,
  extra: Uint8Array[] = []
): Promise<void> {
  const doc = st.handle?.doc() as A.Doc<unknown> | undefined
  const heads = doc === undefined ? st.covered : A.getHeads(doc)
  const fresh = doc !== undefined && !sameHeads(heads, st.covered)
  if (!fresh && extra.length === 0 && st.keyStored) return
  try {
    const items: Uint8Array[] = []
    if (!st.keyStored) items.push(...parts.sealer.ensureKey(docId))
    let hashes: string[] = []
    if (fresh) {
      const changes = A.saveSince(doc!, st.covered)
      parts.onGrew?.(docId, changes.length)
      hashes = changeHashes(changes)
      items.push(parts.sealer.sealChange(docId, changes, parts.authorship.provenance(hashes)))
    }
    items.push(...extra)
    const stored = await parts.store.putItems(items)
    parts.authorship.sealed(hashes)
    st.keyStored = true
    st.covered = heads
    parts.stats.sealedItems += items.length
    for (const i of items) parts.stats.sealedBytes += i.byteLength
    // The newly stored items, not the bytes asked for: the replicator reads grants among them to
    // learn who became entitled, and a retried self-grant already stored is not news.
    if (stored.length > 0) parts.onSealed(stored)
  } catch (err) {
    // A store that refuses writes says why, with its own status (503); the change stays unsealed.
    if (err instanceof StoreFaultedError) throw err
    throw new SealFailedError(docId, err)
  }
}
