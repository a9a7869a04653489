/**
 * The card code: what the QR on a printed health card holds, and what a clerk types when there is
 * no camera (docs/PROTOCOL.md, "Health card"). Pure and strict; every failure is a
 * `MalformedCardCodeError`.
 */
import { bytesEqual, concatBytes, utf8Encode } from '../bytes.js'
import { cryptoReader, cryptoWriter } from '../crypto/format.js'
import { DOC_ID_BYTES, documentIdFromBytes, documentIdToBytes } from '../crypto/docId.js'
import { MalformedItemError } from '../crypto/errors.js'
import { sha512 } from '../crypto/scheme.js'
import type { FacilityId, PatientId } from '../record/types.js'
import { MalformedCardCodeError } from './errors.js'

/** Version byte of the card code. */
export const CARD_CODE_VERSION = 1
/** Bytes of the card secret. */
export const CARD_SECRET_BYTES = 16
/** Bytes of the code: version 1 + document id 16 + home facility 5 + secret 16 + check 2. */
export const CARD_CODE_BYTES = 40
/** The QR text's prefix (QR alphanumeric mode: upper case, digits and `:` only). */
export const CARD_QR_PREFIX = 'PGD:'
/** Longest text the decoder looks at (a typed code with spaces or hyphens, or a QR text). */
export const MAX_CARD_TEXT = 256

const CHECK_DOMAIN = utf8Encode('pagdandi/card-code/v1\0')
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** What a card names: the record, its home facility, and the card's secret. */
export interface CardCode {
  docId: PatientId
  home: FacilityId
  /** 16 secret bytes; whoever holds them holds the card. */
  secret: Uint8Array
}

function check(body: Uint8Array): Uint8Array {
  return sha512(concatBytes([CHECK_DOMAIN, body])).subarray(0, 2)
}

/** The 40 code bytes. */
export function encodeCardBytes(card: CardCode): Uint8Array {
  const id = documentIdToBytes(card.docId)
  if (id === undefined) throw new TypeError('document id must be an automerge-repo DocumentId of 16 bytes')
  if (card.secret.length !== CARD_SECRET_BYTES) throw new TypeError('a card secret is 16 bytes')
  const body = cryptoWriter().u8(CARD_CODE_VERSION).raw(id).facility(card.home).raw(card.secret).finish()
  return concatBytes([body, check(body)])
}

/** Decodes the 40 code bytes: version, check bytes, facility id range. */
export function decodeCardBytes(bytes: Uint8Array): CardCode {
  if (bytes.length !== CARD_CODE_BYTES) throw new MalformedCardCodeError(`card code: ${bytes.length} bytes, not 40`)
  const body = bytes.subarray(0, CARD_CODE_BYTES - 2)
  if (!bytesEqual(check(body), bytes.subarray(CARD_CODE_BYTES - 2)))
    throw new MalformedCardCodeError('card code: check digits do not match (mistyped or damaged)')
  if (bytes[0] !== CARD_CODE_VERSION) throw new MalformedCardCodeError(`card code: unknown version ${bytes[0]}`)
  const r = cryptoReader(body, 'card code')
  r.u8()
  try {
    const docId = documentIdFromBytes(r.raw(DOC_ID_BYTES))
    const home = r.facility()
    const secret = r.raw(CARD_SECRET_BYTES).slice()
    r.end()
    return { docId, home, secret }
  } catch (err) {
    if (err instanceof MalformedItemError) throw new MalformedCardCodeError(`card code: ${err.message}`)
    throw err
  }
}

/** RFC 4648 base32, upper case, no padding (40 bytes → 64 characters). */
function base32(bytes: Uint8Array): string {
  let out = ''
  let acc = 0
  let bits = 0
  for (const b of bytes) {
    acc = (acc << 8) | b
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31]
      bits -= 5
    }
    acc &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31]
  return out
}

function unbase32(text: string): Uint8Array {
  const out: number[] = []
  let acc = 0
  let bits = 0
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch)
    if (v < 0) throw new MalformedCardCodeError('card code: a character outside the code alphabet')
    acc = ((acc << 5) | v) & 0xfff
    bits += 5
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Uint8Array.from(out)
}

/** The QR text: `PGD:` and the 64 base32 characters (QR alphanumeric mode, 68 characters). */
export function cardQrText(card: CardCode): string {
  return CARD_QR_PREFIX + base32(encodeCardBytes(card))
}

/** The code as a person types it: 16 groups of 4 characters, hyphenated. */
export function cardTypedCode(card: CardCode): string {
  return base32(encodeCardBytes(card)).replace(/(.{4})(?=.)/g, '$1-')
}

/**
 * Reads scanned or typed text: an optional `PGD:` prefix, then the 64 characters in any case,
 * with spaces and hyphens ignored and the look-alikes 0/1/8 read as O/I/B.
 */
export function parseCardText(text: string): CardCode {
  if (typeof text !== 'string' || text.length > MAX_CARD_TEXT) throw new MalformedCardCodeError('card code: too long')
  let t = text.trim().toUpperCase()
  if (t.startsWith(CARD_QR_PREFIX)) t = t.slice(CARD_QR_PREFIX.length)
  t = t.replace(/[\s-]/g, '').replace(/0/g, 'O').replace(/1/g, 'I').replace(/8/g, 'B')
  if (t.length !== 64) throw new MalformedCardCodeError(`card code: ${t.length} characters, not 64`)
  return decodeCardBytes(unbase32(t))
}
