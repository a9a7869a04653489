/**
 * Fixtures for the FHIR tests: a hand-built patient document that touches every exported record kind,
 * synthetic patients from the seeded generator, and a view of a document's clinical content that a
 * FHIR round trip must preserve. Every value is synthetic.
 */
import type { Bundle } from '@medplum/fhirtypes'
import {
  addAlert,
  addAllergy,
  addEncounter,
  createReferral,
  newPatientDoc,
  readPatient,
  recordLabResult,
  writeCareSummary
} from '../record/index.js'
import type { ChangeContext, EntryId, FacilityId, PatientDoc, PatientId, PractitionerId } from '../record/index.js'
import { CHC, DH, feverEncounter, registration, withLuhn } from '../record/test-fixtures.js'
import { buildPatientDoc, generateFacilities, generatePatients } from '../synth/index.js'
import type { ExportScope } from './resources-parties.js'

export { CHC, DH }
/** A synthetic HPR id of the CHC's medical officer. */
export const MO = '71123456789012' as PractitionerId

function ctx(facility: FacilityId, at: string, prefix: string): ChangeContext {
  let n = 0
  return { facility, at, newId: () => `${prefix}${++n}` as EntryId }
}

/**
 * One patient with every kind of record: an OPD visit at the CHC (complaints, vitals, two diagnoses,
 * two prescriptions, a resulted smear and a pending Hb), an allergy, an alert, a referral to the DH
 * decided at the visit, a referral made outside any visit, and the DH's back-referral.
 */
export function handBuiltDoc(): PatientDoc {
  const abha = withLuhn('9112345678901')
  const d = newPatientDoc(
    registration({
      abhaNumber: abha,
      abhaAddress: 'sukmati.k@sbx',
      birth: { kind: 'approx-age', years: 34, asOf: '2026-10-30' }
    }),
    ctx(CHC, '2026-11-01T04:00:00.000Z', 'r')
  )
  addAllergy(
    d,
    { substance: 'Sulfonamide', reaction: 'rash', severity: 'moderate' },
    ctx(CHC, '2026-11-01T04:10:00.000Z', 'a')
  )
  addAlert(d, { text: 'Sickle cell trait' }, ctx(CHC, '2026-11-01T04:11:00.000Z', 'al'))
  const input = feverEncounter()
  input.practitioner = MO
  input.diagnoses!.push({
    coding: { system: 'http://snomed.info/sct', code: '271737000', display: 'Anemia' },
    text: 'pallor, suspected anaemia',
    certainty: 'provisional'
  })
  input.prescriptions!.push({
    drug: 'Paracetamol 500 mg tablet',
    coding: { system: 'http://snomed.info/sct', code: '322236009', display: 'Paracetamol 500 mg oral tablet' },
    dose: '1 tablet',
    frequency: 'three times a day',
    durationDays: 3,
    route: 'oral',
    instructions: 'after food'
  })
  input.labOrders!.push({
    test: { system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }
  })
  const enc = addEncounter(d, input, ctx(CHC, '2026-11-01T04:30:00.000Z', 'e'))
  const smear = Object.values(d.encounters[enc]!.labOrders).find(o => o.test.code === '32700-7')!
  recordLabResult(
    d,
    enc,
    smear.id,
    { value: 'P. falciparum seen', interpretation: 'positive' },
    ctx(CHC, '2026-11-01T05:30:00.000Z', 'l')
  )
  const hb = Object.values(d.encounters[enc]!.labOrders).find(o => o.test.code === '718-7')!
  recordLabResult(
    d,
    enc,
    hb.id,
    { value: '6.8', unit: 'g/dL', interpretation: 'abnormal' },
    ctx(CHC, '2026-11-01T05:40:00.000Z', 'm')
  )
  const ref = createReferral(
    d,
    {
      to: DH,
      encounterId: enc,
      reason: 'Severe anaemia with malaria, needs transfusion',
      urgency: 'urgent',
      provisionalDiagnosis: {
        system: 'http://hl7.org/fhir/sid/icd-10',
        code: 'D64.9',
        display: 'Anaemia, unspecified'
      },
      treatmentGiven: 'First dose of ACT given',
      transport: '108'
    },
    ctx(CHC, '2026-11-01T06:00:00.000Z', 'f')
  )
  createReferral(
    d,
    {
      to: DH,
      reason: 'Review of sickle cell status',
      urgency: 'routine',
      provisionalDiagnosis: { system: 'http://snomed.info/sct', code: '16402000', display: 'Sickle cell trait' },
      treatmentGiven: 'None',
      transport: 'own'
    },
    ctx(CHC, '2026-11-02T06:00:00.000Z', 'g')
  )
  writeCareSummary(
    d,
    {
      kind: 'back-referral',
      referralId: ref,
      to: CHC,
      finalDiagnosis: {
        system: 'http://hl7.org/fhir/sid/icd-10',
        code: 'B50.9',
        display: 'Plasmodium falciparum malaria, unspecified'
      },
      treatmentGiven: 'Inj. artesunate, 1 unit PRBC transfused',
      outcome: 'improved',
      followUpAdvice: 'Complete ACT course; iron and folic acid for 3 months',
      medicines: ['Ferrous sulphate 200 mg once daily', 'Folic acid 5 mg once daily'],
      reviewAfterDays: 14,
      redFlags: ['fever returns', 'breathlessness']
    },
    ctx(DH, '2026-11-04T08:00:00.000Z', 's')
  )
  return d
}

/** The export scope of a document, with names for the fixture facilities and practitioner. */
export function scopeOf(doc: PatientDoc, patientId = 'doc-handbuilt' as PatientId): ExportScope {
  return {
    doc,
    patientId,
    facilities: { [CHC]: { name: 'CHC Tokapal' }, [DH]: { name: 'District Hospital Jagdalpur' } },
    practitioners: { [MO]: { name: 'Dr. A. Netam' } }
  }
}

/** `count` synthetic patients' documents (plain objects), from the seeded generator. */
export function synthDocs(seed: number, count: number): { id: PatientId; doc: PatientDoc }[] {
  const facilities = generateFacilities(seed)
  return generatePatients({ seed, count, facilities }).map(p => ({
    id: `synth-${seed}-${p.key}` as PatientId,
    doc: readPatient(buildPatientDoc(p, { seed }))
  }))
}

/**
 * What a FHIR round trip must preserve: every encounter's clinical content, allergies, alerts,
 * referrals (without their workflow history) and summaries. Dispensing and free-text notes are not
 * part of any IG document we write and are left out on purpose.
 */
export function clinicalContent(doc: PatientDoc): unknown {
  const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const encounters = Object.values(doc.encounters)
    .sort(byId)
    .map(e => ({
      id: e.id,
      kind: e.kind,
      facility: e.facility,
      practitioner: e.practitioner,
      at: e.at,
      complaints: e.complaints,
      vitals: e.vitals,
      diagnoses: e.diagnoses,
      prescriptions: e.prescriptions,
      labOrders: e.labOrders
    }))
  const referrals = Object.values(doc.referrals)
    .sort(byId)
    .map(r => ({ ...r, statusHistory: undefined }))
  return normalise({
    encounters,
    allergies: doc.allergies,
    alerts: doc.alerts,
    referrals,
    summaries: doc.summaries,
    abhaNumber: doc.identifiers.abhaNumber,
    abhaAddress: doc.identifiers.abhaAddress,
    uhid: doc.identifiers.uhid
  })
}

/**
 * Deep copy with object keys sorted and undefined dropped, so deep equality ignores key order.
 * Authorship (`author`, `practitionerName`) is provenance, not content: an import knows the
 * practitioner's name and HPR id, never the local staff account, so it is left out of the comparison.
 */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise)
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) {
      if (k === 'author' || k === 'practitionerName') continue
      const x = (v as Record<string, unknown>)[k]
      if (x !== undefined) out[k] = normalise(x)
    }
    return out
  }
  return v
}

/** A deep copy of a bundle to break by hand. */
export function copy(b: Bundle): Bundle & { entry: NonNullable<Bundle['entry']> } {
  return JSON.parse(JSON.stringify(b)) as Bundle & { entry: NonNullable<Bundle['entry']> }
}
