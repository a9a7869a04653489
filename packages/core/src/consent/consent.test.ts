import { describe, expect, it } from 'vitest'
import { MalformedItemError, ItemMovedError, UnsupportedVersionError } from '../crypto/errors.js'
import { decodeItemHeader, itemId } from '../crypto/item.js'
import { newDocumentKey } from '../crypto/keys.js'
import { openNotice, sealNotice } from '../crypto/notice.js'
import { NOTICE_STREAM } from '../crypto/noticeStream.js'
import { computeAccess, isEntitled } from '../crypto/access.js'
import { openGrant, openGrantWithTerms, verifyItem } from '../crypto/open.js'
import { tweetnaclScheme as scheme } from '../crypto/scheme.js'
import { sealGrant } from '../crypto/seal.js'
import { entryFor, testDocId, testIdentity, testRoster } from '../crypto/test-fixtures.js'
import {
  ConsentTermsError,
  decodeConsentTerms,
  decodeErasureConfirmation,
  decodeErasureRequest,
  encodeConsentTerms,
  encodeErasureConfirmation,
  encodeErasureRequest,
  validateConsentTerms,
  type ConsentTerms
} from './index.js'

const chc = testIdentity(1)
const dh = testIdentity(2)
const other = testIdentity(3)
const roster = testRoster([chc, dh, other], 3)
const docId = testDocId(7)
const key = newDocumentKey(docId, 0)
const terms: ConsentTerms = {
  purpose: { code: 'CAREMGT' },
  hiTypes: ['OPConsultation', 'DischargeSummary'],
  dateRange: { from: '2026-01-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
  dataEraseAt: '2026-12-10T00:00:00.000Z'
}

describe('consent terms (ABDM consent artefact fields)', () => {
  it('encode in 21 bytes and decode to the same terms', () => {
    const bytes = encodeConsentTerms(terms)
    expect(bytes.length).toBe(21)
    expect(decodeConsentTerms(bytes)).toEqual(terms)
  })

  const bad: Array<[string, unknown]> = [
    ['an unknown purpose', { ...terms, purpose: { code: 'SPYING' } }],
    ['no hiTypes', { ...terms, hiTypes: [] }],
    ['an unknown hiType', { ...terms, hiTypes: ['XRay'] }],
    ['a repeated hiType', { ...terms, hiTypes: ['Prescription', 'Prescription'] }],
    [
      'a range that ends before it starts',
      { ...terms, dateRange: { from: terms.dateRange.to, to: terms.dateRange.from } }
    ],
    ['a date that does not exist', { ...terms, dataEraseAt: '2026-02-30T00:00:00Z' }],
    ['a local time', { ...terms, dataEraseAt: '2026-12-10T00:00:00+05:30' }],
    ['an unknown field', { ...terms, frequency: { unit: 'DAY' } }],
    ['not an object', 'CAREMGT']
  ]
  for (const [what, input] of bad)
    it(`refuses ${what} by name`, () => {
      expect(() => validateConsentTerms(input)).toThrow(ConsentTermsError)
    })

  it('decoding refuses every truncation, trailing byte and bad field as MalformedItemError', () => {
    const bytes = encodeConsentTerms(terms)
    for (let n = 0; n < bytes.length; n++)
      expect(() => decodeConsentTerms(bytes.slice(0, n))).toThrow(MalformedItemError)
    expect(() => decodeConsentTerms(Uint8Array.of(...bytes, 0))).toThrow(MalformedItemError)
    for (const [at, v] of [
      [0, 2],
      [1, 0],
      [1, 7],
      [2, 0],
      [2, 0x80]
    ] as const) {
      const b = bytes.slice()
      b[at] = v
      expect(() => decodeConsentTerms(b)).toThrow(MalformedItemError)
    }
  })
})

describe('consent grant (type 0x23)', () => {
  it('boxes the terms with the key: the recipient reads both, the header says only that terms exist', () => {
    const item = sealGrant(key, chc, entryFor(dh), 3, scheme, encodeConsentTerms(terms))
    const h = verifyItem(item, roster, scheme)
    expect(item[0]).toBe(0x23)
    expect(h).toMatchObject({ kind: 'grant', consent: true, recipient: dh.facility })
    const opened = openGrantWithTerms(item, dh, roster)
    expect(opened.key.key).toEqual(key.key)
    expect(decodeConsentTerms(opened.terms!)).toEqual(terms)
    // It counts as a grant like any other.
    const access = computeAccess(docId, [
      {
        id: itemId(sealGrant(key, chc, entryFor(chc), 3, scheme)),
        header: decodeItemHeader(sealGrant(key, chc, entryFor(chc), 3, scheme))
      },
      { id: itemId(item), header: h }
    ])
    expect(isEntitled(access, roster, dh.facility)).toBe(true)
  })

  it('a plain grant carries no terms, and a re-typed grant does not open', () => {
    const plain = sealGrant(key, chc, entryFor(dh), 3, scheme)
    expect(openGrantWithTerms(plain, dh, roster).terms).toBeUndefined()
    const retyped = sealGrant(key, chc, entryFor(dh), 3, scheme, encodeConsentTerms(terms))
    retyped[0] = 0x21
    expect(() => openGrant(retyped, dh, roster)).toThrow(MalformedItemError)
  })
})

describe('notices', () => {
  const request = { record: docId, issuedAt: Date.UTC(2026, 11, 4), reason: 'consent-withdrawn' as const }

  it('an erasure request is a plain signed notice every member is entitled to', () => {
    const item = sealNotice(1, encodeErasureRequest(request), chc, 3, scheme)
    const h = verifyItem(item, roster, scheme)
    expect(h).toMatchObject({ kind: 'notice', noticeType: 1, docId: NOTICE_STREAM, author: chc.facility })
    expect(decodeErasureRequest(openNotice(item).payload)).toEqual(request)
    const access = computeAccess(NOTICE_STREAM, [{ id: itemId(item), header: h }])
    expect(access.holders.size).toBe(0)
    expect(isEntitled(access, roster, other.facility)).toBe(true)
    expect(isEntitled(computeAccess(docId, []), roster, other.facility)).toBe(false)
  })

  it('a confirmation round-trips and names the request it answers', () => {
    const req = itemId(sealNotice(1, encodeErasureRequest(request), chc, 3, scheme))
    const c = {
      record: docId,
      erasedAt: request.issuedAt + 5,
      cause: 'erasure-request' as const,
      held: 'keys' as const,
      request: req
    }
    expect(decodeErasureConfirmation(encodeErasureConfirmation(c))).toEqual(c)
    const expiry = { record: docId, erasedAt: 9, cause: 'consent-expired' as const, held: 'keys' as const }
    expect(decodeErasureConfirmation(encodeErasureConfirmation(expiry))).toEqual(expiry)
  })

  it('a reply is boxed: its recipient and author read it, a third member cannot', () => {
    const item = sealNotice(4, Uint8Array.of(1, 2, 3), chc, 3, scheme, entryFor(dh))
    expect(verifyItem(item, roster, scheme)).toMatchObject({ kind: 'notice', recipient: dh.facility })
    expect(openNotice(item, { identity: dh, roster }).payload).toEqual(Uint8Array.of(1, 2, 3))
    expect(openNotice(item, { identity: chc, roster }).payload).toEqual(Uint8Array.of(1, 2, 3))
    expect(() => openNotice(item, { identity: other, roster })).toThrow(/not addressed/)
  })

  it('refuses a notice with a changed payload, another stream id, or an unknown notice type', () => {
    const item = sealNotice(1, encodeErasureRequest(request), chc, 3, scheme)
    const moved = item.slice()
    moved[moved.length - 65] ^= 1
    expect(() => openNotice(moved)).toThrow(ItemMovedError)
    const elsewhere = item.slice()
    elsewhere[9] ^= 1 // inside the 16-byte stream id (type, gen, roster v, author: 8 bytes)
    expect(() => decodeItemHeader(elsewhere)).toThrow(MalformedItemError)
    const unknown = item.slice()
    unknown[0] = 0x55
    expect(() => decodeItemHeader(unknown)).toThrow(UnsupportedVersionError)
  })
})
