/**
 * Entitlement from the store's access items: a facility may receive a document's items (or learn its
 * id) if it holds a key generation by a valid grant, or carries (roster `carriesFor`) for one that does.
 * Results are cached per document and dropped when a new access item for it is stored.
 */
import {
  accessFirstCreator,
  boundCreator,
  decodeItemHeader,
  isAccessKind,
  isEntitled,
  type DocumentAccess,
  type VerifiedRoster
} from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import type { Entitlement, ItemStore } from '@pagdandi/core/sync'

/** Per-document access cache over an `ItemStore`. */
export class EntitlementCache {
  readonly #store: ItemStore
  readonly #roster: () => VerifiedRoster
  readonly #cache = new Map<PatientId, DocumentAccess | null>()
  /**
   * Bumped by every invalidation. A lookup that read the access items before an invalidation and
   * finishes after it must not cache what it read: that would hide the new grant for good.
   */
  #generation = 0

  constructor(store: ItemStore, roster: () => VerifiedRoster) {
    this.#store = store
    this.#roster = roster
  }

  /** The `Entitlement` function a sync session uses. */
  readonly entitled: Entitlement = async (peer: FacilityId, docId: PatientId): Promise<boolean> => {
    let access = this.#cache.get(docId)
    if (access === undefined) {
      const generation = this.#generation
      const items = await this.#store.accessItems(docId)
      // Conflicting creators (a rival genesis stored before admission refused it): the creator the
      // id names, or for an id of the earlier random rule the first stored, so the document keeps
      // flowing instead of entitling nobody.
      try {
        access = accessFirstCreator(
          docId,
          items.map(i => ({ id: i.id, header: decodeItemHeader(i.bytes) })),
          boundCreator(
            docId,
            this.#roster().body.entries.map(e => e.facility)
          )
        )
      } catch {
        access = null
      }
      if (generation === this.#generation) this.#cache.set(docId, access)
    }
    return access !== null && isEntitled(access, this.#roster(), peer)
  }

  /**
   * Forget cached access of the documents these newly stored items grant or rotate. Takes the item
   * bytes, whatever store shape the caller holds: the header says which document and kind.
   */
  invalidate(items: readonly { bytes: Uint8Array }[]): void {
    for (const { bytes } of items) {
      let header
      try {
        header = decodeItemHeader(bytes)
      } catch {
        this.clear()
        return
      }
      if (!isAccessKind(header.kind)) continue
      this.#generation++
      this.#cache.delete(header.docId)
    }
  }

  /** Forget everything (a new roster changes who carries for whom). */
  clear(): void {
    this.#generation++
    this.#cache.clear()
  }
}
