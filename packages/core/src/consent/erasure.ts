/**
 * Erasure notices (docs/PROTOCOL.md, "Erasure request"): the home facility's signed request that
 * every facility holding a record crypto-shred it, and each facility's signed confirmation that it
 * did (also sent when a consent grant's `dataEraseAt` passes). Plain notices: a carrier reads them,
 * so it can drop the record's items and forward them.
 */
import { MalformedItemError } from '../crypto/errors.js'
import { toHex } from '../bytes.js'
import { cryptoReader, cryptoWriter } from '../crypto/format.js'
import { readInstant, writeInstant } from './instant.js'
import { documentIdFromBytes, documentIdToBytes } from '../crypto/docId.js'
import type { PatientId } from '../record/types.js'

/** Notice types (the low nibble of type byte `0x5N`). */
export const NOTICE_ERASURE_REQUEST = 1
export const NOTICE_ERASURE_CONFIRMATION = 2
const VERSION = 1

/** A request to erase `record` everywhere. */
export interface ErasureRequest {
  record: PatientId
  /** When the home facility issued it (ms since 1970). */
  issuedAt: number
  reason: 'consent-withdrawn'
}

/** Why a facility erased a record. */
export type ErasureCause = 'erasure-request' | 'consent-expired'

/** A facility's signed word that it erased `record`. */
export interface ErasureConfirmation {
  record: PatientId
  erasedAt: number
  cause: ErasureCause
  /** `keys`: it held key generations and destroyed them; `items`: it only carried the items and dropped them. */
  held: 'keys' | 'items'
  /** The erasure request's item id (cause `erasure-request`). */
  request?: string
}

function recordBytes(id: string): Uint8Array {
  const b = documentIdToBytes(id)
  if (b === undefined) throw new TypeError('record id must be a DocumentId')
  return b
}

export function encodeErasureRequest(req: ErasureRequest): Uint8Array {
  return writeInstant(cryptoWriter().u8(VERSION).raw(recordBytes(req.record)), req.issuedAt)
    .u8(1)
    .finish()
}

export function decodeErasureRequest(bytes: Uint8Array): ErasureRequest {
  const r = cryptoReader(bytes, 'erasure request')
  if (r.u8() !== VERSION) throw new MalformedItemError('erasure request: version')
  const record = documentIdFromBytes(r.raw(16))
  const issuedAt = readInstant(r)
  if (r.u8() !== 1) throw new MalformedItemError('erasure request: reason')
  r.end()
  return { record, issuedAt, reason: 'consent-withdrawn' }
}

export function encodeErasureConfirmation(c: ErasureConfirmation): Uint8Array {
  const w = writeInstant(cryptoWriter().u8(VERSION).raw(recordBytes(c.record)), c.erasedAt)
    .u8(c.cause === 'erasure-request' ? 1 : 2)
    .u8(c.held === 'keys' ? 1 : 2)
  if (c.cause === 'erasure-request') {
    if (c.request === undefined || !/^[0-9a-f]{64}$/.test(c.request)) throw new TypeError('request item id')
    for (let i = 0; i < 64; i += 2) w.u8(parseInt(c.request.slice(i, i + 2), 16))
  } else if (c.request !== undefined) throw new TypeError('an expiry names no request')
  return w.finish()
}

export function decodeErasureConfirmation(bytes: Uint8Array): ErasureConfirmation {
  const r = cryptoReader(bytes, 'erasure confirmation')
  if (r.u8() !== VERSION) throw new MalformedItemError('erasure confirmation: version')
  const record = documentIdFromBytes(r.raw(16))
  const erasedAt = readInstant(r)
  const cause = r.u8()
  const held = r.u8()
  if ((cause !== 1 && cause !== 2) || (held !== 1 && held !== 2))
    throw new MalformedItemError('erasure confirmation: cause or held')
  const out: ErasureConfirmation = {
    record,
    erasedAt,
    cause: cause === 1 ? 'erasure-request' : 'consent-expired',
    held: held === 1 ? 'keys' : 'items'
  }
  if (cause === 1) out.request = toHex(r.raw(32))
  r.end()
  return out
}
