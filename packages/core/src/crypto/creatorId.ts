/**
 * Creator-bound document ids (docs/PROTOCOL.md, "Document id", issue 14 attack 7): a document
 * created by facility F gets the 16 id bytes `n ‖ H("pagdandi/docid/v1\0" ‖ F ‖ n)[0..8]`, n eight
 * random bytes, F the facility id as UTF-8. Any node can then tell from the id alone which roster
 * member created it, so a rival self-grant is refused even by a node that meets it before the real
 * one. A rival cannot choose an id that names it: n is fixed by the id, F by the roster. Ids made
 * under the earlier rule (16 random bytes) name nobody (a chance of 2^-64 per member), and for them
 * the first self-grant a node holds still counts as the creator.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8Encode } from '../bytes.js'
import type { FacilityId, PatientId } from '../record/types.js'
import { DOC_ID_BYTES, documentIdFromBytes, documentIdToBytes } from './docId.js'
import { randomBytes } from './scheme.js'

const DOMAIN = utf8Encode('pagdandi/docid/v1\0')
const NONCE_BYTES = 8

function mark(creator: FacilityId, nonce: Uint8Array): Uint8Array {
  const f = utf8Encode(creator)
  const input = new Uint8Array(DOMAIN.length + f.length + NONCE_BYTES)
  input.set(DOMAIN)
  input.set(f, DOMAIN.length)
  input.set(nonce, DOMAIN.length + f.length)
  return sha256(input).subarray(0, DOC_ID_BYTES - NONCE_BYTES)
}

/** The 16 bytes of a new document id bound to `creator` (`nonce`: 8 random bytes unless given). */
export function creatorBoundIdBytes(creator: FacilityId, nonce: Uint8Array = randomBytes(NONCE_BYTES)): Uint8Array {
  if (nonce.length !== NONCE_BYTES) throw new TypeError(`nonce must be ${NONCE_BYTES} bytes`)
  const out = new Uint8Array(DOC_ID_BYTES)
  out.set(nonce)
  out.set(mark(creator, nonce), NONCE_BYTES)
  return out
}

/** A new DocumentId bound to `creator`. */
export function creatorBoundId(creator: FacilityId, nonce?: Uint8Array): PatientId {
  return documentIdFromBytes(creatorBoundIdBytes(creator, nonce))
}

/** Whether `docId` was made for `facility` (false for an id that is not a DocumentId). */
export function isBoundTo(docId: string, facility: FacilityId): boolean {
  const bytes = documentIdToBytes(docId)
  if (bytes === undefined) return false
  const m = mark(facility, bytes.subarray(0, NONCE_BYTES))
  for (let i = 0; i < m.length; i++) if (m[i] !== bytes[NONCE_BYTES + i]) return false
  return true
}

/** The facility among `members` that `docId` is bound to; undefined for an id of the earlier, random rule. */
export function boundCreator(docId: string, members: Iterable<FacilityId>): FacilityId | undefined {
  for (const f of members) if (isBoundTo(docId, f)) return f
  return undefined
}
