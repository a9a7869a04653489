/**
 * Inputs of the record change functions: what a clinician, the synthetic generator, the FHIR importer
 * or the node's HTTP API supplies. Ids, timestamps and authorship come from the ChangeContext, never
 * from the input, so that an input can be replayed at another facility without forging authorship.
 */
import type {
  Author,
  BirthInfo,
  Coding,
  EntryId,
  FacilityId,
  IsoInstant,
  PatientId,
  PractitionerId,
  Severity,
  Sex,
  Transport,
  Urgency,
  Vitals,
  CareSummary,
  Diagnosis,
  Encounter,
  LabResult
} from './types.js'
import type { RecordWarning } from './validate-ids.js'

/** Who is changing the document, when, and (optionally) how new entry ids are made. */
export interface ChangeContext {
  /** HFR id of the facility making the change. */
  facility: FacilityId
  /** Wall-clock time of the change; display metadata only, never used to order merges. */
  at: IsoInstant
  /**
   * The signed-in staff member making the change. Entries carry it as `author`; the node seals it
   * with the change so that other facilities can verify it (docs/PROTOCOL.md, provenance).
   */
  by?: Author
  /** Deterministic id source for tests and the synthetic generator; random ids otherwise. */
  newId?: () => EntryId
  /** Receives soft findings (e.g. an ABHA number failing its Luhn check) that were accepted but need review. */
  onWarning?: (warning: RecordWarning) => void
}

/**
 * An input as it arrives from outside (an HTTP body, a file): the fields of `T`, each of any value.
 * The change functions take this and check every field they read, so a typed `T` and a parsed
 * body both fit, and neither needs a cast.
 */
export type Unchecked<T> = { readonly [K in keyof T]?: unknown }

/** A new patient's registration at a facility. */
export interface RegistrationInput {
  name: string
  nameVariants?: string[]
  sex: Sex
  /** `{ kind: 'unknown' }` only when nobody knows even an approximate age (an imported record gave none). */
  birth: BirthInfo
  /**
   * Where the patient lives. Absent only for a patient known from an imported record that gave no
   * address (the HTTP registration, the CLI and the UI form require all three).
   */
  village?: string
  block?: string
  district?: string
  pin?: string
  /** Indian mobile number, 10 digits (an optional +91 / 0 prefix is stripped). */
  phone?: string
  guardian?: { name: string; relation: string }
  /**
   * The registering facility's local UHID (NIC e-Hospital); absent only for a patient known from an
   * imported record that gave none.
   */
  uhid?: string
  /** 14 digits, with or without hyphens (`91-1234-5678-9012`). */
  abhaNumber?: string
  /** `handle@abdm` or `handle@sbx`. */
  abhaAddress?: string
}

/** Linking an ABHA number and/or address to an existing record. At least one must be given. */
export interface AbhaLinkInput {
  abhaNumber?: string
  abhaAddress?: string
}

/** A diagnosis: a SNOMED CT or ICD-10 coding plus the clinician's own words. */
export interface DiagnosisInput {
  coding: Coding
  text: string
  certainty?: Diagnosis['certainty']
}

/** A prescription line. */
export interface PrescriptionInput {
  drug: string
  coding?: Coding
  dose: string
  frequency: string
  durationDays: number
  route: string
  instructions?: string
}

/** A lab test order (LOINC coding). */
export interface LabOrderInput {
  test: Coding
}

/** A lab result for an existing order. resultedAt and by come from the ChangeContext. */
export interface LabResultInput {
  value: string
  unit?: string
  interpretation?: LabResult['interpretation']
}

/** An encounter (OPD visit by default); diagnoses and prescriptions may be added with it or later. */
export interface EncounterInput {
  kind?: Encounter['kind']
  practitioner?: PractitionerId
  complaints: string[]
  vitals?: Vitals
  diagnoses?: DiagnosisInput[]
  prescriptions?: PrescriptionInput[]
  labOrders?: LabOrderInput[]
  notes?: string
}

/** An allergy or intolerance. */
export interface AllergyInput {
  substance: string
  coding?: Coding
  reaction?: string
  severity: Severity
}

/** A standing clinical alert, e.g. sickle cell disease, high-risk pregnancy. */
export interface AlertInput {
  text: string
  coding?: Coding
}

/** A referral slip (domain.md §4.2). `from` is the ChangeContext facility. */
export interface ReferralInput {
  to: FacilityId
  encounterId?: EntryId
  reason: string
  urgency: Urgency
  provisionalDiagnosis: Coding
  treatmentGiven: string
  transport: Transport
}

/** A back-referral or discharge summary. `from` is the ChangeContext facility. */
export interface CareSummaryInput {
  kind: CareSummary['kind']
  referralId?: EntryId
  to: FacilityId
  finalDiagnosis: Coding
  treatmentGiven: string
  outcome: CareSummary['outcome']
  followUpAdvice: string
  medicines?: string[]
  reviewAfterDays?: number
  redFlags?: string[]
}

/** Marking this record and another as the same person. */
export interface DuplicateInput {
  otherPatient: PatientId
  reason: string
}

/**
 * A correction of a patient's demographics: each field given replaces the recorded one; `null`
 * removes an optional one (phone, guardian, PIN). Fields not given are left as they are.
 */
export interface DemographicsInput {
  name?: string
  sex?: Sex
  birth?: BirthInfo
  village?: string
  block?: string
  district?: string
  pin?: string | null
  phone?: string | null
  guardian?: { name: string; relation: string } | null
}
