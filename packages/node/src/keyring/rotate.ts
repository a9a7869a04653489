/**
 * Key rotation on revocation (DESIGN Invariant 7): when the roster revokes a facility that holds a
 * document's current key generation, a remaining holder seals a rotation (generation g + 1, whose
 * payload carries every earlier generation) and grants the new generation to the other remaining
 * holders. Later changes are sealed under it, so the revoked facility cannot read them.
 */
import {
  computeAccess,
  currentHolders,
  decodeItemHeader,
  itemId,
  mayGrant,
  newDocumentKey,
  rosterEntry,
  sealGrant,
  sealRotation,
  type DocumentKey,
  type VerifiedRoster
} from '@pagdandi/core/crypto'
import type { PatientId } from '@pagdandi/core/record'
import type { ItemSealer } from '../crypto/ItemSealer.js'

/** A rotation ready to be stored: the new key (keyring it once stored) and the items that carry it. */
export interface PlannedRotation {
  key: DocumentKey
  /** The rotation item, then one grant per remaining holder (this facility included). */
  items: Uint8Array[]
  /** Current holders that the roster no longer lists. */
  revoked: string[]
}

/**
 * The rotation this facility should seal for `docId`, or undefined when none is due: no current
 * holder is revoked, this facility does not hold the current generation, or it lacks a key of an
 * earlier one (it could not pass on the whole history). `accessItems` are the document's stored
 * grants and rotations. Idempotent: once the rotation is stored, its generation has no revoked holder.
 */
export function planRotation(
  sealer: ItemSealer,
  docId: PatientId,
  accessItems: Uint8Array[],
  roster: VerifiedRoster
): PlannedRotation | undefined {
  const access = computeAccess(
    docId,
    accessItems.map(bytes => ({ id: itemId(bytes), header: decodeItemHeader(bytes) }))
  )
  const holders = currentHolders(access)
  const revoked = holders.filter(f => rosterEntry(roster, f) === undefined)
  const me = sealer.identity.facility
  if (revoked.length === 0 || rosterEntry(roster, me) === undefined || !mayGrant(access, me, access.latestGeneration))
    return undefined
  const previous: DocumentKey[] = []
  for (let g = 0; g <= access.latestGeneration; g++) {
    const k = sealer.keyring.get(docId, g)
    if (k === undefined) return undefined
    previous.push(k)
  }
  const key = newDocumentKey(docId, access.latestGeneration + 1)
  const version = roster.body.version
  const items = [sealRotation(key, previous, sealer.identity, version, sealer.scheme)]
  for (const f of holders) {
    const entry = rosterEntry(roster, f)
    if (entry !== undefined) items.push(sealGrant(key, sealer.identity, entry, version, sealer.scheme))
  }
  return { key, items, revoked }
}
