import { concatBytes, Reader, toHex, utf8Encode, Writer } from './bytes.js'
import { MalformedItemError, UnsupportedVersionError } from './errors.js'
import { sha512 } from './scheme.js'
import type { DecodedItem, ItemHeader, ItemId, ItemKind, SignatureScheme } from './types.js'
import type { FacilityId, PatientId } from '../record/types.js'

/** Format version byte of sealed items. */
export const ITEM_FORMAT_VERSION = 1
/** Largest item accepted (matches the 4 MiB libp2p frame default). */
export const MAX_ITEM_BYTES = 4 << 20
/** Bytes of the keyed payload tag in the header (also the nonce prefix). */
export const TAG_BYTES = 16
/** Ed25519 signature bytes at the end of every item. */
export const SIGNATURE_BYTES = 64
/** secretbox / box authenticator bytes at the start of the ciphertext. */
export const MAC_BYTES = 16

/** Domain prefix of the bytes an author signs, so an item signature is never valid as anything else. */
export const ITEM_SIGNING_DOMAIN = utf8Encode('pagdandi/item/v1\0')

const KIND_CODES: Record<ItemKind, number> = { change: 1, grant: 2, rotation: 3 }
const KINDS: Record<number, ItemKind> = { 1: 'change', 2: 'grant', 3: 'rotation' }

/** Fields an author fills in; the tag is computed when sealing. */
export interface HeaderFields {
  kind: ItemKind
  dictionaryVersion: number
  docId: PatientId
  generation: number
  rosterVersion: number
  author: FacilityId
  recipient?: FacilityId
}

/** The header bytes up to (not including) the payload tag: everything the tag binds. */
export function encodeHeaderPrefix (h: HeaderFields): Uint8Array {
  const w = new Writer().u8(ITEM_FORMAT_VERSION).u8(KIND_CODES[h.kind]).u8(h.dictionaryVersion)
    .varint(h.generation).varint(h.rosterVersion).facility(h.author)
  if (h.kind === 'grant') {
    if (h.recipient === undefined) throw new TypeError('a grant needs a recipient')
    w.facility(h.recipient)
  }
  const id = utf8Encode(h.docId)
  if (id.length < 1 || id.length > 64) throw new TypeError('document id must be 1-64 bytes')
  return w.u8(id.length).bytes(id).finish()
}

/** The nonce for secretbox/box: the 16-byte tag followed by 8 zero bytes. */
export function nonceFromTag (tag: Uint8Array): Uint8Array {
  const n = new Uint8Array(24)
  n.set(tag)
  return n
}

/** Keyed payload tag: SHA-512("pagdandi/tag/v1\0" ‖ key ‖ header prefix ‖ plaintext), first 16 bytes. */
export function payloadTag (key: Uint8Array, headerPrefix: Uint8Array, plaintext: Uint8Array, scheme?: SignatureScheme): Uint8Array {
  return sha512(concatBytes(TAG_DOMAIN, key, headerPrefix, plaintext), scheme).slice(0, TAG_BYTES)
}
const TAG_DOMAIN = utf8Encode('pagdandi/tag/v1\0')

function decodeHeaderFrom (r: Reader): ItemHeader {
  const formatVersion = r.u8()
  if (formatVersion !== ITEM_FORMAT_VERSION) throw new UnsupportedVersionError(`item format version ${formatVersion}`)
  const kindCode = r.u8()
  const kind = KINDS[kindCode]
  if (kind === undefined) throw new UnsupportedVersionError(`item kind ${kindCode}`)
  const dictionaryVersion = r.u8()
  if (dictionaryVersion > 1) throw new UnsupportedVersionError(`dictionary version ${dictionaryVersion}`)
  if (kind !== 'change' && dictionaryVersion !== 0) throw new MalformedItemError('item: grants and rotations are not compressed')
  const generation = r.varint()
  const rosterVersion = r.varint()
  const author = r.facility()
  const recipient = kind === 'grant' ? r.facility() : undefined
  const idLength = r.u8()
  if (idLength < 1 || idLength > 64) throw new MalformedItemError('item: bad document id length')
  const idBytes = r.bytes(idLength)
  for (const b of idBytes) if (b < 0x21 || b > 0x7e) throw new MalformedItemError('item: document id is not printable ASCII')
  const docId = String.fromCharCode(...idBytes) as PatientId
  const payloadTag = r.bytes(TAG_BYTES).slice()
  const header: ItemHeader = { formatVersion: 1, kind, dictionaryVersion, docId, generation, rosterVersion, author, payloadTag, headerLength: r.pos }
  if (recipient !== undefined) header.recipient = recipient
  return header
}

/** Structural decode of the header only (what a carrier can read); no keys, no verification. */
export function decodeItemHeader (bytes: Uint8Array): ItemHeader {
  return decodeItem(bytes).header
}

/** Structural decode of a whole item: header, ciphertext, signature. */
export function decodeItem (bytes: Uint8Array): DecodedItem {
  if (bytes.length > MAX_ITEM_BYTES) throw new MalformedItemError('item: oversized')
  if (bytes.length < 1) throw new MalformedItemError('item: empty')
  const r = new Reader(bytes, 'item')
  const header = decodeHeaderFrom(r)
  const ctLength = bytes.length - header.headerLength - SIGNATURE_BYTES
  if (ctLength < MAC_BYTES) throw new MalformedItemError('item: truncated')
  const signed = bytes.subarray(0, bytes.length - SIGNATURE_BYTES)
  return { header, ciphertext: signed.subarray(header.headerLength), signature: bytes.subarray(bytes.length - SIGNATURE_BYTES), signed }
}

/** Content address of an item: first 32 bytes of SHA-512 over the whole item, lower-case hex. */
export function itemId (bytes: Uint8Array, scheme?: SignatureScheme): ItemId {
  return toHex(sha512(bytes, scheme).subarray(0, 32)) as ItemId
}
