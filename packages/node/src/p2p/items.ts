/** Adapters from the crypto module's item functions to the ports of `@pagdandi/core/sync`. */
import {
  decodeItemHeader,
  isAccessKind,
  itemId,
  verifyItem,
  type SignatureScheme,
  type VerifiedRoster
} from '@pagdandi/core/crypto'
import type { InspectItem, ItemHeaderView, VerifyItem } from '@pagdandi/core/sync'

/** Structural item decode for stores: id, document, author, kind, grant recipient. No keys needed. */
export function cryptoInspector(scheme?: SignatureScheme): InspectItem {
  return (bytes: Uint8Array): ItemHeaderView => {
    const h = decodeItemHeader(bytes)
    const view: ItemHeaderView = {
      id: itemId(bytes, scheme),
      docId: h.docId,
      author: h.author,
      kind: isAccessKind(h.kind) ? 'access' : 'change'
    }
    if (h.recipient !== undefined) view.grantRecipient = h.recipient
    return view
  }
}

/** Signature and roster check of an item (what a carrier can check without keys): the named error, if any. */
export function cryptoVerifier(roster: () => VerifiedRoster, scheme: SignatureScheme): VerifyItem {
  return (bytes: Uint8Array): Error | undefined => {
    try {
      verifyItem(bytes, roster(), scheme)
      return undefined
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err))
    }
  }
}
