/**
 * Builders of the clinical FHIR resources of the projection, one per PatientDoc concept. Each takes
 * the bundle being built and returns the Reference to use (the parties: resources-parties.ts).
 */
import type {
  AllergyIntolerance,
  Condition,
  Encounter as FhirEncounter,
  MedicationRequest,
  Observation,
  Organization,
  Patient,
  Practitioner,
  Reference,
  ServiceRequest
} from '@medplum/fhirtypes'
import type {
  Allergy,
  Coding,
  Diagnosis,
  Encounter,
  EntryId,
  LabOrder,
  Prescription,
  Referral,
  Urgency
} from '../record/types.js'
import type { BundleBuilder } from './builder.js'
import { LAB_ORDER_SNOMED, LAB_PROCEDURE } from './terminology.js'
import {
  BLOOD_PRESSURE,
  DIAGNOSIS_USE,
  type FixedCode,
  LAB_ORDER_CATEGORY,
  REFERRAL,
  SYSTEM,
  VITAL_SIGNS,
  profileUrl
} from './constants.js'
import {
  addAuthor,
  addOrganization,
  addPractitioner,
  concept,
  entryIdentifier,
  facilityName,
  type ExportScope
} from './resources-parties.js'

const ENCOUNTER_CLASS = {
  opd: { code: 'AMB', display: 'ambulatory' },
  ipd: { code: 'IMP', display: 'inpatient encounter' },
  emergency: { code: 'EMER', display: 'emergency' }
} as const

/** A Condition for a coded diagnosis; `key` makes its uuid, `entry` (if any) is the Pagdandi entry id. */
export function addDiagnosisCondition(
  b: BundleBuilder,
  s: ExportScope,
  key: readonly string[],
  coding: Coding,
  certainty: Diagnosis['certainty'],
  at: string,
  patient: Reference<Patient>,
  encounter: Reference<FhirEncounter> | undefined,
  text?: string,
  entry?: EntryId
): Reference<Condition> {
  return b.add([s.patientId, 'Condition', ...key], (id): Condition => ({
    resourceType: 'Condition',
    id,
    meta: { profile: [profileUrl('Condition')] },
    ...(entry === undefined ? {} : { identifier: [entryIdentifier(entry)] }),
    clinicalStatus: { coding: [{ system: SYSTEM.conditionClinical, code: 'active', display: 'Active' }] },
    verificationStatus: {
      coding: [
        certainty === 'confirmed'
          ? { system: SYSTEM.conditionVerification, code: 'confirmed', display: 'Confirmed' }
          : { system: SYSTEM.conditionVerification, code: 'provisional', display: 'Provisional' }
      ]
    },
    code: concept(coding, text ?? coding.display),
    subject: patient,
    ...(encounter === undefined ? {} : { encounter }),
    recordedDate: at
  })).ref
}

/** A Condition for an encounter's diagnosis. */
export function addDiagnosis(
  b: BundleBuilder,
  s: ExportScope,
  e: Encounter,
  dx: Diagnosis,
  patient: Reference<Patient>,
  encounter: Reference<FhirEncounter>
): Reference<Condition> {
  return addDiagnosisCondition(b, s, [dx.id], dx.coding, dx.certainty, e.at, patient, encounter, dx.text, dx.id)
}

/** The Encounter; diagnoses hang off `Encounter.diagnosis` (OPConsultRecord has no diagnosis section). */
export function addEncounter(
  b: BundleBuilder,
  s: ExportScope,
  e: Encounter,
  patient: Reference<Patient>,
  opts: { synthesized?: boolean; diagnoses?: boolean } = {}
): Reference<FhirEncounter> {
  const withDiagnoses = opts.diagnoses ?? true
  const { resource, ref } = b.add([s.patientId, 'Encounter', e.id], (id): FhirEncounter => ({
    resourceType: 'Encounter',
    id,
    meta: { profile: [profileUrl('Encounter')] },
    identifier: [
      opts.synthesized === true ? { system: SYSTEM.pagdandiSynthesized, value: e.id } : entryIdentifier(e.id)
    ],
    status: 'finished',
    class: { system: SYSTEM.actCode, ...ENCOUNTER_CLASS[e.kind] },
    subject: patient,
    ...(e.practitioner === undefined ? {} : { participant: [{ individual: addPractitioner(b, s, e.practitioner) }] }),
    period: { start: e.at },
    serviceProvider: addOrganization(b, s, e.facility)
  }))
  if (withDiagnoses && resource.diagnosis === undefined) {
    const diagnosis = sorted(e.diagnoses).map(dx => ({
      condition: addDiagnosis(b, s, e, dx, patient, ref),
      use: { coding: [{ system: SYSTEM.snomed, ...DIAGNOSIS_USE[dx.certainty] }] }
    }))
    if (diagnosis.length > 0) resource.diagnosis = diagnosis
  }
  return ref
}

/** Values of an id-keyed map in a stable order (by id), so export is deterministic. */
export function sorted<T extends { id: string }>(m: Readonly<Record<string, T>>): T[] {
  return Object.values(m).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** A MedicationRequest for a prescription line. */
export function addPrescription(
  b: BundleBuilder,
  s: ExportScope,
  e: Encounter,
  rx: Prescription,
  patient: Reference<Patient>,
  encounter: Reference<FhirEncounter>
): Reference<MedicationRequest> {
  return b.add([s.patientId, 'MedicationRequest', rx.id], (id): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id,
    meta: { profile: [profileUrl('MedicationRequest')] },
    identifier: [entryIdentifier(rx.id)],
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: concept(rx.coding, rx.drug),
    subject: patient,
    encounter,
    authoredOn: e.at,
    requester: addAuthor(b, s, e),
    dosageInstruction: [
      {
        text: [rx.dose, rx.frequency, `${rx.durationDays} days`, rx.instructions]
          .filter(x => x !== undefined && x !== '')
          .join(', '),
        ...(rx.instructions === undefined ? {} : { patientInstruction: rx.instructions }),
        timing: {
          code: { text: rx.frequency },
          repeat: { boundsDuration: { value: rx.durationDays, unit: 'd', system: SYSTEM.ucum, code: 'd' } }
        },
        route: { text: rx.route },
        ...doseAndRate(rx.dose)
      }
    ]
  })).ref
}

/**
 * `500 mg` → a dose quantity, only when "number unit" reads back to exactly the same string; any other
 * dose ("1/2 tablet under 2 years") stays only at the head of the dosage text.
 */
function doseAndRate(dose: string): { doseAndRate?: [{ doseQuantity: { value: number; unit: string } }] } {
  const m = /^(\d+(?:\.\d+)?) ([A-Za-z].*)$/.exec(dose)
  if (m === null || `${Number(m[1])} ${m[2]}` !== dose) return {}
  return { doseAndRate: [{ doseQuantity: { value: Number(m[1]), unit: m[2]! } }] }
}

/** Vital-sign Observations of an encounter (LOINC; blood pressure as one panel). */
export function addVitals(
  b: BundleBuilder,
  s: ExportScope,
  e: Encounter,
  patient: Reference<Patient>,
  encounter: Reference<FhirEncounter>
): Reference<Observation>[] {
  const refs: Reference<Observation>[] = []
  const base = (code: { code: string; display: string }): Observation => ({
    resourceType: 'Observation',
    meta: { profile: [profileUrl('ObservationVitalSigns')] },
    status: 'final',
    category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'vital-signs', display: 'Vital Signs' }] }],
    code: { coding: [{ system: SYSTEM.loinc, ...code }], text: code.display },
    subject: patient,
    encounter,
    effectiveDateTime: e.at
  })
  const v = e.vitals
  if (v.systolic !== undefined || v.diastolic !== undefined) {
    refs.push(
      b.add([s.patientId, 'Observation', e.id, 'bp'], (id): Observation => ({
        ...base(BLOOD_PRESSURE.panel),
        id,
        component: (['systolic', 'diastolic'] as const)
          .filter(k => v[k] !== undefined)
          .map(k => ({
            code: {
              coding: [{ system: SYSTEM.loinc, code: BLOOD_PRESSURE[k].code, display: BLOOD_PRESSURE[k].display }]
            },
            valueQuantity: {
              value: v[k]!,
              unit: BLOOD_PRESSURE[k].unit,
              system: SYSTEM.ucum,
              code: BLOOD_PRESSURE[k].unit
            }
          }))
      })).ref
    )
  }
  for (const k of Object.keys(VITAL_SIGNS) as (keyof typeof VITAL_SIGNS)[]) {
    const value = v[k]
    if (value === undefined) continue
    const sign = VITAL_SIGNS[k]
    refs.push(
      b.add([s.patientId, 'Observation', e.id, k], (id): Observation => ({
        ...base({ code: sign.code, display: sign.display }),
        id,
        valueQuantity: { value, unit: sign.unit, system: SYSTEM.ucum, code: sign.unit }
      })).ref
    )
  }
  return refs
}

/** A chief complaint as a Condition with text only (complaints are the patient's words, uncoded). */
export function addComplaint(
  b: BundleBuilder,
  s: ExportScope,
  e: Encounter,
  index: number,
  text: string,
  patient: Reference<Patient>,
  encounter: Reference<FhirEncounter>
): Reference<Condition> {
  return b.add([s.patientId, 'Condition', e.id, 'complaint', String(index)], (id): Condition => ({
    resourceType: 'Condition',
    id,
    meta: { profile: [profileUrl('Condition')] },
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
    code: { text },
    subject: patient,
    encounter,
    recordedDate: e.at
  })).ref
}

/** A ServiceRequest for a lab order (LOINC test). */
export function addLabOrder(
  b: BundleBuilder,
  s: ExportScope,
  e: Encounter,
  order: LabOrder,
  patient: Reference<Patient>,
  encounter: Reference<FhirEncounter>
): Reference<ServiceRequest> {
  return b.add([s.patientId, 'ServiceRequest', order.id], (id): ServiceRequest => ({
    resourceType: 'ServiceRequest',
    id,
    meta: { profile: [profileUrl('ServiceRequest')] },
    identifier: [entryIdentifier(order.id)],
    status: order.result === undefined ? 'active' : 'completed',
    intent: 'order',
    category: [{ coding: [{ system: SYSTEM.snomed, ...LAB_ORDER_CATEGORY }] }],
    // The IG fixes ServiceRequest.code.coding.system to SNOMED CT; the record's LOINC test rides in orderDetail.
    code: { coding: [{ system: SYSTEM.snomed, ...orderCode(order.test) }], text: order.test.display },
    ...(order.test.system === SYSTEM.snomed ? {} : { orderDetail: [concept(order.test, order.test.display)] }),
    subject: patient,
    encounter,
    authoredOn: order.orderedAt,
    requester: addAuthor(b, s, e)
  })).ref
}

/** The SNOMED CT code of a lab order: the test itself if SNOMED, its mapped procedure, else "Laboratory procedure". */
function orderCode(test: Coding): FixedCode {
  if (test.system === SYSTEM.snomed) return { code: test.code, display: test.display }
  return (test.system === SYSTEM.loinc ? LAB_ORDER_SNOMED[test.code] : undefined) ?? LAB_PROCEDURE
}

/** An AllergyIntolerance (a negative assertion keeps its "no known allergy" code and has no reaction). */
export function addAllergy(
  b: BundleBuilder,
  s: ExportScope,
  a: Allergy,
  patient: Reference<Patient>
): Reference<AllergyIntolerance> {
  return b.add([s.patientId, 'AllergyIntolerance', a.id], (id): AllergyIntolerance => ({
    resourceType: 'AllergyIntolerance',
    id,
    meta: { profile: [profileUrl('AllergyIntolerance')] },
    identifier: [entryIdentifier(a.id)],
    clinicalStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
          code: 'active',
          display: 'Active'
        }
      ]
    },
    code: concept(a.coding, a.substance),
    patient,
    recordedDate: a.recordedAt,
    recorder: { identifier: { system: SYSTEM.hfr, value: a.by }, display: facilityName(s, a.by) },
    // A reaction only as recorded: an allergy with neither reaction nor severity gets no reaction element.
    ...(a.absent === true || (a.reaction === undefined && a.severity === undefined)
      ? {}
      : {
          reaction: [
            {
              manifestation: [{ text: a.reaction ?? 'unspecified' }],
              ...(a.severity === undefined ? {} : { severity: a.severity })
            }
          ]
        })
  })).ref
}

const PRIORITY: Record<Urgency, ServiceRequest['priority']> = {
  emergency: 'stat',
  urgent: 'urgent',
  routine: 'routine'
}
const TRANSPORT_DISPLAY = {
  108: '108 Sanjeevani Express',
  102: '102 Mahtari Express',
  own: 'Own or public transport'
} as const

/** Status of a referral ServiceRequest: `completed` once the receiver completed or back-referred. */
function referralStatus(r: Referral): ServiceRequest['status'] {
  return r.statusHistory.completed !== undefined || r.statusHistory['back-referred'] !== undefined
    ? 'completed'
    : 'active'
}

/**
 * A referral as a ServiceRequest (domain.md §4.3): performer is the receiving facility, the reason and
 * provisional diagnosis are coded, treatment given is a note and the transport an orderDetail.
 */
export function addReferral(
  b: BundleBuilder,
  s: ExportScope,
  r: Referral,
  patient: Reference<Patient>,
  requester: Reference<Practitioner | Organization>,
  encounter?: Reference<FhirEncounter>
): Reference<ServiceRequest> {
  return b.add([s.patientId, 'ServiceRequest', r.id], (id): ServiceRequest => ({
    resourceType: 'ServiceRequest',
    id,
    meta: { profile: [profileUrl('ServiceRequest')] },
    identifier: [entryIdentifier(r.id)],
    status: referralStatus(r),
    intent: 'order',
    category: [{ coding: [{ system: SYSTEM.snomed, ...REFERRAL.category }] }],
    code: { coding: [{ system: SYSTEM.snomed, ...REFERRAL.code }], text: 'Referral' },
    orderDetail: [
      {
        coding: [{ system: SYSTEM.pagdandiTransport, code: r.transport, display: TRANSPORT_DISPLAY[r.transport] }],
        text: TRANSPORT_DISPLAY[r.transport]
      }
    ],
    priority: PRIORITY[r.urgency],
    subject: patient,
    ...(encounter === undefined ? {} : { encounter }),
    authoredOn: r.createdAt,
    requester,
    performer: [addOrganization(b, s, r.to)],
    reasonCode: [{ text: r.reason }],
    reasonReference: [
      addDiagnosisCondition(
        b,
        s,
        [r.id, 'provisional'],
        r.provisionalDiagnosis,
        'provisional',
        r.createdAt,
        patient,
        undefined
      )
    ],
    note: [{ text: r.treatmentGiven }]
  })).ref
}
