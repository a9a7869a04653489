import * as Automerge from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { addAlert, addAllergy, deactivateAlert, setAllergySeverity } from './allergies.js'
import { advanceReferral, createReferral, currentStatus, writeCareSummary } from './referral.js'
import { createPatientDoc } from './registration.js'
import { readPatient } from './strings.js'
import type { EntryId, PatientDoc } from './types.js'
import { CHC, DH, referralSlip, registration, testContext } from './test-fixtures.js'

const patient = (): Automerge.Doc<PatientDoc> => createPatientDoc(registration(), testContext(CHC, 'r'))

describe('allergies and alerts', () => {
  it('records an allergy, raises its severity, and rejects an unknown severity', () => {
    let id = '' as EntryId
    let doc = Automerge.change(patient(), d => {
      id = addAllergy(
        d,
        { substance: 'Sulfadoxine-pyrimethamine', reaction: 'rash', severity: 'mild' },
        testContext(CHC)
      )
    })
    doc = Automerge.change(doc, d => setAllergySeverity(d, id, 'severe', testContext(DH)))
    expect(readPatient(doc).allergies[id]).toMatchObject({
      substance: 'Sulfadoxine-pyrimethamine',
      severity: 'severe',
      by: CHC
    })
    expect(() => Automerge.change(doc, d => setAllergySeverity(d, id, 'fatal' as never, testContext(DH)))).toThrow(
      expect.objectContaining({ name: 'InvalidRecordInputError' })
    )
    expect(() =>
      Automerge.change(doc, d => addAllergy(d, { substance: '', severity: 'mild' }, testContext(DH)))
    ).toThrow(expect.objectContaining({ name: 'InvalidRecordInputError' }))
  })

  it('adds an alert and deactivates it, keeping it for history', () => {
    let id = '' as EntryId
    let doc = Automerge.change(patient(), d => {
      id = addAlert(
        d,
        {
          text: 'Sickle cell disease',
          coding: {
            system: 'http://snomed.info/sct',
            code: '417357006',
            display: 'Sickling disorder due to hemoglobin S'
          }
        },
        testContext(CHC)
      )
    })
    expect(doc.alerts[id]!.active).toBe(true)
    doc = Automerge.change(doc, d => deactivateAlert(d, id, testContext(DH)))
    expect(readPatient(doc).alerts[id]).toMatchObject({ text: 'Sickle cell disease', active: false })
    expect(() => Automerge.change(doc, d => deactivateAlert(d, 'zz' as EntryId, testContext(DH)))).toThrow(
      expect.objectContaining({ name: 'EntryNotFoundError' })
    )
  })
})

describe('referrals', () => {
  const referred = (): { doc: Automerge.Doc<PatientDoc>; id: EntryId } => {
    let id = '' as EntryId
    const doc = Automerge.change(patient(), d => {
      id = createReferral(d, referralSlip(), testContext(CHC))
    })
    return { doc, id }
  }

  it('creates a referral slip with status sent', () => {
    const { doc, id } = referred()
    const r = readPatient(doc).referrals[id]!
    expect(r).toMatchObject({
      from: CHC,
      to: DH,
      urgency: 'urgent',
      transport: '108',
      provisionalDiagnosis: { code: 'D64.9' }
    })
    expect(currentStatus(r)).toBe('sent')
  })

  it.each([
    ['a referral to itself', { to: CHC }, 'InvalidRecordInputError'],
    ['a malformed HFR id', { to: 'DH-Jagdalpur' }, 'InvalidHfrIdError'],
    ['an unknown transport', { transport: 'bus' }, 'InvalidRecordInputError'],
    ['an unknown urgency', { urgency: 'asap' }, 'InvalidRecordInputError'],
    ['an encounter that does not exist', { encounterId: 'nope' }, 'EntryNotFoundError'],
    [
      'a LOINC provisional diagnosis',
      { provisionalDiagnosis: { system: 'http://loinc.org', code: '718-7', display: 'Hb' } },
      'InvalidCodeError'
    ]
  ])('rejects %s', (_what, overrides, name) => {
    expect(() =>
      Automerge.change(patient(), d => createReferral(d, referralSlip(overrides as never), testContext(CHC)))
    ).toThrow(expect.objectContaining({ name }))
  })

  it('moves sent → received → accepted → completed at the receiving facility, keeping each event', () => {
    let { doc, id } = referred()
    for (const s of ['received', 'accepted', 'completed'] as const) {
      doc = Automerge.change(doc, d =>
        advanceReferral(d, id, s, testContext(DH), s === 'received' ? 'arrived by 108, stable' : undefined)
      )
      expect(currentStatus(doc.referrals[id]!)).toBe(s)
    }
    expect(Object.keys(doc.referrals[id]!.statusHistory).sort()).toEqual(['accepted', 'completed', 'received', 'sent'])
    expect(readPatient(doc).referrals[id]!.statusHistory.received!.note).toBe('arrived by 108, stable')
  })

  it('refuses to move a referral backwards, to repeat a status, or to be advanced by the referring facility', () => {
    let { doc, id } = referred()
    doc = Automerge.change(doc, d => advanceReferral(d, id, 'accepted', testContext(DH)))
    for (const s of ['received', 'accepted', 'sent'] as const) {
      expect(() => Automerge.change(doc, d => advanceReferral(d, id, s, testContext(DH)))).toThrow(
        expect.objectContaining({ name: 'InvalidReferralTransitionError' })
      )
    }
    expect(() => Automerge.change(doc, d => advanceReferral(d, id, 'completed', testContext(CHC)))).toThrow(
      expect.objectContaining({ name: 'InvalidReferralTransitionError' })
    )
  })

  it('writes a back-referral summary that marks the referral back-referred', () => {
    let { doc, id } = referred()
    let summary = '' as EntryId
    doc = Automerge.change(doc, d => {
      advanceReferral(d, id, 'accepted', testContext(DH))
      summary = writeCareSummary(
        d,
        {
          kind: 'back-referral',
          referralId: id,
          to: CHC,
          finalDiagnosis: {
            system: 'http://hl7.org/fhir/sid/icd-10',
            code: 'D57.1',
            display: 'Sickle-cell disease without crisis'
          },
          treatmentGiven: '2 units PRBC',
          outcome: 'improved',
          followUpAdvice: 'Folic acid daily; review Hb',
          medicines: ['Folic acid 5 mg daily'],
          reviewAfterDays: 30,
          redFlags: ['fever', 'breathlessness']
        },
        testContext(DH)
      )
    })
    expect(readPatient(doc).summaries[summary]).toMatchObject({
      kind: 'back-referral',
      from: DH,
      to: CHC,
      reviewAfterDays: 30
    })
    expect(currentStatus(doc.referrals[id]!)).toBe('back-referred')
  })

  it('refuses a care summary from a facility that did not receive the referral', () => {
    const { doc, id } = referred()
    expect(() =>
      Automerge.change(doc, d =>
        writeCareSummary(
          d,
          {
            kind: 'discharge',
            referralId: id,
            to: DH,
            finalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia' },
            treatmentGiven: 'x',
            outcome: 'improved',
            followUpAdvice: 'x'
          },
          testContext(CHC)
        )
      )
    ).toThrow(expect.objectContaining({ name: 'InvalidReferralTransitionError' }))
  })
})
