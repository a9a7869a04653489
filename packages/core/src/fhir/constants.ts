/**
 * Fixed values of the NRCeS ABDM FHIR implementation guide that this module writes and checks.
 *
 * One IG version is pinned: 6.5.0 (its profiles carry `^version = "6.0.0"`). Every code below is the
 * `(exactly)` value of the IG's FSH source; a change of IG version means reviewing this file and the
 * profile table in `profiles.ts` together.
 */

/** The NRCeS IG release the projection targets and the validator checks. */
export const ABDM_IG_VERSION = '6.5.0'
/** Canonical base of the IG's profiles. */
export const ABDM_IG_CANONICAL = 'https://nrces.in/ndhm/fhir/r4'
/** FHIR release of the IG. */
export const FHIR_VERSION = '4.0.1'

/** Canonical URL of an IG StructureDefinition, for `meta.profile`. */
export function profileUrl(id: string): string {
  return `${ABDM_IG_CANONICAL}/StructureDefinition/${id}`
}

/** Code systems and identifier systems used in the bundles. */
export const SYSTEM = {
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  ucum: 'http://unitsofmeasure.org',
  v20203: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  confidentiality: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  dischargeDisposition: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  observationInterpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  ndhmIdentifierType: `${ABDM_IG_CANONICAL}/CodeSystem/ndhm-identifier-type-code`,
  /** ABHA number and ABHA address (IG example Patient). */
  abha: 'https://healthid.ndhm.gov.in',
  /** HFR facility ids (IG example Organization). */
  hfr: 'https://facility.ndhm.gov.in',
  /** HPR professional ids (IG example Practitioner). */
  hpr: 'https://doctor.ndhm.gov.in',
  /**
   * Pagdandi's own entry ids, carried as a secondary identifier so that an exported bundle imports
   * back onto the same entries (idempotent merge). Not an ABDM system: other systems ignore it.
   */
  pagdandiEntry: 'urn:pagdandi:entry-id',
  /** Marks a resource the projection had to invent (e.g. the Encounter of a referral made outside a visit). */
  pagdandiSynthesized: 'urn:pagdandi:synthesized',
  /** Referral transport (108 / 102 / own): ABDM defines no element for it (domain.md §4.3). */
  pagdandiTransport: 'urn:pagdandi:referral-transport'
} as const

/**
 * Every identifier system the IG and ABDM deployments use for ABHA, HFR and HPR ids. The IG's
 * examples use the `ndhm.gov.in` hosts; real bundles also carry the `abdm.gov.in` ones. We write the
 * first of each list and accept all of them (http or https, with or without a trailing slash).
 */
export const IDENTIFIER_SYSTEMS = {
  abha: ['https://healthid.ndhm.gov.in', 'https://healthid.abdm.gov.in', 'https://abha.abdm.gov.in'],
  hfr: ['https://facility.ndhm.gov.in', 'https://facility.abdm.gov.in', 'https://hfr.abdm.gov.in'],
  hpr: ['https://doctor.ndhm.gov.in', 'https://nhpr.abdm.gov.in', 'https://hpr.abdm.gov.in']
} as const

/** Whether `system` is one of the ABHA, HFR or HPR identifier systems. */
export function isIdentifierSystem(kind: keyof typeof IDENTIFIER_SYSTEMS, system: unknown): boolean {
  if (typeof system !== 'string') return false
  const s = system.replace(/^http:/, 'https:').replace(/\/+$/, '')
  return (IDENTIFIER_SYSTEMS[kind] as readonly string[]).includes(s)
}

/** The facility-local UHID system: one per HFR facility, since a UHID is unique only inside it. */
export function uhidSystem(hfrId: string): string {
  return `${SYSTEM.hfr}/${hfrId}/uhid`
}

/** A SNOMED CT concept as the IG fixes it: code plus the exact display. */
export interface FixedCode {
  readonly code: string
  readonly display: string
}

/** Composition.type codes of the document profiles (IG §2.1). */
export const COMPOSITION_TYPE = {
  opConsult: { code: '371530004', display: 'Clinical consultation report' },
  prescription: { code: '440545006', display: 'Prescription record' },
  diagnosticReport: { code: '721981007', display: 'Diagnostic studies report' },
  dischargeSummary: { code: '373942005', display: 'Discharge summary' },
  immunization: { code: '41000179103', display: 'Immunization record' },
  healthDocument: { code: '419891008', display: 'Record artifact' }
} as const satisfies Record<string, FixedCode>

/** Section codes of OPConsultRecord (slicing on code.coding.code, openAtEnd). */
export const OP_SECTION = {
  chiefComplaints: { code: '422843007', display: 'Chief complaint section' },
  physicalExamination: { code: '425044008', display: 'Physical exam section' },
  allergies: { code: '722446000', display: 'Allergy record' },
  medicalHistory: { code: '371529009', display: 'History and physical report' },
  familyHistory: { code: '422432008', display: 'Family history section' },
  investigationAdvice: { code: '721963009', display: 'Order document' },
  medications: { code: '721912009', display: 'Medication summary document' },
  followUp: { code: '390906007', display: 'Follow-up encounter' },
  procedure: { code: '371525003', display: 'Clinical procedure report' },
  referral: { code: '306206005', display: 'Referral to service' },
  otherObservations: { code: '404684003', display: 'Clinical finding' },
  documentReference: { code: '371530004', display: 'Clinical consultation report' }
} as const satisfies Record<string, FixedCode>

/** Section codes of DischargeSummaryRecord (slicing on code.coding.code, openAtEnd). */
export const DS_SECTION = {
  chiefComplaints: { code: '422843007', display: 'Chief complaint section' },
  physicalExamination: { code: '425044008', display: 'Physical exam section' },
  allergies: { code: '722446000', display: 'Allergy record' },
  medicalHistory: { code: '1003642006', display: 'Past medical history section' },
  familyHistory: { code: '422432008', display: 'Family history section' },
  investigations: { code: '721981007', display: 'Diagnostic studies report' },
  medications: { code: '1003606003', display: 'Medication history section' },
  procedures: { code: '1003640003', display: 'History of past procedure section' },
  carePlan: { code: '734163000', display: 'Care plan' },
  documentReference: { code: '373942005', display: 'Discharge summary' }
} as const satisfies Record<string, FixedCode>

/** The section of a DiagnosticReportRecord written by the projection (section code is free SNOMED). */
export const LAB_REPORT_SECTION: FixedCode = { code: '4241000179101', display: 'Laboratory report' }

/** Codes used on referral ServiceRequests (domain.md §4.3). */
export const REFERRAL = {
  category: { code: '3457005', display: 'Patient referral' },
  code: { code: '306206005', display: 'Referral to service' }
} as const satisfies Record<string, FixedCode>

/** Category of lab-order ServiceRequests. */
export const LAB_ORDER_CATEGORY: FixedCode = { code: '108252007', display: 'Laboratory procedure' }

/** SNOMED DiagnosisUse codes for Encounter.diagnosis.use. */
export const DIAGNOSIS_USE = {
  provisional: { code: '148006', display: 'Preliminary diagnosis' },
  confirmed: { code: '39154008', display: 'Clinical diagnosis' }
} as const satisfies Record<string, FixedCode>

/** Vital-sign LOINC codes and UCUM units (IG examples, domain.md §2.2). */
export const VITAL_SIGNS = {
  pulse: { code: '8867-4', display: 'Heart rate', unit: '/min' },
  temperature: { code: '8310-5', display: 'Body temperature', unit: 'Cel' },
  respiratoryRate: { code: '9279-1', display: 'Respiratory rate', unit: '/min' },
  spo2: { code: '2708-6', display: 'Oxygen saturation in Arterial blood', unit: '%' },
  weight: { code: '29463-7', display: 'Body weight', unit: 'kg' },
  height: { code: '8302-2', display: 'Body height', unit: 'cm' },
  muac: { code: '56072-2', display: 'Circumference Mid upper arm', unit: 'cm' }
} as const
/** Blood pressure panel and its two components. */
export const BLOOD_PRESSURE = {
  panel: { code: '85354-9', display: 'Blood pressure panel with all children optional' },
  systolic: { code: '8480-6', display: 'Systolic blood pressure', unit: 'mm[Hg]' },
  diastolic: { code: '8462-4', display: 'Diastolic blood pressure', unit: 'mm[Hg]' }
} as const
