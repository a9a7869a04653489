/**
 * Record requests (docs/PROTOCOL.md, "Record request"): a facility that knows a patient's ABHA number
 * or UHID asks, in a plain notice every member receives, for the record; the identifier travels only
 * blinded (a salted hash), so only a facility that already holds it can recognise the request. The
 * home facility answers in replies boxed to the requester: reached, approved (with the record id,
 * granted by an ordinary grant) or declined with a reason.
 */
import { sha512 } from '../crypto/scheme.js'
import { MalformedItemError } from '../crypto/errors.js'
import { concatBytes, toHex, utf8Decode, utf8Encode } from '../bytes.js'
import { cryptoReader, cryptoWriter } from '../crypto/format.js'
import { readInstant, writeInstant } from './instant.js'
import { documentIdFromBytes, documentIdToBytes } from '../crypto/docId.js'
import type { PatientId } from '../record/types.js'
import { CONSENT_PURPOSES, type ConsentPurpose } from './terms.js'

export const NOTICE_RECORD_REQUEST = 3
export const NOTICE_REQUEST_REPLY = 4
const VERSION = 1
const DOMAIN = utf8Encode('pagdandi/record-request/v1\0')
/** Longest decline reason, in UTF-8 bytes. */
export const MAX_REASON_BYTES = 500

export type RequestIdKind = 'abha-number' | 'uhid'

/** A record request as it travels: the identifier blinded under a fresh salt. */
export interface RecordRequest {
  idKind: RequestIdKind
  salt: Uint8Array
  blinded: Uint8Array
  createdAt: number
  purpose: ConsentPurpose
}

/** The home facility's answer to one request. */
export interface RequestReply {
  /** The request notice's item id. */
  request: string
  status: 'reached' | 'approved' | 'declined'
  at: number
  /** Approved: the record granted. */
  record?: PatientId
  /** Declined: why, in the medical officer's words. */
  reason?: string
}

/** The identifier as it is compared: ABHA number digits only, a UHID trimmed and lower-cased. */
export function normaliseIdentifier(kind: RequestIdKind, id: string): string {
  return kind === 'abha-number' ? id.replace(/\D/g, '') : id.trim().toLowerCase()
}

/** SHA-512("pagdandi/record-request/v1\0" ‖ salt ‖ kind byte ‖ normalised identifier)[0..32]. */
export function blindIdentifier(kind: RequestIdKind, id: string, salt: Uint8Array): Uint8Array {
  const k = Uint8Array.of(kind === 'abha-number' ? 1 : 2)
  return sha512(concatBytes([DOMAIN, salt, k, utf8Encode(normaliseIdentifier(kind, id))])).slice(0, 32)
}

export function encodeRecordRequest(q: RecordRequest): Uint8Array {
  if (q.salt.length !== 16 || q.blinded.length !== 32) throw new TypeError('salt 16, blinded 32 bytes')
  const w = cryptoWriter()
    .u8(VERSION)
    .u8(q.idKind === 'abha-number' ? 1 : 2)
    .raw(q.salt)
    .raw(q.blinded)
  return writeInstant(w, q.createdAt)
    .u8(CONSENT_PURPOSES.indexOf(q.purpose) + 1)
    .finish()
}

export function decodeRecordRequest(bytes: Uint8Array): RecordRequest {
  const r = cryptoReader(bytes, 'record request')
  if (r.u8() !== VERSION) throw new MalformedItemError('record request: version')
  const kind = r.u8()
  if (kind !== 1 && kind !== 2) throw new MalformedItemError('record request: identifier kind')
  const salt = r.raw(16).slice()
  const blinded = r.raw(32).slice()
  const createdAt = readInstant(r)
  const purpose = CONSENT_PURPOSES[r.u8() - 1]
  if (purpose === undefined) throw new MalformedItemError('record request: purpose')
  r.end()
  return { idKind: kind === 1 ? 'abha-number' : 'uhid', salt, blinded, createdAt, purpose }
}

const STATUS = ['reached', 'approved', 'declined'] as const

export function encodeRequestReply(a: RequestReply): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(a.request)) throw new TypeError('request item id')
  const w = cryptoWriter().u8(VERSION)
  for (let i = 0; i < 64; i += 2) w.u8(parseInt(a.request.slice(i, i + 2), 16))
  writeInstant(w.u8(STATUS.indexOf(a.status) + 1), a.at)
  if (a.status === 'approved') {
    const id = a.record === undefined ? undefined : documentIdToBytes(a.record)
    if (id === undefined) throw new TypeError('an approval names the record')
    w.raw(id)
  }
  if (a.status === 'declined') {
    const reason = utf8Encode(a.reason ?? '')
    if (reason.length === 0 || reason.length > MAX_REASON_BYTES) throw new TypeError('a decline gives a reason')
    w.bytes16(reason)
  }
  return w.finish()
}

export function decodeRequestReply(bytes: Uint8Array): RequestReply {
  const r = cryptoReader(bytes, 'request reply')
  if (r.u8() !== VERSION) throw new MalformedItemError('request reply: version')
  const request = toHex(r.raw(32))
  const status = STATUS[r.u8() - 1]
  if (status === undefined) throw new MalformedItemError('request reply: status')
  const out: RequestReply = { request, status, at: readInstant(r) }
  if (status === 'approved') out.record = documentIdFromBytes(r.raw(16))
  if (status === 'declined') {
    const raw = r.bytes16()
    if (raw.length === 0 || raw.length > MAX_REASON_BYTES) throw new MalformedItemError('request reply: reason')
    const reason = utf8Decode(raw)
    if (reason === undefined) throw new MalformedItemError('request reply: reason is not UTF-8')
    out.reason = reason
  }
  r.end()
  return out
}
