import * as Automerge from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { addAllergy, setAllergySeverity } from './allergies.js'
import { openConflicts, resolveConflict } from './conflicts.js'
import {
  addDiagnosis,
  addEncounter,
  addPrescription,
  orderLab,
  recordLabResult,
  setPrescriptionDose
} from './encounter.js'
import { advanceReferral, createReferral, currentStatus } from './referral.js'
import { createPatientDoc, linkAbha } from './registration.js'
import { readPatient } from './strings.js'
import type { EntryId, PatientDoc } from './types.js'
import { CHC, DH, feverEncounter, referralSlip, registration, testContext, withLuhn } from './test-fixtures.js'

type Doc = Automerge.Doc<PatientDoc>
const CHC_ACTOR = 'c0'.repeat(16)
const DH_ACTOR = 'd0'.repeat(16)

/** The same patient at a CHC and at the DH, forked from one origin with fixed actors. */
function twoReplicas(setup?: (d: PatientDoc) => void): [Doc, Doc] {
  let origin = createPatientDoc(registration(), testContext(CHC, 'r'), 'a0'.repeat(16))
  if (setup !== undefined) origin = Automerge.change(origin, setup)
  return [Automerge.clone(origin, { actor: CHC_ACTOR }), Automerge.clone(origin, { actor: DH_ACTOR })]
}

const sameDoc = (a: Doc, b: Doc): void => {
  expect(Automerge.getHeads(a).sort()).toEqual(Automerge.getHeads(b).sort())
  // JS key order follows patch arrival order, so compare structurally (toEqual ignores key order).
  expect(Automerge.toJS(a)).toEqual(Automerge.toJS(b))
}

describe('M1: concurrent additions are all kept', () => {
  it('keeps encounters, diagnoses and prescriptions added concurrently at a CHC and a DH', () => {
    let enc = '' as EntryId
    let [chc, dh] = twoReplicas(d => {
      enc = addEncounter(d, { complaints: ['fever'] }, testContext(CHC, 'o'))
    })
    const dx = {
      coding: { system: 'http://hl7.org/fhir/sid/icd-10' as const, code: 'D64.9', display: 'Anaemia' },
      text: 'anaemia'
    }
    const rx = {
      drug: 'Ferrous sulphate 200 mg tablet',
      dose: '1 tab',
      frequency: 'OD',
      durationDays: 30,
      route: 'oral'
    }
    chc = Automerge.change(chc, d => {
      addEncounter(d, feverEncounter(), testContext(CHC, 'c'))
      addDiagnosis(d, enc, dx, testContext(CHC, 'c'))
      addPrescription(d, enc, rx, testContext(CHC, 'cc'))
    })
    dh = Automerge.change(dh, d => {
      addEncounter(d, { complaints: ['breathless'] }, testContext(DH, 'd'))
      addDiagnosis(d, enc, dx, testContext(DH, 'd'))
      addPrescription(d, enc, rx, testContext(DH, 'dd'))
    })
    const a = Automerge.merge(Automerge.clone(chc), dh)
    const b = Automerge.merge(Automerge.clone(dh), chc)
    sameDoc(a, b)
    expect(Object.keys(a.encounters)).toHaveLength(3)
    expect(Object.keys(a.encounters[enc]!.diagnoses)).toHaveLength(2)
    expect(Object.keys(a.encounters[enc]!.prescriptions)).toHaveLength(2)
    expect(openConflicts(a)).toEqual([])
  })

  it('keeps random ids apart even when both facilities add at once (no id source in the context)', () => {
    let [chc, dh] = twoReplicas()
    chc = Automerge.change(chc, d => {
      addAllergy(d, { substance: 'Penicillin', severity: 'severe' }, { facility: CHC, at: '2026-11-20T09:00:00Z' })
    })
    dh = Automerge.change(dh, d => {
      addAllergy(d, { substance: 'Sulfa drugs', severity: 'mild' }, { facility: DH, at: '2026-11-20T09:00:00Z' })
    })
    expect(
      Object.values(readPatient(Automerge.merge(chc, dh)).allergies)
        .map(a => a.substance)
        .sort()
    ).toEqual(['Penicillin', 'Sulfa drugs'])
  })
})

describe('M2: concurrent edits of one clinical value are listed as conflicts until resolved', () => {
  it('lists a concurrent dose change with the same winner on both sides, and a resolution clears it everywhere', () => {
    let enc = '' as EntryId
    let rx = '' as EntryId
    let [chc, dh] = twoReplicas(d => {
      enc = addEncounter(d, { complaints: ['fever'] }, testContext(CHC, 'o'))
      rx = addPrescription(
        d,
        enc,
        { drug: 'Paracetamol 500 mg tablet', dose: '500 mg', frequency: 'TDS', durationDays: 3, route: 'oral' },
        testContext(CHC, 'p')
      )
    })
    chc = Automerge.change(chc, d => setPrescriptionDose(d, enc, rx, '650 mg', testContext(CHC)))
    dh = Automerge.change(dh, d => setPrescriptionDose(d, enc, rx, '1 g', testContext(DH)))
    const a = Automerge.merge(Automerge.clone(chc), dh)
    const b = Automerge.merge(Automerge.clone(dh), chc)
    sameDoc(a, b)
    const conflicts = openConflicts(a)
    expect(conflicts).toEqual([
      {
        path: ['encounters', enc, 'prescriptions', rx, 'dose'],
        winner: readPatient(a).encounters[enc]!.prescriptions[rx]!.dose,
        others: [expect.any(String)]
      }
    ])
    expect([conflicts[0]!.winner, ...conflicts[0]!.others].sort()).toEqual(['1 g', '650 mg'])
    expect(openConflicts(b)).toEqual(conflicts)

    const ctx = testContext(DH, 'res')
    const resolved = Automerge.change(b, d => {
      resolveConflict(d, conflicts[0]!, '650 mg', ctx)
    })
    expect(readPatient(resolved).encounters[enc]!.prescriptions[rx]!.dose).toBe('650 mg')
    expect(openConflicts(resolved)).toEqual([])
    expect(Object.values(readPatient(resolved).resolutions)).toEqual([
      { path: `encounters/${enc}/prescriptions/${rx}/dose`, chosen: '650 mg', at: ctx.at, by: DH }
    ])
    // The CHC receives the resolution: the conflict is gone there too.
    expect(openConflicts(Automerge.merge(a, resolved))).toEqual([])
  })

  it('lists concurrent allergy severity changes, concurrent lab results and concurrent ABHA links', () => {
    let al = '' as EntryId
    let enc = '' as EntryId
    let lab = '' as EntryId
    let [chc, dh] = twoReplicas(d => {
      al = addAllergy(d, { substance: 'Chloroquine', severity: 'mild' }, testContext(CHC, 'o'))
      enc = addEncounter(d, { complaints: ['fever'] }, testContext(CHC, 'e'))
      lab = orderLab(
        d,
        enc,
        { test: { system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' } },
        testContext(CHC, 'l')
      )
    })
    chc = Automerge.change(chc, d => {
      setAllergySeverity(d, al, 'moderate', testContext(CHC))
      recordLabResult(d, enc, lab, { value: '7.1', unit: 'g/dL' }, testContext(CHC))
      linkAbha(d, { abhaNumber: withLuhn('9100000011111') }, testContext(CHC))
    })
    dh = Automerge.change(dh, d => {
      setAllergySeverity(d, al, 'severe', testContext(DH))
      recordLabResult(d, enc, lab, { value: '6.9', unit: 'g/dL' }, testContext(DH))
      linkAbha(d, { abhaNumber: withLuhn('9100000022222') }, testContext(DH))
    })
    const merged = Automerge.merge(chc, dh)
    const paths = openConflicts(merged)
      .map(c => c.path.join('/'))
      .sort()
    expect(paths).toEqual(
      [`allergies/${al}/severity`, `encounters/${enc}/labOrders/${lab}/result`, 'identifiers/abhaNumber'].sort()
    )
    const labConflict = openConflicts(merged).find(c => c.path.includes(lab))!
    const chosen = [labConflict.winner, ...labConflict.others].find(v => typeof v === 'object' && v.value === '6.9')!
    const after = Automerge.change(merged, d => {
      resolveConflict(d, labConflict, chosen, testContext(DH, 'x'))
    })
    expect(readPatient(after).encounters[enc]!.labOrders[lab]!.result!.value).toBe('6.9')
    expect(openConflicts(after).map(c => c.path.join('/'))).not.toContain(`encounters/${enc}/labOrders/${lab}/result`)
  })

  it('does not list concurrent writes of the same value', () => {
    let al = '' as EntryId
    let [chc, dh] = twoReplicas(d => {
      al = addAllergy(d, { substance: 'Chloroquine', severity: 'mild' }, testContext(CHC, 'o'))
    })
    chc = Automerge.change(chc, d => setAllergySeverity(d, al, 'severe', testContext(CHC)))
    dh = Automerge.change(dh, d => setAllergySeverity(d, al, 'severe', testContext(DH)))
    expect(openConflicts(Automerge.merge(chc, dh))).toEqual([])
  })

  it('refuses to resolve an unknown path or with an invalid value, changing nothing', () => {
    let al = '' as EntryId
    const [chc] = twoReplicas(d => {
      al = addAllergy(d, { substance: 'Chloroquine', severity: 'mild' }, testContext(CHC, 'o'))
    })
    expect(() =>
      Automerge.change(chc, d => {
        resolveConflict(d, { path: ['demographics', 'name'] }, 'x', testContext(CHC))
      })
    ).toThrow(expect.objectContaining({ name: 'UnknownConflictPathError' }))
    expect(() =>
      Automerge.change(chc, d => {
        resolveConflict(d, { path: ['allergies', 'missing', 'severity'] }, 'mild', testContext(CHC))
      })
    ).toThrow(expect.objectContaining({ name: 'UnknownConflictPathError' }))
    expect(() =>
      Automerge.change(chc, d => {
        resolveConflict(d, { path: ['allergies', al, 'severity'] }, 'fatal', testContext(CHC))
      })
    ).toThrow(expect.objectContaining({ name: 'InvalidRecordInputError' }))
  })
})

describe('M3: a referral status never goes backwards after a merge', () => {
  it('keeps the highest status when the DH accepted while an older copy only knew "received"', () => {
    let id = '' as EntryId
    const [chc, dh0] = twoReplicas(d => {
      id = createReferral(d, referralSlip(), testContext(CHC, 'f'))
    })
    const dhReceived = Automerge.change(dh0, d => advanceReferral(d, id, 'received', testContext(DH)))
    const stale = Automerge.merge(Automerge.clone(chc, { actor: 'e0'.repeat(16) }), dhReceived)
    const dhAccepted = Automerge.change(dhReceived, d => advanceReferral(d, id, 'accepted', testContext(DH)))
    for (const merged of [
      Automerge.merge(Automerge.clone(stale), dhAccepted),
      Automerge.merge(Automerge.clone(dhAccepted), stale)
    ]) {
      expect(currentStatus(merged.referrals[id]!)).toBe('accepted')
    }
  })

  it('converges on the higher status when two replicas advance the same referral concurrently', () => {
    let id = '' as EntryId
    const [a0, b0] = twoReplicas(d => {
      id = createReferral(d, referralSlip(), testContext(CHC, 'f'))
    })
    const a = Automerge.change(a0, d => advanceReferral(d, id, 'received', testContext(DH)))
    const b = Automerge.change(b0, d => advanceReferral(d, id, 'completed', testContext(DH)))
    const m1 = Automerge.merge(Automerge.clone(a), b)
    const m2 = Automerge.merge(Automerge.clone(b), a)
    sameDoc(m1, m2)
    expect(currentStatus(m1.referrals[id]!)).toBe('completed')
  })
})

describe('persistence', () => {
  it('Automerge.load(Automerge.save(doc)) gives back the same document', () => {
    let [chc, dh] = twoReplicas()
    chc = Automerge.change(chc, d => {
      addEncounter(d, feverEncounter(), testContext(CHC, 'c'))
      createReferral(d, referralSlip(), testContext(CHC, 'f'))
    })
    dh = Automerge.change(dh, d => {
      addAllergy(d, { substance: 'Penicillin', severity: 'severe' }, testContext(DH, 'a'))
    })
    const doc = Automerge.merge(chc, dh)
    const loaded = Automerge.load<PatientDoc>(Automerge.save(doc))
    sameDoc(loaded, doc)
    expect(Automerge.equals(loaded, doc)).toBe(true)
  })
})
