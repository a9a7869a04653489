import { concatBytes, toHex, utf8Encode } from '../bytes.js'
import type { ByteReader, ByteWriter } from '../bytes.js'
import { cryptoReader, cryptoWriter } from './format.js'
import { MAX_DICTIONARY_VERSION } from './compress.js'
import { DOC_ID_BYTES, documentIdFromBytes, documentIdToBytes } from './docId.js'
import { NOTICE_STREAM } from './noticeStream.js'
import { MalformedItemError, UnsupportedVersionError } from './errors.js'
import { sha512 } from './scheme.js'
import type { CardFields, DecodedItem, ItemHeader, ItemId, ItemKind, SignatureScheme } from './types.js'

/**
 * Format version of sealed items: the high nibble of the type byte (byte 0). Version 1 (string
 * document ids, separate kind and dictionary bytes) is no longer read.
 */
export const ITEM_FORMAT_VERSION = 2
/**
 * Largest sealed item, the one cap shared by sealing, decoding, sync frames and bundle files
 * (core/sync re-exports it). A patient change is about 0.6-2 KB sealed; an imported record history
 * may reach tens of KB. 512 KiB is far above both, and still fits a 1 MiB sync frame.
 */
export const MAX_ITEM_BYTES = 512 * 1024
/** Bytes of the keyed payload tag in the header (also the nonce prefix). */
export const TAG_BYTES = 16
/** Ed25519 signature bytes at the end of every item. */
export const SIGNATURE_BYTES = 64
/** secretbox / box authenticator bytes at the start of the ciphertext. */
export const MAC_BYTES = 16

/** Domain prefix of the bytes an author signs, so an item signature is never valid as anything else. */
export const ITEM_SIGNING_DOMAIN = utf8Encode('pagdandi/item/v1\0')

// Byte 0 names format version, kind and (for changes) dictionary at once: all three are "can I
// read this at all" questions with the same answer rule, and one byte instead of three is what
// brings a change item's framing to 120 bytes. Any other value is UnsupportedVersionError.
const TYPE_GRANT = 0x21
const TYPE_ROTATION = 0x22
/** A grant whose boxed payload also carries consent terms (purpose, hiTypes, date range, dataEraseAt). */
const TYPE_CONSENT_GRANT = 0x23
/** Health card items (docs/PROTOCOL.md, "Health card"). */
const TYPE_CARD = 0x24
const TYPE_CARD_REVOCATION = 0x25
const TYPE_CARD_GRANT = 0x26
/** Bytes of a card key (Ed25519 public key) and of a card grant's proof (Ed25519 signature). */
export const CARD_KEY_BYTES = 32
export const CARD_PROOF_BYTES = 64
/** A notice (`0x50` + notice type 1-4): a signed, roster-wide item outside any record (crypto/notice.ts). */
const TYPE_NOTICE = 0x50
/** Notice types this version knows; 4 (a request reply) names a recipient, as a grant does. */
export const MAX_NOTICE_TYPE = 4
export const NOTICE_REPLY = 4
const TYPE_CHANGE = 0x30
/** A change whose payload also says who made each change (crypto/provenance.ts). */
const TYPE_ATTRIBUTED_CHANGE = 0x40

function typeByte(h: HeaderFields): number {
  const { kind, dictionaryVersion } = h
  const attributed = h.attributed === true
  if (kind === 'grant') return h.consent === true ? TYPE_CONSENT_GRANT : TYPE_GRANT
  if (kind === 'notice') {
    const n = h.noticeType ?? 0
    if (!Number.isInteger(n) || n < 1 || n > MAX_NOTICE_TYPE) throw new TypeError(`notice type ${n}`)
    return TYPE_NOTICE | n
  }
  if (kind === 'rotation') return TYPE_ROTATION
  if (kind === 'card') return TYPE_CARD
  if (kind === 'card-revocation') return TYPE_CARD_REVOCATION
  if (kind === 'card-grant') return TYPE_CARD_GRANT
  if (!Number.isInteger(dictionaryVersion) || dictionaryVersion < 0 || dictionaryVersion > MAX_DICTIONARY_VERSION)
    throw new TypeError(`dictionary version ${dictionaryVersion}`)
  return (attributed ? TYPE_ATTRIBUTED_CHANGE : TYPE_CHANGE) | dictionaryVersion
}

/** Fields an author fills in; the version is fixed, the tag and length are computed when sealing. */
export type HeaderFields = Omit<ItemHeader, 'formatVersion' | 'payloadTag' | 'headerLength'>

/** The header bytes up to (not including) the payload tag: everything the tag binds. */
export function encodeHeaderPrefix(h: HeaderFields): Uint8Array {
  const id = documentIdToBytes(h.docId)
  if (id === undefined) throw new TypeError('document id must be an automerge-repo DocumentId of 16 bytes')
  const w = cryptoWriter().u8(typeByte(h)).varint(h.generation).varint(h.rosterVersion).facility(h.author)
  if (hasRecipient(h.kind, h.noticeType)) {
    if (h.recipient === undefined) throw new TypeError('a grant or reply needs a recipient')
    w.facility(h.recipient)
  }
  if (isCardKind(h.kind)) writeCardFields(w, h)
  return w.raw(id).finish()
}

function isCardKind(kind: ItemKind): kind is 'card' | 'card-revocation' | 'card-grant' {
  return kind === 'card' || kind === 'card-revocation' || kind === 'card-grant'
}

function writeCardFields(w: ByteWriter, h: HeaderFields): void {
  const c = h.card
  if (c?.key.length !== CARD_KEY_BYTES) throw new TypeError(`a ${h.kind} item needs a 32-byte card key`)
  w.raw(c.key)
  if (h.kind === 'card') {
    if (c.notBefore === undefined || c.notAfter === undefined || c.notAfter < c.notBefore)
      throw new TypeError('a card needs a validity window')
    w.u32(c.notBefore).u32(c.notAfter)
  }
  if (h.kind === 'card-grant') {
    if (c.at === undefined || c.proof?.length !== CARD_PROOF_BYTES) throw new TypeError('a card grant needs a proof')
    w.u32(c.at).raw(c.proof)
  }
}

function readCardFields(r: ByteReader, kind: ItemKind): CardFields {
  const key = r.raw(CARD_KEY_BYTES).slice()
  if (kind === 'card') {
    const notBefore = r.u32()
    const notAfter = r.u32()
    if (notAfter < notBefore) throw new MalformedItemError('card item: validity window ends before it begins')
    return { key, notBefore, notAfter }
  }
  if (kind === 'card-grant') return { key, at: r.u32(), proof: r.raw(CARD_PROOF_BYTES).slice() }
  return { key }
}

/** The nonce for secretbox/box: the 16-byte tag followed by 8 zero bytes. */
export function nonceFromTag(tag: Uint8Array): Uint8Array {
  const n = new Uint8Array(24)
  n.set(tag)
  return n
}

/** Keyed payload tag: SHA-512("pagdandi/tag/v1\0" ‖ key ‖ header prefix ‖ plaintext), first 16 bytes. */
export function payloadTag(
  key: Uint8Array,
  headerPrefix: Uint8Array,
  plaintext: Uint8Array,
  scheme?: SignatureScheme
): Uint8Array {
  return sha512(concatBytes([TAG_DOMAIN, key, headerPrefix, plaintext]), scheme).slice(0, TAG_BYTES)
}
const TAG_DOMAIN = utf8Encode('pagdandi/tag/v1\0')

function hasRecipient(kind: ItemKind, noticeType: number | undefined): boolean {
  return kind === 'grant' || (kind === 'notice' && noticeType === NOTICE_REPLY)
}

function decodeHeaderFrom(r: ByteReader): ItemHeader {
  const type = r.u8()
  let kind: ItemKind
  let dictionaryVersion = 0
  let noticeType: number | undefined
  const attributed = (type & 0xf0) === TYPE_ATTRIBUTED_CHANGE
  if (type === TYPE_GRANT || type === TYPE_CONSENT_GRANT) kind = 'grant'
  else if (type === TYPE_ROTATION) kind = 'rotation'
  else if (type === TYPE_CARD) kind = 'card'
  else if (type === TYPE_CARD_REVOCATION) kind = 'card-revocation'
  else if (type === TYPE_CARD_GRANT) kind = 'card-grant'
  else if ((type & 0xf0) === TYPE_NOTICE && (type & 0x0f) >= 1 && (type & 0x0f) <= MAX_NOTICE_TYPE) {
    kind = 'notice'
    noticeType = type & 0x0f
  } else if (((type & 0xf0) === TYPE_CHANGE || attributed) && (type & 0x0f) <= MAX_DICTIONARY_VERSION) {
    kind = 'change'
    dictionaryVersion = type & 0x0f
  } else throw new UnsupportedVersionError(`item type byte 0x${type.toString(16).padStart(2, '0')}`)
  const generation = r.varint()
  const rosterVersion = r.varint()
  const author = r.facility()
  const recipient = hasRecipient(kind, noticeType) ? r.facility() : kind === 'card-grant' ? author : undefined
  const card = isCardKind(kind) ? readCardFields(r, kind) : undefined
  const docId = documentIdFromBytes(r.raw(DOC_ID_BYTES))
  if (kind === 'notice' && (generation !== 0 || docId !== NOTICE_STREAM))
    throw new MalformedItemError('notice: generation 0 and the notice stream id only')
  const payloadTag = r.raw(TAG_BYTES).slice()
  const header: ItemHeader = {
    formatVersion: ITEM_FORMAT_VERSION,
    kind,
    dictionaryVersion,
    docId,
    generation,
    rosterVersion,
    author,
    payloadTag,
    headerLength: r.position
  }
  if (recipient !== undefined) header.recipient = recipient
  if (card !== undefined) header.card = card
  if (attributed) header.attributed = true
  if (type === TYPE_CONSENT_GRANT) header.consent = true
  if (noticeType !== undefined) header.noticeType = noticeType
  return header
}

/** Structural decode of the header only (what a carrier can read); no keys, no verification. */
export function decodeItemHeader(bytes: Uint8Array): ItemHeader {
  return decodeItem(bytes).header
}

/** Structural decode of a whole item: header, ciphertext, signature. */
export function decodeItem(bytes: Uint8Array): DecodedItem {
  if (bytes.length > MAX_ITEM_BYTES) throw new MalformedItemError('item: oversized')
  if (bytes.length < 1) throw new MalformedItemError('item: empty')
  const r = cryptoReader(bytes, 'item')
  const header = decodeHeaderFrom(r)
  const ctLength = bytes.length - header.headerLength - SIGNATURE_BYTES
  // A plain notice's body is its payload (at least one byte); everything else is MAC first.
  const plain = header.kind === 'notice' && header.noticeType !== NOTICE_REPLY
  if (ctLength < (plain ? 1 : MAC_BYTES)) throw new MalformedItemError('item: truncated')
  const signed = bytes.subarray(0, bytes.length - SIGNATURE_BYTES)
  return {
    header,
    ciphertext: signed.subarray(header.headerLength),
    signature: bytes.subarray(bytes.length - SIGNATURE_BYTES),
    signed
  }
}

/** Content address of an item: first 32 bytes of SHA-512 over the whole item, lower-case hex. */
export function itemId(bytes: Uint8Array, scheme?: SignatureScheme): ItemId {
  return toHex(sha512(bytes, scheme).subarray(0, 32)) as ItemId
}
