/**
 * What a roster member turned attacker can seal: validly signed change items whose payload is
 * whatever it likes (not Automerge, or a DEFLATE bomb). Built from the public item format only, as
 * an attacker would; for hostile tests and the bench, never for honest sealing.
 */
import nacl from 'tweetnacl'
import { concatBytes } from '../bytes.js'
import { cryptoWriter } from '../crypto/format.js'
import { encodeHeaderPrefix, ITEM_SIGNING_DOMAIN, nonceFromTag, payloadTag } from '../crypto/item.js'
import type { DocumentKey, FacilityIdentity, SignatureScheme } from '../crypto/types.js'

/** Seals `plaintext` as the payload of a change item (dictionary `dictionaryVersion`), signed by `author`. */
export function sealHostilePayload(
  plaintext: Uint8Array,
  key: DocumentKey,
  author: FacilityIdentity,
  rosterVersion: number,
  scheme: SignatureScheme,
  dictionaryVersion = 0
): Uint8Array {
  const prefix = encodeHeaderPrefix({
    kind: 'change',
    dictionaryVersion,
    docId: key.docId,
    generation: key.generation,
    rosterVersion,
    author: author.facility
  })
  const tag = payloadTag(key.key, prefix, plaintext, scheme)
  const signed = concatBytes([prefix, tag, nacl.secretbox(plaintext, nonceFromTag(tag), key.key)])
  return concatBytes([signed, scheme.sign(concatBytes([ITEM_SIGNING_DOMAIN, signed]), author.signing.secretKey)])
}

/** A change item whose bytes are `raw` uncompressed (dictionary 0): e.g. bytes that are not Automerge. */
export function sealRawChange(
  raw: Uint8Array,
  key: DocumentKey,
  author: FacilityIdentity,
  rosterVersion: number,
  scheme: SignatureScheme
): Uint8Array {
  return sealHostilePayload(cryptoWriter().varint(raw.length).raw(raw).finish(), key, author, rosterVersion, scheme)
}

/**
 * A decompression bomb: a change declaring `inflated` bytes whose raw DEFLATE body (`deflated`,
 * made by the caller's deflater with dictionary v1) inflates to that many zeros.
 */
export function sealBomb(
  deflated: Uint8Array,
  inflated: number,
  key: DocumentKey,
  author: FacilityIdentity,
  rosterVersion: number,
  scheme: SignatureScheme
): Uint8Array {
  const payload = cryptoWriter().varint(inflated).raw(deflated).finish()
  return sealHostilePayload(payload, key, author, rosterVersion, scheme, 1)
}
