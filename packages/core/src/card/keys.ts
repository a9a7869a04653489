/**
 * Card key derivation and the card's items: the card-wrapped key generation, its revocation and
 * the card grant a scanning facility makes to itself (docs/PROTOCOL.md, "Health card").
 */
import nacl from 'tweetnacl'
import { boxSharedKey } from '../crypto/boxKey.js'
import { bytesEqual, concatBytes, utf8Encode } from '../bytes.js'
import { documentIdToBytes } from '../crypto/docId.js'
import { ItemMovedError, UndecryptableItemError } from '../crypto/errors.js'
import { decodeItem, type HeaderFields, nonceFromTag, payloadTag } from '../crypto/item.js'
import { cardGrantMessage } from '../crypto/open.js'
import { finish } from '../crypto/seal.js'
import type { DocumentKey, FacilityIdentity, SignatureScheme } from '../crypto/types.js'
import type { PatientId } from '../record/types.js'
import { CARD_SECRET_BYTES } from './code.js'

const WRAP_DOMAIN = utf8Encode('pagdandi/card/wrap/v1\0')
const AUTH_DOMAIN = utf8Encode('pagdandi/card/auth/v1\0')

/** What a card's secret gives: the key that opens its wrapped generation, and its signing key pair. */
export interface CardKeys {
  /** secretbox key of the card item's payload (32 bytes). */
  wrapKey: Uint8Array
  /** Ed25519 key pair (tweetnacl layout); the public half is the card's key in its items. */
  auth: { publicKey: Uint8Array; secretKey: Uint8Array }
}

/**
 * `wrapKey = SHA-512("pagdandi/card/wrap/v1\0" ‖ document id ‖ secret)[0..32]`, auth seed likewise
 * with `"pagdandi/card/auth/v1\0"`: bound to the one document, so a secret opens nothing else.
 */
export function deriveCardKeys(docId: PatientId, secret: Uint8Array): CardKeys {
  const id = documentIdToBytes(docId)
  if (id === undefined) throw new TypeError('document id must be an automerge-repo DocumentId of 16 bytes')
  if (secret.length !== CARD_SECRET_BYTES) throw new TypeError('a card secret is 16 bytes')
  const wrapKey = nacl.hash(concatBytes([WRAP_DOMAIN, id, secret])).slice(0, 32)
  const seed = nacl.hash(concatBytes([AUTH_DOMAIN, id, secret])).slice(0, 32)
  return { wrapKey, auth: nacl.sign.keyPair.fromSeed(seed) }
}

/** A card's validity window, in Unix seconds (inclusive). */
export interface CardWindow {
  notBefore: number
  notAfter: number
}

/**
 * The card item: generation `key` secretboxed under the card's wrap key, with the card key and its
 * window in clear (carriers judge proofs by them); the tag is keyed with the generation itself.
 */
export function sealCard(
  key: DocumentKey,
  card: CardKeys,
  window: CardWindow,
  author: FacilityIdentity,
  rosterVersion: number,
  scheme: SignatureScheme
): Uint8Array {
  const fields: HeaderFields = {
    kind: 'card',
    dictionaryVersion: 0,
    docId: key.docId,
    generation: key.generation,
    rosterVersion,
    author: author.facility,
    card: { key: card.auth.publicKey, notBefore: window.notBefore, notAfter: window.notAfter }
  }
  return finish(fields, key.key, key.key, nonce => nacl.secretbox(key.key, nonce, card.wrapKey), author, scheme)
}

/** Opens a card item with the card's keys: the generation it wraps (the tag proves it is the one sealed). */
export function openCard(bytes: Uint8Array, card: CardKeys, scheme?: SignatureScheme): DocumentKey {
  const item = decodeItem(bytes)
  const h = item.header
  if (h.kind !== 'card' || !bytesEqual(h.card!.key, card.auth.publicKey))
    throw new ItemMovedError(`item of document ${h.docId} is not this card's`)
  const key = nacl.secretbox.open(item.ciphertext, nonceFromTag(h.payloadTag), card.wrapKey)
  if (key === null || key.length !== 32)
    throw new UndecryptableItemError(`card item of document ${h.docId} does not open with this card`)
  const prefix = item.signed.subarray(0, h.headerLength - h.payloadTag.length)
  if (!bytesEqual(payloadTag(key, prefix, key, scheme), h.payloadTag))
    throw new ItemMovedError(`card item of document ${h.docId}: payload not sealed for this header`)
  return { docId: h.docId, generation: h.generation, key }
}

/** A holder's revocation of the card with `cardKey` (sealed under the generation it holds). */
export function sealCardRevocation(
  key: DocumentKey,
  cardKey: Uint8Array,
  author: FacilityIdentity,
  rosterVersion: number,
  scheme: SignatureScheme
): Uint8Array {
  const fields: HeaderFields = {
    kind: 'card-revocation',
    dictionaryVersion: 0,
    docId: key.docId,
    generation: key.generation,
    rosterVersion,
    author: author.facility,
    card: { key: cardKey }
  }
  const empty = new Uint8Array(0)
  return finish(fields, key.key, empty, nonce => nacl.secretbox(empty, nonce, key.key), author, scheme)
}

/**
 * The card grant: the scanning facility boxes generation `key` to itself, and the card's key signs
 * that grant (`cardGrantMessage`), which is what justifies it (core `computeAccess`, rule 4).
 */
export function sealCardGrant(
  key: DocumentKey,
  card: CardKeys,
  at: number,
  self: FacilityIdentity,
  rosterVersion: number,
  scheme: SignatureScheme
): Uint8Array {
  const proof = scheme.sign(
    cardGrantMessage({ docId: key.docId, generation: key.generation, author: self.facility, card: { at } }),
    card.auth.secretKey
  )
  const fields: HeaderFields = {
    kind: 'card-grant',
    dictionaryVersion: 0,
    docId: key.docId,
    generation: key.generation,
    rosterVersion,
    author: self.facility,
    card: { key: card.auth.publicKey, at, proof }
  }
  const shared = boxSharedKey(self.box.publicKey, self.box.secretKey)
  return finish(fields, key.key, key.key, nonce => nacl.box.after(key.key, nonce, shared), self, scheme)
}
