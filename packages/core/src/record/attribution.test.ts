import * as A from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { addAllergy } from './allergies.js'
import { attributeEntries, changeHashes, conflictAttribution, type ChangeSource } from './attribution.js'
import { setAllergySeverity } from './allergies.js'
import { addEncounter } from './encounter.js'
import { advanceReferral, createReferral } from './referral.js'
import { createPatientDoc } from './registration.js'
import type { EntryId, PatientDoc } from './types.js'
import { CHC, DH, MEDICAL_OFFICER, feverEncounter, referralSlip, registration, testContext } from './test-fixtures.js'

type Doc = A.Doc<PatientDoc>
const clerk = { staffId: 'st-clerk-1', name: 'Ramesh Kawasi', role: 'registration-clerk' }
const dhDoctor = { staffId: 'st-dh-7', name: 'Dr. Arjun Thakur', role: 'medical-officer' }

/** Each change since `from`, as the item that sealed it would name it. */
function sealedAs(doc: Doc, from: A.Heads, source: ChangeSource, into: Map<string, ChangeSource>): void {
  for (const h of changeHashes(A.saveSince(doc, from))) into.set(h, source)
}

describe('attributeEntries: each chart entry traced to the facility and staff member that sealed it', () => {
  it('splits saveSince bytes into the hashes of their changes, in order', () => {
    let d = createPatientDoc(registration(), testContext(CHC, 'r'))
    const h0 = A.getHeads(d)
    d = A.change(d, x => addAllergy(x, { substance: 'Sulfa', severity: 'mild' }, testContext(CHC)))
    d = A.change(d, x => addEncounter(x, feverEncounter(), testContext(CHC, 'e')))
    expect(changeHashes(A.saveSince(d, h0))).toEqual(A.getChangesMetaSince(d, h0).map(m => m.hash))
    expect(changeHashes(A.saveSince(d, []))).toHaveLength(3)
    expect(() => changeHashes(Uint8Array.of(1, 2, 3))).toThrow(TypeError)
  })

  it('verifies what the signing facility vouched for, flags what it did not, and keeps old items readable', () => {
    const sources = new Map<string, ChangeSource>()
    let d: Doc = createPatientDoc(registration(), { ...testContext(CHC, 'r'), by: clerk })
    sealedAs(d, [], { facility: CHC, author: clerk, attributed: true }, sources)
    let h = A.getHeads(d)
    let enc = '' as EntryId
    let ref = '' as EntryId
    d = A.change(d, x => {
      enc = addEncounter(x, feverEncounter(), { ...testContext(CHC), by: MEDICAL_OFFICER })
      ref = createReferral(x, referralSlip({ encounterId: enc }), { ...testContext(CHC, 'f'), by: MEDICAL_OFFICER })
    })
    sealedAs(d, h, { facility: CHC, author: MEDICAL_OFFICER, attributed: true }, sources)
    h = A.getHeads(d)
    // The DH's entry claims a CHC doctor: the DH did not vouch for that author.
    d = A.change(d, x => advanceReferral(x, ref, 'accepted', { ...testContext(DH, 'a'), by: MEDICAL_OFFICER }))
    sealedAs(d, h, { facility: DH, author: dhDoctor, attributed: true }, sources)
    h = A.getHeads(d)
    // An allergy sealed before provenance existed; and one not sealed at all yet.
    let old = '' as EntryId
    d = A.change(d, x => {
      old = addAllergy(x, { substance: 'Penicillin', severity: 'severe' }, testContext(CHC, 'o'))
    })
    sealedAs(d, h, { facility: CHC, attributed: false }, sources)
    let fresh = '' as EntryId
    d = A.change(d, x => {
      fresh = addAllergy(x, { substance: 'Sulfa', severity: 'mild' }, { ...testContext(CHC, 'n'), by: clerk })
    })

    const byPath = new Map(attributeEntries(d, sources).map(a => [a.path, a]))
    expect(byPath.get('registration')).toMatchObject({ status: 'verified', facility: CHC, author: clerk })
    expect(byPath.get(`encounters/${enc}`)).toMatchObject({
      status: 'verified',
      facility: CHC,
      author: MEDICAL_OFFICER,
      at: '2026-11-20T09:30:00.000Z'
    })
    const dx = Object.keys(d.encounters[enc]!.diagnoses)[0]!
    expect(byPath.get(`encounters/${enc}/diagnoses/${dx}`)).toMatchObject({
      status: 'verified',
      author: MEDICAL_OFFICER
    })
    expect(byPath.get(`referrals/${ref}`)).toMatchObject({ status: 'verified', author: MEDICAL_OFFICER })
    expect(byPath.get(`referrals/${ref}/statusHistory/accepted`)).toMatchObject({
      status: 'unverified',
      facility: DH,
      author: MEDICAL_OFFICER
    })
    expect(byPath.get(`allergies/${old}`)).toEqual({
      path: `allergies/${old}`,
      status: 'facility-only',
      facility: CHC,
      at: '2026-11-20T09:30:00.000Z'
    })
    expect(byPath.get(`allergies/${fresh}`)).toMatchObject({ status: 'pending', facility: CHC, author: clerk })
  })

  it('flags an entry naming a facility other than the one that signed it', () => {
    const sources = new Map<string, ChangeSource>()
    const d0 = createPatientDoc(registration(), testContext(CHC, 'r'))
    let d = d0
    let enc = '' as EntryId
    d = A.change(d, x => {
      enc = addEncounter(x, feverEncounter(), { ...testContext(CHC), by: dhDoctor })
    })
    sealedAs(d, A.getHeads(d0), { facility: DH, author: dhDoctor, attributed: true }, sources)
    expect(attributeEntries(d, sources).find(a => a.path === `encounters/${enc}`)).toMatchObject({
      status: 'unverified',
      facility: DH
    })
  })

  it('names who wrote each value in conflict', () => {
    let allergy = '' as EntryId
    const base = A.change(createPatientDoc(registration(), testContext(CHC, 'r')), x => {
      allergy = addAllergy(x, { substance: 'Sulfa', severity: 'mild' }, testContext(CHC))
    })
    const sources = new Map<string, ChangeSource>()
    const h = A.getHeads(base)
    const atChc = A.change(A.clone(base), x => setAllergySeverity(x, allergy, 'moderate', testContext(CHC)))
    const atDh = A.change(A.clone(base), x => setAllergySeverity(x, allergy, 'severe', testContext(DH)))
    sealedAs(atChc, h, { facility: CHC, author: MEDICAL_OFFICER, attributed: true }, sources)
    sealedAs(atDh, h, { facility: DH, author: dhDoctor, attributed: true }, sources)
    const merged = A.merge(A.clone(atChc), atDh)
    const who = conflictAttribution(merged, ['allergies', allergy, 'severity'], sources)
    expect(new Set(who.map(w => `${w.value} ${w.facility} ${w.author?.name}`))).toEqual(
      new Set([`moderate ${CHC} ${MEDICAL_OFFICER.name}`, `severe ${DH} ${dhDoctor.name}`])
    )
  })
})
