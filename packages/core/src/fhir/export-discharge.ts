/**
 * The DischargeSummaryRecord the projection writes for a back-referral or a discharge summary.
 */
import type {
  Bundle,
  CarePlan,
  CompositionSection,
  Encounter as FhirEncounter,
  MedicationRequest,
  Procedure
} from '@medplum/fhirtypes'
import type { CareSummary } from '../record/types.js'
import { BundleBuilder } from './builder.js'
import { COMPOSITION_TYPE, DS_SECTION, SYSTEM, profileUrl } from './constants.js'
import { composition, section } from './export-document.js'
import { addDiagnosisCondition, addReferral } from './resources.js'
import { addOrganization, addPatient, entryIdentifier, type ExportScope } from './resources-parties.js'
import { careSummaryEncounterClass, DISCHARGE_DISPOSITION, FINAL_DIAGNOSIS_USE } from './summary.js'

function addDays(instant: string, days: number): string {
  return new Date(Date.parse(instant) + days * 86_400_000).toISOString()
}

/**
 * The DischargeSummaryRecord of a back-referral or discharge (domain.md §4.2–4.3): final diagnosis on
 * the Encounter, treatment as a Procedure, medicines to continue as MedicationRequests, and follow-up
 * advice, review date and red flags in a CarePlan naming the lower facility.
 */
export function careSummaryDoc(scope: ExportScope, cs: CareSummary): Bundle {
  const b = new BundleBuilder()
  const patient = addPatient(b, scope)
  const from = addOrganization(b, scope, cs.from)
  const to = addOrganization(b, scope, cs.to)
  const referral = cs.referralId === undefined ? undefined : scope.doc.referrals[cs.referralId]
  const referralRef =
    referral === undefined
      ? undefined
      : addReferral(b, scope, referral, patient, addOrganization(b, scope, referral.from))
  const encounter = b.add([scope.patientId, 'Encounter', cs.id], (id): FhirEncounter => ({
    resourceType: 'Encounter',
    id,
    meta: { profile: [profileUrl('Encounter')] },
    identifier: [{ system: SYSTEM.pagdandiSynthesized, value: cs.id }],
    status: 'finished',
    class: careSummaryEncounterClass(cs.kind),
    subject: patient,
    ...(referralRef === undefined ? {} : { basedOn: [referralRef] }),
    period: { end: cs.at },
    serviceProvider: from,
    hospitalization: {
      ...(referral === undefined ? {} : { origin: addOrganization(b, scope, referral.from) }),
      destination: to,
      dischargeDisposition: { coding: [DISCHARGE_DISPOSITION[cs.outcome]] }
    }
  }))
  const encounterRef = encounter.ref
  encounter.resource.diagnosis = [
    {
      condition: addDiagnosisCondition(
        b,
        scope,
        ['final', cs.id],
        cs.finalDiagnosis,
        'confirmed',
        cs.at,
        patient,
        encounterRef
      ),
      use: { coding: [{ system: SYSTEM.snomed, ...FINAL_DIAGNOSIS_USE }] }
    }
  ]
  const sections: CompositionSection[] = []
  const procedure = b.add([scope.patientId, 'Procedure', cs.id], (id): Procedure => ({
    resourceType: 'Procedure',
    id,
    meta: { profile: [profileUrl('Procedure')] },
    status: 'completed',
    code: { text: cs.treatmentGiven },
    subject: patient,
    encounter: encounterRef
  })).ref
  sections.push(section(DS_SECTION.procedures, 'Treatment given', [procedure]))
  const meds = cs.medicines.map(
    (m, i) =>
      b.add([scope.patientId, 'MedicationRequest', cs.id, String(i)], (id): MedicationRequest => ({
        resourceType: 'MedicationRequest',
        id,
        meta: { profile: [profileUrl('MedicationRequest')] },
        status: 'active',
        intent: 'plan',
        medicationCodeableConcept: { text: m },
        subject: patient,
        encounter: encounterRef,
        authoredOn: cs.at,
        requester: from,
        dosageInstruction: [{ text: m }]
      })).ref
  )
  if (meds.length > 0) sections.push(section(DS_SECTION.medications, 'Medicines to continue', meds))
  const plan = b.add([scope.patientId, 'CarePlan', cs.id], (id): CarePlan => ({
    resourceType: 'CarePlan',
    id,
    meta: { profile: [profileUrl('CarePlan')] },
    identifier: [entryIdentifier(cs.id)],
    status: 'active',
    intent: 'plan',
    title: cs.kind === 'back-referral' ? 'Back-referral advice' : 'Discharge advice',
    description: cs.followUpAdvice,
    subject: patient,
    encounter: encounterRef,
    period: { start: cs.at },
    author: from,
    activity: [
      {
        detail: {
          kind: 'Appointment',
          status: 'not-started',
          description: cs.followUpAdvice,
          performer: [to],
          ...(cs.reviewAfterDays === undefined
            ? {}
            : { scheduledPeriod: { start: addDays(cs.at, cs.reviewAfterDays) } })
        }
      }
    ],
    ...(cs.redFlags.length === 0 ? {} : { note: cs.redFlags.map(text => ({ text })) })
  })).ref
  sections.push(section(DS_SECTION.carePlan, 'Care plan', [plan]))
  return b.document(
    ['DischargeSummaryRecord', scope.patientId, cs.id],
    composition({
      kind: 'DischargeSummaryRecord',
      type: COMPOSITION_TYPE.dischargeSummary,
      title: cs.kind === 'back-referral' ? 'Back-referral summary' : 'Discharge summary',
      date: cs.at,
      subject: patient,
      author: from,
      custodian: from,
      encounter: encounterRef,
      section: sections
    }),
    cs.at
  )
}
