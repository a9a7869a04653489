/** The store's `InspectItem`: structural header decode plus content address, no keys needed. */
import { decodeItemHeader, isAccessKind, itemId, type SignatureScheme } from '@pagdandi/core/crypto'
import type { InspectItem, ItemId } from '@pagdandi/core/sync'

/** Builds the header reader the item store and the replicator use. */
export function itemInspector(scheme?: SignatureScheme): InspectItem {
  return (bytes: Uint8Array) => {
    const h = decodeItemHeader(bytes)
    return {
      id: itemId(bytes, scheme) as string as ItemId,
      docId: h.docId,
      author: h.author,
      kind: isAccessKind(h.kind) ? ('access' as const) : ('change' as const),
      ...(h.recipient !== undefined ? { grantRecipient: h.recipient } : {})
    }
  }
}
