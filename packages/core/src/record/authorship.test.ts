import * as Automerge from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { addAllergy } from './allergies.js'
import { resolveConflict } from './conflicts.js'
import { addEncounter, dispense, recordLabResult } from './encounter.js'
import { advanceReferral, createReferral, writeCareSummary } from './referral.js'
import { createPatientDoc } from './registration.js'
import { readPatient } from './strings.js'
import type { EntryId, PatientDoc } from './types.js'
import { CHC, DH, MEDICAL_OFFICER, feverEncounter, referralSlip, registration, testContext } from './test-fixtures.js'
import { InvalidHprIdError, InvalidRecordInputError } from './errors.js'

const clerk = { staffId: 'st-clerk-1', name: 'Ramesh Kawasi', role: 'registration-clerk' }

describe('entries name the staff member who wrote them (ChangeContext.by)', () => {
  it('every entry a change function writes carries the author, and an encounter its HPR id', () => {
    const doc0 = createPatientDoc(registration(), { ...testContext(CHC, 'r'), by: clerk })
    expect(readPatient(doc0).registeredByStaff).toEqual(clerk)
    const ctx = { ...testContext(CHC), by: MEDICAL_OFFICER }
    let enc = '' as EntryId
    let ref = '' as EntryId
    let allergy = '' as EntryId
    const doc = Automerge.change(doc0, d => {
      enc = addEncounter(d, feverEncounter(), ctx)
      allergy = addAllergy(d, { substance: 'Sulfa drugs', severity: 'moderate' }, ctx)
      ref = createReferral(d, referralSlip({ encounterId: enc }), ctx)
    })
    const p = readPatient(doc)
    const e = p.encounters[enc]!
    expect(e.author).toEqual(MEDICAL_OFFICER)
    expect(e.practitioner).toBe(MEDICAL_OFFICER.hprId)
    for (const x of [...Object.values(e.diagnoses), ...Object.values(e.prescriptions), ...Object.values(e.labOrders)])
      expect(x.author).toEqual(MEDICAL_OFFICER)
    expect(p.allergies[allergy]!.author).toEqual(MEDICAL_OFFICER)
    expect(p.referrals[ref]!.author).toEqual(MEDICAL_OFFICER)
    expect(p.referrals[ref]!.statusHistory.sent!.author).toEqual(MEDICAL_OFFICER)

    const lab = { staffId: 'st-lab-1', name: 'Sunita Baghel', role: 'lab-technician' }
    const dh = { staffId: 'st-dh-1', name: 'Dr. Arjun Thakur', role: 'medical-officer' }
    const later = Automerge.change(doc, d => {
      const order = Object.keys(d.encounters[enc]!.labOrders)[0] as EntryId
      recordLabResult(d, enc, order, { value: 'positive' }, { ...testContext(CHC, 'l'), by: lab })
      const rx = Object.keys(d.encounters[enc]!.prescriptions)[0] as EntryId
      dispense(d, enc, rx, 10, { ...testContext(CHC, 'p'), by: { ...lab, role: 'pharmacist' } })
      advanceReferral(d, ref, 'accepted', { ...testContext(DH, 'a'), by: dh })
      writeCareSummary(
        d,
        {
          kind: 'back-referral',
          referralId: ref,
          to: CHC,
          finalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B50.9', display: 'Pf malaria' },
          treatmentGiven: 'Artesunate',
          outcome: 'improved',
          followUpAdvice: 'Review in 7 days'
        },
        { ...testContext(DH, 's'), by: dh }
      )
    })
    const q = readPatient(later)
    const order = Object.values(q.encounters[enc]!.labOrders)[0]!
    expect(order.result!.author).toEqual(lab)
    expect(Object.values(q.encounters[enc]!.dispensing)[0]!.author).toEqual({ ...lab, role: 'pharmacist' })
    expect(q.referrals[ref]!.statusHistory.accepted!.author).toEqual(dh)
    expect(q.referrals[ref]!.statusHistory['back-referred']!.author).toEqual(dh)
    expect(Object.values(q.summaries)[0]!.author).toEqual(dh)
  })

  it('a resolved conflict records who chose', () => {
    let allergy = '' as EntryId
    const doc = Automerge.change(createPatientDoc(registration(), testContext(CHC, 'r')), d => {
      allergy = addAllergy(d, { substance: 'Sulfa drugs', severity: 'moderate' }, testContext(CHC))
    })
    const resolved = Automerge.change(doc, d => {
      resolveConflict(d, { path: ['allergies', allergy, 'severity'] }, 'severe', {
        ...testContext(CHC, 'c'),
        by: MEDICAL_OFFICER
      })
    })
    expect(Object.values(readPatient(resolved).resolutions)[0]!.author).toEqual(MEDICAL_OFFICER)
  })

  it('entries written without a staff member carry no author (the node itself, old callers)', () => {
    let enc = '' as EntryId
    const doc = Automerge.change(createPatientDoc(registration(), testContext(CHC, 'r')), d => {
      enc = addEncounter(d, feverEncounter(), testContext(CHC))
    })
    const p: PatientDoc = readPatient(doc)
    expect(p.registeredByStaff).toBeUndefined()
    expect(p.encounters[enc]!.author).toBeUndefined()
    expect(p.encounters[enc]!.practitioner).toBeUndefined()
  })

  it('refuses a malformed author before touching the document', () => {
    const base = createPatientDoc(registration(), testContext(CHC, 'r'))
    const attempt = (by: unknown): void => {
      Automerge.change(base, d => {
        addEncounter(d, feverEncounter(), { ...testContext(CHC), by: by as typeof clerk })
      })
    }
    expect(() => attempt({ ...clerk, staffId: 'has space' })).toThrow(InvalidRecordInputError)
    expect(() => attempt({ ...clerk, role: 'Medical Officer' })).toThrow(InvalidRecordInputError)
    expect(() => attempt({ ...clerk, name: '' })).toThrow(InvalidRecordInputError)
    expect(() => attempt({ ...clerk, hprId: '1234' })).toThrow(InvalidHprIdError)
    expect(() => attempt({ ...clerk, extra: 'x' })).toThrow(InvalidRecordInputError)
    expect(() => attempt('Dr. X')).toThrow(InvalidRecordInputError)
  })
})
