/**
 * Evicting a cold resident document (DocBridge invariant 7), in its queue: what is pending is
 * sealed, then the document and the Repo's sync state for it leave memory (`removeFromCache`). A
 * change that reaches the handle while it unloads keeps the document resident with that change.
 */
import * as A from '@automerge/automerge'
import type { DocHandle, DocHandleChangePayload, DocumentId, Repo } from '@automerge/automerge-repo'
import { sameHeads } from './checkedLoad.js'
import { enqueue, type DocState } from './docSeal.js'
import type { Residency } from './Residency.js'

/** What eviction needs of the bridge. */
export interface EvictParts {
  repo: Repo
  residency: Residency
  /** Whether `st` is still the live state of `docId` (not forgotten) and the bridge is open. */
  current(docId: string, st: DocState): boolean
  /** Seals the document's pending changes (sealPending). */
  seal(docId: string, st: DocState): Promise<void>
  /** Binds a new resident handle to the document's state. */
  attach(docId: string, st: DocState, handle: DocHandle<unknown>): void
  onError(err: Error): void
}

/** Queues the eviction of every resident document beyond the limits, coldest first (once each). */
export function evictColdest(parts: EvictParts, docs: ReadonlyMap<string, DocState>): void {
  for (const id of parts.residency.over()) {
    const st = docs.get(id)
    if (st?.handle === undefined) {
      parts.residency.drop(id)
      continue
    }
    if (st.evicting === true) continue
    st.evicting = true
    void enqueue(st, async () => {
      await evictCold(parts, id, st)
    })
      .catch((err: unknown) => {
        parts.onError(err as Error)
      })
      .finally(() => {
        st.evicting = false
      })
  }
}

export async function evictCold(parts: EvictParts, docId: string, st: DocState): Promise<void> {
  if (st.handle === undefined || !parts.current(docId, st)) return
  if (!parts.residency.over().includes(docId)) return // used again since it was listed
  await parts.seal(docId, st)
  const handle = st.handle
  const doc = handle.doc() as A.Doc<unknown>
  if (!sameHeads(A.getHeads(doc), st.covered)) return // changed while sealing: its own seal is queued
  let late: A.Doc<unknown> | undefined
  const caught = (p: DocHandleChangePayload<unknown>): void => {
    late = p.doc
  }
  handle.on('change', caught)
  if (st.onChange !== undefined) handle.off('change', st.onChange)
  st.handle = undefined
  try {
    await parts.repo.removeFromCache(docId as DocumentId)
  } finally {
    handle.off('change', caught)
  }
  parts.residency.drop(docId)
  if (late !== undefined) {
    const again = parts.repo.import<unknown>(A.save(late), { docId: docId as DocumentId })
    again.doneLoading()
    parts.attach(docId, st, again)
    return
  }
  // Nothing holds the document any more (the Repo let it go): its WebAssembly memory is reused now.
  A.free(doc)
}
