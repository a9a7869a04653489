/**
 * Bundles as another ABDM system writes them, written for Pagdandi's tests after the patterns of the
 * NRCeS IG's examples (none of the IG's files are copied): `+05:30` times, `Type/id` references, the
 * `abdm.gov.in` identifier systems, SNOMED-coded orders, "no known allergy", a three-result lab report,
 * an imaging report with a PDF, a discharge summary, and the resources the record has no field for
 * (MedicationStatement, Procedure, Appointment, DocumentReference). The records a PHR app or a billing
 * desk shares are in foreign-records.ts. Every value is synthetic.
 */
import type { FixedCode } from './constants.js'
import { COMPOSITION_TYPE, DS_SECTION, OP_SECTION, SYSTEM, profileUrl } from './constants.js'

export type R = Record<string, unknown>

const V20203 = SYSTEM.v20203
export const sct = (code: string, display: string, text?: string): R => ({
  coding: [{ system: SYSTEM.snomed, code, display }],
  ...(text === undefined ? {} : { text })
})
export const loinc = (code: string, display: string): R => ({ coding: [{ system: SYSTEM.loinc, code, display }] })
export const ref = (r: R): R => ({ reference: `${String(r.resourceType)}/${String(r.id)}` })
const section = (code: FixedCode, title: string, entries: R[]): R => ({
  title,
  code: sct(code.code, code.display),
  entry: entries.map(ref)
})

/** A synthetic ABHA number (Luhn-valid) in the hyphenated form other systems send. */
export const FOREIGN_ABHA = '91-4452-7703-1180'
/** The sending hospital's HFR id, under the `facility.abdm.gov.in` system. */
export const FOREIGN_HFR = 'IN2210000777'
/** The treating doctor's HPR id, under `nhpr.abdm.gov.in`. */
export const FOREIGN_HPR = '71-2345-6789-0123'
/** A tiny synthetic "PDF" (base64), as a scanned report or discharge letter would be attached. */
export const PDF_BASE64 = 'JVBERi0xLjQKJSBzeW50aGV0aWMgcmVwb3J0CiUlRU9G'

export const patient: R = {
  resourceType: 'Patient',
  id: 'pat-1',
  identifier: [
    {
      type: { coding: [{ system: V20203, code: 'MR', display: 'Medical record number' }] },
      system: 'https://healthid.abdm.gov.in',
      value: FOREIGN_ABHA
    }
  ],
  name: [{ text: 'Sunita Kashyap' }],
  gender: 'female',
  birthDate: '1990-04-02'
}
export const practitioner: R = {
  resourceType: 'Practitioner',
  id: 'doc-1',
  identifier: [
    {
      type: { coding: [{ system: V20203, code: 'MD', display: 'Medical License number' }] },
      system: 'https://nhpr.abdm.gov.in',
      value: FOREIGN_HPR
    }
  ],
  name: [{ text: 'Dr. Kavita Sori' }]
}
export const organization: R = {
  resourceType: 'Organization',
  id: 'org-1',
  identifier: [
    {
      type: { coding: [{ system: V20203, code: 'PRN', display: 'Provider number' }] },
      system: 'https://facility.abdm.gov.in',
      value: FOREIGN_HFR
    }
  ],
  name: 'Private Hospital, Jagdalpur'
}

export function bundle(id: string, composition: R, resources: R[], timestamp: string): R {
  // Fresh copies: a test may break any resource without touching the next bundle.
  const all = JSON.parse(JSON.stringify([composition, patient, practitioner, organization, ...resources])) as R[]
  return {
    resourceType: 'Bundle',
    id,
    meta: { versionId: '1', lastUpdated: timestamp },
    identifier: { system: 'https://hospital.example.in/bundles', value: id },
    type: 'document',
    timestamp,
    entry: all.map(r => ({ fullUrl: `${String(r.resourceType)}/${String(r.id)}`, resource: r }))
  }
}

export function composition(id: string, type: R, title: string, date: string, sections: R[], encounter?: R): R {
  return {
    resourceType: 'Composition',
    id,
    status: 'final',
    type,
    subject: ref(patient),
    ...(encounter === undefined ? {} : { encounter: ref(encounter) }),
    date,
    author: [ref(practitioner)],
    title,
    custodian: ref(organization),
    section: sections
  }
}

/** An OPD consultation as a private hospital's HIS sends it. */
export function foreignOpConsult(): R {
  const dx: R = {
    resourceType: 'Condition',
    id: 'dx-1',
    clinicalStatus: { coding: [{ system: SYSTEM.conditionClinical, code: 'active', display: 'Active' }] },
    verificationStatus: {
      coding: [{ system: SYSTEM.conditionVerification, code: 'confirmed', display: 'Confirmed' }]
    },
    code: sct('62676009', 'Falciparum malaria'),
    subject: ref(patient)
  }
  const complaint: R = {
    resourceType: 'Condition',
    id: 'cc-1',
    code: sct('386661006', 'Fever', 'Fever for 3 days with chills'),
    subject: ref(patient)
  }
  // The IG's Encounter has no required subject: this one has none.
  const encounter: R = {
    resourceType: 'Encounter',
    id: 'enc-1',
    status: 'finished',
    class: { system: SYSTEM.actCode, code: 'AMB', display: 'ambulatory' },
    period: { start: '2026-11-20T10:15:00+05:30' },
    participant: [{ individual: ref(practitioner) }],
    serviceProvider: ref(organization),
    diagnosis: [{ condition: ref(dx), use: sct('39154008', 'Clinical diagnosis') }]
  }
  const nka: R = {
    resourceType: 'AllergyIntolerance',
    id: 'alg-1',
    clinicalStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
          code: 'active',
          display: 'Active'
        }
      ]
    },
    verificationStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
          code: 'confirmed',
          display: 'Confirmed'
        }
      ]
    },
    code: sct('716186003', 'No known allergy', 'NKA'),
    patient: ref(patient),
    recordedDate: '2026-11-20T10:20:00+05:30'
  }
  const order: R = {
    resourceType: 'ServiceRequest',
    id: 'sr-1',
    status: 'active',
    intent: 'order',
    category: [sct('108252007', 'Laboratory procedure')],
    code: sct('104142005', 'Hemoglobin determination'),
    subject: ref(patient),
    authoredOn: '2026-11-20T10:30:00+05:30',
    requester: ref(practitioner)
  }
  const rx: R = {
    resourceType: 'MedicationRequest',
    id: 'rx-1',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: sct('322236009', 'Paracetamol 500 mg oral tablet', 'Paracetamol 500 mg'),
    subject: ref(patient),
    authoredOn: '2026-11-20T10:35:00+05:30',
    requester: ref(practitioner),
    dosageInstruction: [
      {
        text: '1 tablet three times a day for a week',
        timing: {
          repeat: {
            frequency: 3,
            period: 1,
            periodUnit: 'd',
            boundsDuration: { value: 1, unit: 'wk', system: SYSTEM.ucum, code: 'wk' }
          }
        },
        route: sct('26643006', 'Oral route'),
        doseAndRate: [{ doseQuantity: { value: 1, unit: 'tablet' } }]
      }
    ]
  }
  const statement: R = {
    resourceType: 'MedicationStatement',
    id: 'ms-1',
    status: 'active',
    medicationCodeableConcept: sct('319283006', 'Amlodipine (as amlodipine besilate) 5 mg oral tablet'),
    subject: ref(patient)
  }
  const procedure: R = {
    resourceType: 'Procedure',
    id: 'proc-1',
    status: 'completed',
    code: sct('33747003', 'Glucose measurement, blood'),
    subject: ref(patient),
    performedDateTime: '2026-11-20T10:40:00+05:30'
  }
  const followUp: R = {
    resourceType: 'Appointment',
    id: 'apt-1',
    status: 'booked',
    start: '2026-11-27T10:00:00+05:30',
    end: '2026-11-27T10:15:00+05:30',
    participant: [{ actor: ref(patient), status: 'accepted' }]
  }
  const letter: R = {
    resourceType: 'DocumentReference',
    id: 'doc-ref-1',
    status: 'current',
    type: sct('371530004', 'Clinical consultation report'),
    subject: ref(patient),
    content: [{ attachment: { contentType: 'application/pdf', data: PDF_BASE64, title: 'OPD slip' } }]
  }
  const c = composition(
    'comp-op-1',
    sct(COMPOSITION_TYPE.opConsult.code, COMPOSITION_TYPE.opConsult.display),
    'Consultation Report',
    '2026-11-20T10:45:00+05:30',
    [
      section(OP_SECTION.chiefComplaints, 'Chief complaints', [complaint]),
      section(OP_SECTION.allergies, 'Allergies', [nka]),
      section(OP_SECTION.investigationAdvice, 'Investigation advice', [order]),
      section(OP_SECTION.medications, 'Medications', [rx, statement]),
      section(OP_SECTION.procedure, 'Procedure', [procedure]),
      section(OP_SECTION.followUp, 'Follow up', [followUp]),
      section(OP_SECTION.documentReference, 'Document reference', [letter])
    ],
    encounter
  )
  return bundle(
    'op-1',
    { ...c, meta: { profile: [profileUrl('OPConsultRecord')] } },
    [encounter, dx, complaint, nka, order, rx, statement, procedure, followUp, letter],
    '2026-11-20T10:45:00+05:30'
  )
}

export const observation = (id: string, code: R, value: number, unit: string): R => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code,
  subject: ref(patient),
  effectiveDateTime: '2026-11-20T12:00:00+05:30',
  issued: '2026-11-20T13:05:00.000+05:30',
  valueQuantity: { value, unit, system: SYSTEM.ucum, code: unit }
})

/** A blood count with three results, as a lab information system sends it. */
export function foreignLabReport(): R {
  const results = [
    observation('obs-hb', loinc('718-7', 'Hemoglobin [Mass/volume] in Blood'), 9.8, 'g/dL'),
    observation('obs-rbc', loinc('789-8', 'Erythrocytes [#/volume] in Blood by Automated count'), 3.9, '10*6/uL'),
    observation('obs-wbc', loinc('6690-2', 'Leukocytes [#/volume] in Blood by Automated count'), 11.2, '10*3/uL')
  ]
  const report: R = {
    resourceType: 'DiagnosticReport',
    id: 'dr-lab-1',
    meta: { profile: [profileUrl('DiagnosticReportLab')] },
    status: 'final',
    code: loinc('58410-2', 'CBC panel - Blood by Automated count'),
    subject: ref(patient),
    issued: '2026-11-20T13:10:00+05:30',
    performer: [ref(organization)],
    resultsInterpreter: [ref(practitioner)],
    result: results.map(ref),
    conclusion: 'Mild anaemia; leukocytosis.'
  }
  const c = composition(
    'comp-lab-1',
    sct(COMPOSITION_TYPE.diagnosticReport.code, COMPOSITION_TYPE.diagnosticReport.display),
    'Diagnostic Report - Hematology',
    '2026-11-20T13:15:00+05:30',
    [
      {
        title: 'Hematology report',
        code: sct('4321000179101', 'Hematology report'),
        entry: [{ ...ref(report), type: 'DiagnosticReport' }]
      }
    ]
  )
  return bundle('lab-1', c, [report, ...results], '2026-11-20T13:15:00+05:30')
}

/** A chest X-ray report with its PDF and the image as Media. */
export function foreignImagingReport(): R {
  const media: R = {
    resourceType: 'Media',
    id: 'media-1',
    status: 'completed',
    content: { contentType: 'image/jpeg', data: '/9j/4AAQSkZJRgABAQ==' }
  }
  const report: R = {
    resourceType: 'DiagnosticReport',
    id: 'dr-img-1',
    meta: { profile: [profileUrl('DiagnosticReportImaging')] },
    status: 'final',
    code: loinc('36643-5', 'XR Chest 2 Views'),
    subject: ref(patient),
    issued: '2026-11-21T09:30:00+05:30',
    resultsInterpreter: [ref(practitioner)],
    media: [{ link: ref(media) }],
    conclusion: 'Right lower lobe consolidation.',
    presentedForm: [{ contentType: 'application/pdf', data: PDF_BASE64, title: 'Chest X-ray report' }]
  }
  const c = composition(
    'comp-img-1',
    sct(COMPOSITION_TYPE.diagnosticReport.code, COMPOSITION_TYPE.diagnosticReport.display),
    'Diagnostic Report - Imaging',
    '2026-11-21T09:35:00+05:30',
    [
      {
        title: 'Imaging report',
        code: sct('4261000179100', 'Computed tomography imaging report'),
        entry: [{ ...ref(report), type: 'DiagnosticReport' }]
      }
    ]
  )
  return bundle('img-1', c, [report, media], '2026-11-21T09:35:00+05:30')
}

/** A discharge summary as other systems write it: the diagnosis as the chief complaint, no Encounter.diagnosis. */
export function foreignDischargeSummary(): R {
  const encounter: R = {
    resourceType: 'Encounter',
    id: 'enc-ipd-1',
    status: 'finished',
    class: { system: SYSTEM.actCode, code: 'IMP', display: 'inpatient encounter' },
    period: { start: '2026-11-10T09:00:00+05:30', end: '2026-11-15T11:00:00+05:30' },
    serviceProvider: ref(organization),
    hospitalization: {
      dischargeDisposition: {
        coding: [{ system: SYSTEM.dischargeDisposition, code: 'home', display: 'Home' }]
      }
    }
  }
  const dx: R = {
    resourceType: 'Condition',
    id: 'ds-dx-1',
    code: sct('62676009', 'Falciparum malaria', 'Severe falciparum malaria'),
    subject: ref(patient)
  }
  const treatment: R = {
    resourceType: 'Procedure',
    id: 'ds-proc-1',
    status: 'completed',
    code: sct('33747003', 'Glucose measurement, blood'),
    subject: ref(patient)
  }
  const c = composition(
    'comp-ds-1',
    sct(COMPOSITION_TYPE.dischargeSummary.code, COMPOSITION_TYPE.dischargeSummary.display),
    'Discharge Summary',
    '2026-11-15T11:30:00+05:30',
    [
      section(DS_SECTION.chiefComplaints, 'Chief complaints', [dx]),
      section(DS_SECTION.procedures, 'Procedures', [treatment])
    ],
    encounter
  )
  return bundle('ds-1', c, [encounter, dx, treatment], '2026-11-15T11:30:00+05:30')
}
