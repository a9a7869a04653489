/**
 * Creator-bound document ids (issue 14, attack 7; docs/PROTOCOL.md "Document id"). Seeded:
 * CREATOR_ID_SEED=<n> replays a run; the seed is in the describe name.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FacilityId } from '../record/types.js'
import { testSeed } from '../testing/seed.js'
import { boundCreator, creatorBoundId, creatorBoundIdBytes, isBoundTo } from './creatorId.js'
import { documentIdFromBytes, isDocumentId } from './docId.js'

const SEED = testSeed('CREATOR_ID_SEED', 20261204)
const facility = fc.integer({ min: 0, max: 9_999_999_999 }).map(n => `IN${String(n).padStart(10, '0')}` as FacilityId)
const params = { seed: SEED, numRuns: 1_000 } as const

// Ids of the golden corpus (test/fixtures/golden-v1), made under the earlier random rule.
const GOLDEN_IDS = [
  '3HkRWXanfvcoXXPysX3dzuX4xnVu',
  '4FJjQTVmJYP4KuxxjNbQaDgJi4KF',
  '4S9kNLDSFXmGRmN9pmr1FqJyE34A',
  'aVookzqzFMn1LefUrt1wWKc4Fv4',
  '3GeeLgSGr3iesEHvYK2KGmpWPiTp',
  '2ZFFw253HGj3FTzYKnTRJDHmkD4p'
]

describe(`creator-bound document ids (fast-check seed ${SEED}, CREATOR_ID_SEED to replay)`, () => {
  it('an id names its creator and no other facility; it is an ordinary 16-byte DocumentId', () => {
    fc.assert(
      fc.property(facility, facility, fc.uint8Array({ minLength: 8, maxLength: 8 }), (creator, other, nonce) => {
        const id = creatorBoundId(creator, nonce)
        expect(isDocumentId(id)).toBe(true)
        expect(isBoundTo(id, creator)).toBe(true)
        expect(isBoundTo(id, other)).toBe(other === creator)
        expect(boundCreator(id, [other, creator])).toBe(creator)
      }),
      params
    )
  })

  it('random ids (the earlier rule, the golden corpus) name nobody, so the first stored self-grant still counts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), facility, (bytes, f) => {
        expect(isBoundTo(documentIdFromBytes(bytes), f)).toBe(false)
      }),
      params
    )
    const members = ['IN2210000101', 'IN2210000001', 'IN2210000102', 'IN2210000002'] as FacilityId[]
    for (const id of GOLDEN_IDS) expect(boundCreator(id, members)).toBeUndefined()
  })

  it('any string is judged without throwing: not a DocumentId names nobody', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), facility, (s, f) => {
        expect(isBoundTo(s, f)).toBe(false)
      }),
      params
    )
    expect(() => creatorBoundIdBytes('IN2210000101' as FacilityId, new Uint8Array(7))).toThrow(TypeError)
  })

  it('pins the bytes: a known nonce gives a known id (the format must not drift)', () => {
    const nonce = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])
    expect(creatorBoundId('IN2210000101' as FacilityId, nonce)).toMatchInlineSnapshot(`"pEbmSWqJdEnXXvsr2djdJi94BX"`)
  })
})
