import { describe, expect, it } from 'vitest'
import { MalformedItemError } from '../crypto/errors.js'
import { testDocId } from '../crypto/test-fixtures.js'
import {
  blindIdentifier,
  decodeRecordRequest,
  decodeRequestReply,
  encodeRecordRequest,
  encodeRequestReply,
  type RecordRequest
} from './request.js'

const saltA = new Uint8Array(16).fill(1)
const saltB = new Uint8Array(16).fill(2)
const request = 'ab'.repeat(32)

describe('record requests (identifier blinded)', () => {
  it('the same ABHA number, however written, blinds alike under one salt and differently under another', () => {
    const a = blindIdentifier('abha-number', '91-1234-5678-9012', saltA)
    expect(blindIdentifier('abha-number', '91123456789012', saltA)).toEqual(a)
    expect(blindIdentifier('abha-number', '91123456789012', saltB)).not.toEqual(a)
    expect(blindIdentifier('uhid', '91123456789012', saltA)).not.toEqual(a)
    expect(blindIdentifier('uhid', ' TKP-2026-0107 ', saltA)).toEqual(blindIdentifier('uhid', 'tkp-2026-0107', saltA))
  })

  it('a request round-trips, carries no identifier in clear, and every truncation or bad field is MalformedItemError', () => {
    const q: RecordRequest = {
      idKind: 'abha-number',
      salt: saltA,
      blinded: blindIdentifier('abha-number', '91123456789012', saltA),
      createdAt: Date.UTC(2026, 11, 4),
      purpose: 'CAREMGT'
    }
    const bytes = encodeRecordRequest(q)
    expect(decodeRecordRequest(bytes)).toEqual(q)
    expect(String.fromCharCode(...bytes)).not.toContain('91123456789012')
    for (let n = 0; n < bytes.length; n++)
      expect(() => decodeRecordRequest(bytes.slice(0, n))).toThrow(MalformedItemError)
    expect(() => decodeRecordRequest(Uint8Array.of(...bytes, 0))).toThrow(MalformedItemError)
    for (const [at, v] of [
      [0, 2],
      [1, 3],
      [bytes.length - 1, 0],
      [bytes.length - 1, 7]
    ] as const) {
      const b = bytes.slice()
      b[at] = v
      expect(() => decodeRecordRequest(b)).toThrow(MalformedItemError)
    }
  })

  it('replies round-trip: reached, approved with the record, declined with a reason of at most 500 bytes', () => {
    const at = Date.UTC(2026, 11, 4, 6)
    for (const r of [
      { request, status: 'reached' as const, at },
      { request, status: 'approved' as const, at, record: testDocId(3) },
      { request, status: 'declined' as const, at, reason: 'पहचान की पुष्टि नहीं हुई / identity not confirmed' }
    ])
      expect(decodeRequestReply(encodeRequestReply(r))).toEqual(r)
    expect(() => encodeRequestReply({ request, status: 'declined', at })).toThrow(TypeError)
    expect(() => encodeRequestReply({ request, status: 'declined', at, reason: 'x'.repeat(501) })).toThrow(TypeError)
    const declined = encodeRequestReply({ request, status: 'declined', at, reason: 'no' })
    const bad = declined.slice()
    bad[bad.length - 1] = 0xff // not UTF-8
    expect(() => decodeRequestReply(bad)).toThrow(MalformedItemError)
    expect(() => decodeRequestReply(declined.slice(0, -1))).toThrow(MalformedItemError)
  })
})
