import nacl from 'tweetnacl'
import { boxSharedKey } from './boxKey.js'
import { concatBytes } from '../bytes.js'
import { cryptoWriter } from './format.js'
import { encodeChange } from './compress.js'
import { ItemTooLargeError } from './errors.js'
import { joinAttributed, type ChangeProvenance } from './provenance.js'
import {
  encodeHeaderPrefix,
  type HeaderFields,
  ITEM_SIGNING_DOMAIN,
  MAX_ITEM_BYTES,
  nonceFromTag,
  payloadTag
} from './item.js'
import type { Compression, DocumentKey, FacilityIdentity, RosterEntry, SignatureScheme } from './types.js'

/** Seals one item: header prefix, keyed tag, ciphertext from `encrypt(nonce)`, the author's signature. */
export function finish(
  fields: HeaderFields,
  tagKey: Uint8Array,
  plaintext: Uint8Array,
  encrypt: (nonce: Uint8Array) => Uint8Array,
  author: FacilityIdentity,
  scheme: SignatureScheme
): Uint8Array {
  const prefix = encodeHeaderPrefix(fields)
  const tag = payloadTag(tagKey, prefix, plaintext, scheme)
  const signed = concatBytes([prefix, tag, encrypt(nonceFromTag(tag))])
  const signature = scheme.sign(concatBytes([ITEM_SIGNING_DOMAIN, signed]), author.signing.secretKey)
  const item = concatBytes([signed, signature])
  if (item.length > MAX_ITEM_BYTES)
    throw new ItemTooLargeError(`sealed item of ${item.length} bytes exceeds ${MAX_ITEM_BYTES}`)
  return item
}

/**
 * Seal Automerge change bytes: compressed with the current dictionary, secretboxed under the
 * document key generation, signed by the author. The nonce is derived from the keyed payload tag
 * (SIV), so sealing needs no randomness and equal inputs give equal items (for one compression
 * implementation: fflate and node:zlib deflate the same change to different, equally valid bytes).
 * With `provenance`, the item is an attributed change: who made each change is sealed and signed
 * with the changes (crypto/provenance.ts).
 */
export function sealChange(
  change: Uint8Array,
  key: DocumentKey,
  author: FacilityIdentity,
  rosterVersion: number,
  scheme: SignatureScheme,
  compression?: Compression,
  provenance?: ChangeProvenance
): Uint8Array {
  const raw = provenance === undefined ? change : joinAttributed(provenance, change)
  const { dictionaryVersion, payload: plaintext } = encodeChange(raw, compression)
  const fields: HeaderFields = {
    kind: 'change',
    dictionaryVersion,
    docId: key.docId,
    generation: key.generation,
    rosterVersion,
    author: author.facility,
    ...(provenance === undefined ? {} : { attributed: true as const })
  }
  return finish(fields, key.key, plaintext, nonce => nacl.secretbox(plaintext, nonce, key.key), author, scheme)
}

/**
 * Seal one key generation to `recipient` with box (granter's X25519 key), signed by the granter.
 * With `terms` (encoded consent terms, core/consent), a consent grant: the boxed payload is the key
 * followed by the terms, so only granter and recipient read them.
 */
export function sealGrant(
  key: DocumentKey,
  granter: FacilityIdentity,
  recipient: RosterEntry,
  rosterVersion: number,
  scheme: SignatureScheme,
  terms?: Uint8Array
): Uint8Array {
  if (terms !== undefined && terms.length === 0) throw new TypeError('consent terms must not be empty')
  const fields: HeaderFields = {
    kind: 'grant',
    dictionaryVersion: 0,
    docId: key.docId,
    generation: key.generation,
    rosterVersion,
    author: granter.facility,
    recipient: recipient.facility,
    ...(terms === undefined ? {} : { consent: true as const })
  }
  const plaintext = terms === undefined ? key.key : concatBytes([key.key, terms])
  return finish(
    fields,
    key.key,
    plaintext,
    nonce => nacl.box.after(plaintext, nonce, boxSharedKey(recipient.boxKey, granter.box.secretKey)),
    granter,
    scheme
  )
}

/**
 * Seal a rotation: generation `newKey.generation` begins, and its payload carries every earlier
 * generation's key so that whoever is granted the new one can read the whole history.
 */
export function sealRotation(
  newKey: DocumentKey,
  previous: DocumentKey[],
  author: FacilityIdentity,
  rosterVersion: number,
  scheme: SignatureScheme
): Uint8Array {
  const prev = [...previous].sort((a, b) => a.generation - b.generation)
  const w = cryptoWriter().varint(prev.length)
  let last = -1
  for (const k of prev) {
    if (k.docId !== newKey.docId) throw new TypeError('rotation: previous key of another document')
    if (k.generation <= last || k.generation >= newKey.generation)
      throw new TypeError('rotation: previous generations must be distinct and older')
    last = k.generation
    w.varint(k.generation).raw(k.key)
  }
  const plaintext = w.finish()
  const fields: HeaderFields = {
    kind: 'rotation',
    dictionaryVersion: 0,
    docId: newKey.docId,
    generation: newKey.generation,
    rosterVersion,
    author: author.facility
  }
  return finish(fields, newKey.key, plaintext, nonce => nacl.secretbox(plaintext, nonce, newKey.key), author, scheme)
}
