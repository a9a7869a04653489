import * as Automerge from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import {
  addDiagnosis,
  addEncounter,
  addPrescription,
  dispense,
  orderLab,
  recordLabResult,
  setPrescriptionDose
} from './encounter.js'
import { createPatientDoc, newPatientDoc } from './registration.js'
import { readPatient } from './strings.js'
import type { EntryId, PatientDoc } from './types.js'
import { CHC, DH, feverEncounter, registration, testContext } from './test-fixtures.js'

const patient = (): Automerge.Doc<PatientDoc> => createPatientDoc(registration(), testContext(CHC, 'r'))

describe('addEncounter', () => {
  it('records an OPD visit with complaints, vitals, diagnosis, prescription and lab order', () => {
    const ctx = testContext(CHC)
    let id = '' as EntryId
    const doc = Automerge.change(patient(), d => {
      id = addEncounter(d, feverEncounter(), ctx)
    })
    const enc = readPatient(doc).encounters[id]!
    expect(enc).toMatchObject({
      kind: 'opd',
      facility: CHC,
      complaints: ['fever 3 days', 'chills'],
      vitals: { temperature: 39.2 }
    })
    expect(Object.values(enc.diagnoses)).toEqual([
      expect.objectContaining({
        text: 'Pf malaria, RDT positive',
        certainty: 'provisional',
        coding: expect.objectContaining({ code: 'B50.9' })
      })
    ])
    expect(Object.values(enc.prescriptions)).toHaveLength(1)
    expect(Object.values(enc.labOrders)).toEqual([
      expect.objectContaining({ test: expect.objectContaining({ code: '32700-7' }), orderedAt: ctx.at })
    ])
    expect(ctx.warnings).toEqual([])
  })

  it.each([
    ['a temperature in °F', { vitals: { temperature: 101 } }, 'VitalOutOfRangeError'],
    [
      'a diagnosis coded in LOINC',
      { diagnoses: [{ coding: { system: 'http://loinc.org', code: '718-7', display: 'Hb' }, text: 'x' }] },
      'InvalidCodeError'
    ],
    [
      'a malformed ICD-10 code',
      { diagnoses: [{ coding: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B509', display: 'x' }, text: 'x' }] },
      'InvalidCodeError'
    ],
    [
      'a prescription of 0 days',
      {
        prescriptions: [
          { drug: 'ORS', dose: '1 sachet', frequency: 'after each stool', durationDays: 0, route: 'oral' }
        ]
      },
      'InvalidRecordInputError'
    ],
    ['a malformed HPR id', { practitioner: '12' }, 'InvalidHprIdError'],
    ['complaints that are not a list', { complaints: 'fever' }, 'InvalidRecordInputError']
  ])('rejects %s and leaves the record untouched', (_what, overrides, name) => {
    // A plain object, not a proxy: any write before the throw would be visible here.
    const plain = newPatientDoc(registration(), testContext(CHC, 'r'))
    const before = JSON.stringify(plain)
    expect(() => addEncounter(plain, { ...feverEncounter(), ...overrides } as never, testContext(CHC))).toThrow(
      expect.objectContaining({ name })
    )
    expect(JSON.stringify(plain)).toBe(before)
  })
})

describe('changes inside an encounter', () => {
  const ctx = testContext(CHC)
  let enc = '' as EntryId
  const origin = Automerge.change(patient(), d => {
    enc = addEncounter(d, { complaints: ['cough 3 weeks'] }, ctx)
  })
  // An Automerge document can be changed once; each test works on its own copy.
  const doc0 = (): Automerge.Doc<PatientDoc> => Automerge.clone(origin)

  it('adds a diagnosis and a prescription, changes the dose, and dispenses', () => {
    let rx = '' as EntryId
    let disp = '' as EntryId
    const doc = Automerge.change(doc0(), d => {
      addDiagnosis(
        d,
        enc,
        {
          coding: { system: 'http://snomed.info/sct', code: '154283005', display: 'Pulmonary tuberculosis' },
          text: 'Presumptive TB',
          certainty: 'provisional'
        },
        ctx
      )
      rx = addPrescription(
        d,
        enc,
        { drug: 'Paracetamol 500 mg tablet', dose: '500 mg', frequency: 'TDS', durationDays: 3, route: 'oral' },
        ctx
      )
      setPrescriptionDose(d, enc, rx, '650 mg', ctx)
      disp = dispense(d, enc, rx, 9, ctx)
    })
    const e = readPatient(doc).encounters[enc]!
    expect(Object.values(e.diagnoses)[0]).toMatchObject({ text: 'Presumptive TB' })
    expect(e.prescriptions[rx]!.dose).toBe('650 mg')
    expect(e.dispensing[disp]).toMatchObject({ prescriptionId: rx, quantity: 9, by: CHC })
  })

  it('orders a lab test and records its result', () => {
    let lab = '' as EntryId
    const doc = Automerge.change(doc0(), d => {
      lab = orderLab(d, enc, { test: { system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' } }, ctx)
      recordLabResult(d, enc, lab, { value: '6.8', unit: 'g/dL', interpretation: 'abnormal' }, testContext(DH))
    })
    expect(readPatient(doc).encounters[enc]!.labOrders[lab]!.result).toMatchObject({
      value: '6.8',
      unit: 'g/dL',
      interpretation: 'abnormal',
      by: DH
    })
  })

  it('names the missing entry when an id is unknown', () => {
    const missing = 'nope' as EntryId
    expect(() =>
      Automerge.change(doc0(), d =>
        addDiagnosis(
          d,
          missing,
          { coding: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'A15', display: 'TB' }, text: 'TB' },
          ctx
        )
      )
    ).toThrow(expect.objectContaining({ name: 'EntryNotFoundError', message: 'encounter nope not found' }))
    expect(() => Automerge.change(doc0(), d => setPrescriptionDose(d, enc, missing, '1 tab', ctx))).toThrow(
      expect.objectContaining({ name: 'EntryNotFoundError' })
    )
    expect(() => Automerge.change(doc0(), d => dispense(d, enc, missing, 1, ctx))).toThrow(
      expect.objectContaining({ name: 'EntryNotFoundError' })
    )
    expect(() => Automerge.change(doc0(), d => recordLabResult(d, enc, missing, { value: '1' }, ctx))).toThrow(
      expect.objectContaining({ name: 'EntryNotFoundError' })
    )
  })

  it('rejects bad doses, quantities and lab codes', () => {
    expect(() =>
      Automerge.change(doc0(), d =>
        orderLab(d, enc, { test: { system: 'http://snomed.info/sct', code: '61462000', display: 'x' } }, ctx)
      )
    ).toThrow(expect.objectContaining({ name: 'InvalidCodeError' }))
    expect(() =>
      Automerge.change(doc0(), d => {
        const rx = addPrescription(
          d,
          enc,
          { drug: 'ORS', dose: '1 sachet', frequency: 'after each stool', durationDays: 2, route: 'oral' },
          ctx
        )
        dispense(d, enc, rx, -1, ctx)
      })
    ).toThrow(expect.objectContaining({ name: 'InvalidRecordInputError' }))
  })

  it('uses random base58 ids when the context gives no id source', () => {
    let id = ''
    Automerge.change(doc0(), d => {
      id = addEncounter(d, { complaints: ['headache'] }, { facility: CHC, at: '2026-11-20T10:00:00Z' })
    })
    expect(id).toMatch(/^[1-9A-HJ-NP-Za-km-z]{10,20}$/)
  })
})
