import * as A from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { buildPatientDoc } from '../synth/build.js'
import { generateFacilities } from '../synth/facilities.js'
import { generatePatients } from '../synth/generate.js'
import { addAllergy } from './allergies.js'
import { resolveConflict } from './conflicts.js'
import { checkEdit } from './edit.js'
import { addDiagnosis, addEncounter, orderLab, recordLabResult, setPrescriptionDose } from './encounter.js'
import { InvalidPatientDocumentError } from './errors.js'
import { advanceReferral, createReferral } from './referral.js'
import { createPatientDoc } from './registration.js'
import { wrap } from './strings.js'
import type { ConflictValue } from './conflicts.js'
import type { EntryId, PatientDoc } from './types.js'
import { CHC, DH, MEDICAL_OFFICER, feverEncounter, referralSlip, registration, testContext } from './test-fixtures.js'

type Doc = A.Doc<PatientDoc>
const base = (): Doc => createPatientDoc(registration(), testContext(CHC, 'r'))
const edit = (doc: Doc, fn: (d: PatientDoc) => void): Doc => A.change(A.clone(doc), d => fn(d))
/** A raw write, as a hostile automerge-repo client makes it (no change function). */
const raw = (doc: Doc, fn: (d: Record<string, unknown>) => void): Doc =>
  A.change(A.clone(doc), d => fn(d as unknown as Record<string, unknown>))
const refusedAt = (before: Doc, after: Doc): string => {
  try {
    checkEdit(before, after)
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidPatientDocumentError)
    return (err as InvalidPatientDocumentError).path
  }
  throw new Error('accepted')
}

/** A lab result as plain data (what the conflict review offers as a choice). */
function readPatientValue(doc: Doc, enc: EntryId, order: EntryId): ConflictValue {
  return JSON.parse(JSON.stringify(doc.encounters[enc]!.labOrders[order]!.result))
}

describe('checkEdit: a change to a patient document judged against the schema', () => {
  it('accepts every synthetic record as a new document (seed 11)', { timeout: 60_000 }, () => {
    const facilities = generateFacilities(11)
    for (const p of generatePatients({ seed: 11, count: 120, facilities }))
      expect(() => checkEdit(undefined, buildPatientDoc(p, { seed: 11 })), p.key).not.toThrow()
  })

  it('names the kinds of entry each change function writes, and who each new entry claims to be', () => {
    const ctx = { ...testContext(CHC), by: MEDICAL_OFFICER }
    const d0 = base()
    let enc = '' as EntryId
    const d1 = edit(d0, d => {
      enc = addEncounter(d, feverEncounter(), ctx)
    })
    const s1 = checkEdit(d0, d1)
    expect(new Set(s1.kinds)).toEqual(new Set(['encounter', 'vitals', 'diagnosis', 'prescription', 'lab-order']))
    expect(s1.claims.every(c => c.author?.staffId === MEDICAL_OFFICER.staffId)).toBe(true)
    expect(s1.claims[0]).toMatchObject({ path: `encounters/${enc}`, facilities: [CHC] })

    let order = '' as EntryId
    const d2 = edit(d1, d => {
      order = orderLab(d, enc, { test: { system: 'http://loinc.org', code: '718-7', display: 'Hb' } }, ctx)
    })
    expect(checkEdit(d1, d2).kinds).toEqual(['lab-order'])
    const d3 = edit(d2, d => {
      recordLabResult(d, enc, order, { value: '7.2', unit: 'g/dL' }, ctx)
    })
    expect(checkEdit(d2, d3).kinds).toEqual(['lab-result'])
    const rx = Object.keys(d3.encounters[enc]!.prescriptions)[0] as EntryId
    const d4 = edit(d3, d => {
      setPrescriptionDose(d, enc, rx, '1000 mg', ctx)
    })
    expect(checkEdit(d3, d4).kinds).toEqual(['prescription'])
    const d5 = edit(d4, d => {
      addDiagnosis(
        d,
        enc,
        { coding: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia' }, text: 'anaemia' },
        ctx
      )
    })
    expect(checkEdit(d4, d5).kinds).toEqual(['diagnosis'])
    let ref = '' as EntryId
    const d6 = edit(d5, d => {
      ref = createReferral(d, referralSlip({ encounterId: enc }), ctx)
    })
    expect(checkEdit(d5, d6).kinds).toEqual(['referral'])
    const d7 = edit(d6, d => {
      advanceReferral(d, ref, 'accepted', testContext(DH, 'a'))
    })
    expect(checkEdit(d6, d7)).toMatchObject({ kinds: ['referral-status'], claims: [{ facilities: [DH] }] })
    const d8 = edit(d7, d => {
      d.demographics.nameVariants.push(wrap('Sukmoti Kasyap'))
    })
    expect(checkEdit(d7, d8).kinds).toEqual(['demographics'])
  })

  it('counts the write a conflict resolution makes as the resolution, not as the field it sets', () => {
    let allergy = '' as EntryId
    const d0 = edit(base(), d => {
      allergy = addAllergy(d, { substance: 'Sulfa drugs', severity: 'moderate' }, testContext(CHC))
    })
    const d1 = edit(d0, d => {
      resolveConflict(d, { path: ['allergies', allergy, 'severity'] }, 'severe', testContext(CHC, 'c'))
    })
    expect(checkEdit(d0, d1).kinds).toEqual(['resolution'])
  })

  it('a resolution that keeps another facility’s lab result claims only the resolver (the result keeps its writer)', () => {
    let enc = '' as EntryId
    let order = '' as EntryId
    const d0 = edit(base(), d => {
      enc = addEncounter(d, feverEncounter(), testContext(CHC))
      order = orderLab(d, enc, { test: { system: 'http://loinc.org', code: '718-7', display: 'Hb' } }, testContext(CHC))
    })
    const atDh = edit(d0, d => {
      recordLabResult(d, enc, order, { value: '6.1', unit: 'g/dL' }, { ...testContext(DH, 'l'), by: MEDICAL_OFFICER })
    })
    const atChc = edit(d0, d => {
      recordLabResult(d, enc, order, { value: '6.4', unit: 'g/dL' }, testContext(CHC, 'l'))
    })
    const merged = A.merge(A.clone(atChc), atDh)
    const chosen = readPatientValue(atDh, enc, order)
    const d1 = edit(merged, d => {
      resolveConflict(d, { path: ['encounters', enc, 'labOrders', order, 'result'] }, chosen, testContext(CHC, 'c'))
    })
    const summary = checkEdit(merged, d1)
    expect(summary.kinds).toEqual(['resolution'])
    expect(summary.claims.map(c => c.facilities)).toEqual([[CHC]])
  })

  it('refuses the attack of issue 13: demographics = 42, referrals = "x"', () => {
    const d0 = base()
    expect(
      refusedAt(
        d0,
        raw(d0, d => (d.demographics = 42))
      )
    ).toBe('demographics')
    expect(
      refusedAt(
        d0,
        raw(d0, d => (d.referrals = wrap('x')))
      )
    ).toBe('referrals')
    expect(
      refusedAt(
        d0,
        raw(d0, d => (d.referrals = 'x'))
      )
    ).toBe('referrals')
    expect(
      refusedAt(
        d0,
        raw(d0, d => delete d.encounters)
      )
    ).toBe('encounters')
  })

  it('refuses unknown fields, wrong kinds, removed entries and rewritten identities', () => {
    let enc = '' as EntryId
    const d0 = edit(base(), d => {
      enc = addEncounter(d, feverEncounter(), testContext(CHC))
    })
    const e = (d: Record<string, unknown>): Record<string, unknown> =>
      (d.encounters as Record<string, Record<string, unknown>>)[enc]!
    expect(
      refusedAt(
        d0,
        raw(d0, d => (d.extra = 1))
      )
    ).toBe('extra')
    expect(
      refusedAt(
        d0,
        raw(d0, d => (d.registeredBy = wrap(DH)))
      )
    ).toBe('registeredBy')
    expect(
      refusedAt(
        d0,
        raw(d0, d => (e(d).vitals = { temperature: 90 }))
      )
    ).toBe(`encounters/${enc}/vitals.temperature`)
    expect(
      refusedAt(
        d0,
        raw(d0, d => (e(d).facility = wrap(DH)))
      )
    ).toBe(`encounters/${enc}/facility`)
    expect(
      refusedAt(
        d0,
        raw(d0, d => delete (d.encounters as Record<string, unknown>)[enc])
      )
    ).toBe(`encounters/${enc}`)
    expect(
      refusedAt(
        d0,
        raw(d0, d => (d.encounters = {}))
      )
    ).toBe(`encounters/${enc}`)
    expect(
      refusedAt(
        d0,
        raw(d0, d => (e(d).secret = wrap('x')))
      )
    ).toBe(`encounters/${enc}/secret`)
    const dx = Object.keys(d0.encounters[enc]!.diagnoses)[0]!
    expect(
      refusedAt(
        d0,
        raw(d0, d => ((e(d).diagnoses as Record<string, Record<string, unknown>>)[dx]!.text = 7))
      )
    ).toBe(`encounters/${enc}/diagnoses/${dx}/text`)
    const renamed = raw(d0, d => {
      ;(d.demographics as Record<string, unknown>).name = wrap('')
    })
    expect(refusedAt(d0, renamed)).toBe('demographics/name')
  })

  it('names paths only: a refused value never appears in the error', () => {
    const d0 = base()
    const after = raw(d0, d => ((d.demographics as Record<string, unknown>).phone = wrap('Sukmati 98765')))
    expect(() => checkEdit(d0, after)).toThrow(/demographics\/phone/)
    expect(() => checkEdit(d0, after)).not.toThrow(/Sukmati/)
  })
})
