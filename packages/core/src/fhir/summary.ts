/**
 * The mapping tables shared by export and import of care summaries and standing alerts: outcome ↔
 * discharge disposition, summary kind ↔ encounter class. Kept in one place so the two directions
 * cannot drift apart.
 */
import type { Coding as FhirCoding, Condition, Patient, Reference } from '@medplum/fhirtypes'
import type { Alert, CareSummary } from '../record/types.js'
import type { BundleBuilder } from './builder.js'
import { SYSTEM, type FixedCode, profileUrl } from './constants.js'
import { concept, entryIdentifier, type ExportScope } from './resources-parties.js'

/** CareSummary.outcome → Encounter.hospitalization.dischargeDisposition (HL7 discharge-disposition). */
export const DISCHARGE_DISPOSITION: Record<CareSummary['outcome'], FhirCoding> = {
  improved: { system: SYSTEM.dischargeDisposition, code: 'home', display: 'Home' },
  'referred-onward': { system: SYSTEM.dischargeDisposition, code: 'other-hcf', display: 'Other healthcare facility' },
  lama: { system: SYSTEM.dischargeDisposition, code: 'aadvice', display: 'Left against advice' },
  died: { system: SYSTEM.dischargeDisposition, code: 'exp', display: 'Expired' }
}

/** The inverse of {@link DISCHARGE_DISPOSITION}; unknown codes (from other systems) read as `improved`. */
export function outcomeFromDisposition(code: string | undefined): CareSummary['outcome'] {
  for (const [outcome, c] of Object.entries(DISCHARGE_DISPOSITION))
    if (c.code === code) return outcome as CareSummary['outcome']
  return 'improved'
}

/** SNOMED DiagnosisUse for the final diagnosis of a summary. */
export const FINAL_DIAGNOSIS_USE: FixedCode = { code: '89100005', display: 'Final diagnosis (discharge)' }

/** A discharge closes an admission (IMP); a back-referral closes an outpatient episode (AMB). */
export function careSummaryEncounterClass(kind: CareSummary['kind']): FhirCoding {
  return kind === 'discharge'
    ? { system: SYSTEM.actCode, code: 'IMP', display: 'inpatient encounter' }
    : { system: SYSTEM.actCode, code: 'AMB', display: 'ambulatory' }
}

/** The inverse of {@link careSummaryEncounterClass}. */
export function careSummaryKind(classCode: string | undefined): CareSummary['kind'] {
  return classCode === 'IMP' ? 'discharge' : 'back-referral'
}

/** A standing alert (e.g. sickle cell disease) as a problem-list Condition in the MedicalHistory section. */
export function addAlert(
  b: BundleBuilder,
  s: ExportScope,
  a: Alert,
  patient: Reference<Patient>
): Reference<Condition> {
  return b.add([s.patientId, 'Condition', a.id], (id): Condition => ({
    resourceType: 'Condition',
    id,
    meta: { profile: [profileUrl('Condition')] },
    identifier: [entryIdentifier(a.id)],
    clinicalStatus: {
      coding: [
        a.active
          ? { system: SYSTEM.conditionClinical, code: 'active', display: 'Active' }
          : { system: SYSTEM.conditionClinical, code: 'inactive', display: 'Inactive' }
      ]
    },
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/condition-category',
            code: 'problem-list-item',
            display: 'Problem List Item'
          }
        ]
      }
    ],
    code: concept(a.coding, a.text),
    subject: patient,
    recordedDate: a.recordedAt,
    recorder: { identifier: { system: SYSTEM.hfr, value: a.by }, display: a.by }
  })).ref
}
