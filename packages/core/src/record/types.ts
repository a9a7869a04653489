/**
 * The patient document: one Automerge document per patient, shared between facilities.
 *
 * Shape rules (see docs/SPEC.md, merge semantics):
 * - Collections are maps keyed by random ids, so concurrent additions at two facilities are all kept.
 * - Every string is stored as an Automerge immutable string (no field is edited character by character),
 *   written through `record/strings.ts`. The types below are what `readPatient(doc)` returns: plain strings.
 * - A referral's status is a grow-only map of status → event; the current status is the highest rank
 *   present, so a merge can never move it backwards.
 */

/** Opaque random id of a patient document (the automerge-repo DocumentId). Never derived from PII. */
export type PatientId = string & { readonly __brand: 'PatientId' }
/** HFR facility id, `IN` + 2-digit state code + 8 digits, e.g. `IN2210000123`. */
export type FacilityId = string & { readonly __brand: 'FacilityId' }
/** HPR professional id: 14 digits, displayed `71-1234-5678-9012`. */
export type PractitionerId = string & { readonly __brand: 'PractitionerId' }
/** Random id of an entry inside a patient document (encounter, diagnosis, referral …). */
export type EntryId = string & { readonly __brand: 'EntryId' }
/** ISO 8601 calendar date, `YYYY-MM-DD`. */
export type IsoDate = string
/** ISO 8601 instant in UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`. Display metadata only: never used for ordering merges. */
export type IsoInstant = string

/**
 * Who made an entry: the staff member as their facility knows them. The facility itself is the
 * entry's own facility field; the signing facility vouches for both (docs/PROTOCOL.md, provenance).
 */
export interface Author {
  /** The staff account's id at its facility: random and opaque, never a name. */
  staffId: string
  /** Display name as the facility registered it, e.g. "Dr. Meena Netam". */
  name: string
  /** The staff role when the entry was made (core/staff `Role`), e.g. `medical-officer`. */
  role: string
  /** HPR id (14 digits, bare) of a registered health professional. */
  hprId?: PractitionerId
}

/** Facility kinds in Bastar: Community Health Centre, Civil Hospital, District Hospital, Medical College. */
export type FacilityKind = 'CHC' | 'CH' | 'DH' | 'MC'
export type Sex = 'female' | 'male' | 'other' | 'unknown'

/**
 * How a birth date is known: exact date, year only, an approximate age on a given date, or not at
 * all (`unknown`: a patient known only from an imported record that gave no birth date; never a
 * made-up year). Every reader shows `unknown` as "birth date not known", never as an age.
 */
export type BirthInfo =
  | { kind: 'date'; date: IsoDate }
  | { kind: 'year'; year: number }
  | { kind: 'approx-age'; years: number; asOf: IsoDate }
  | { kind: 'unknown' }

/**
 * Where the patient lives. A registration at a facility gives village, block and district; a patient
 * known only from an imported record has those its bundle gave and no others (an absent field is
 * "not known", never a placeholder).
 */
export interface Address {
  village?: string
  block?: string
  district?: string
  pin?: string
}

export interface Guardian {
  name: string
  /** e.g. father, mother, husband, wife, son, daughter, other */
  relation: string
}

export interface Demographics {
  name: string
  /** Other spellings seen at registration (transliteration variants); helps search. */
  nameVariants: string[]
  sex: Sex
  birth: BirthInfo
  address: Address
  phone?: string
  guardian?: Guardian
}

export interface Identifiers {
  /** Facility-local UHIDs (NIC e-Hospital), one per facility that registered the patient. */
  uhid: Record<FacilityId, string>
  /** 14 digits, stored without hyphens. */
  abhaNumber?: string
  /** `handle@abdm` (or `@sbx`). */
  abhaAddress?: string
  /** When and where the ABHA was linked, if it was linked after registration. */
  abhaLinked?: { at: IsoInstant; by: FacilityId }
}

/** A coded concept. system is one of the CODE_SYSTEMS urls. */
export interface Coding {
  system: CodeSystem
  code: string
  display: string
}

export type CodeSystem = 'http://snomed.info/sct' | 'http://hl7.org/fhir/sid/icd-10' | 'http://loinc.org'

export interface Vitals {
  /** mmHg */
  systolic?: number
  diastolic?: number
  /** beats/min */
  pulse?: number
  /** °C */
  temperature?: number
  /** breaths/min */
  respiratoryRate?: number
  /** % */
  spo2?: number
  /** kg */
  weight?: number
  /** cm */
  height?: number
  /** cm, mid-upper-arm circumference */
  muac?: number
}

export interface Diagnosis {
  id: EntryId
  coding: Coding
  /** free text as the clinician wrote it */
  text: string
  certainty: 'provisional' | 'confirmed'
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

export interface Prescription {
  id: EntryId
  /** drug name and strength, from the essential-drug list, e.g. "Paracetamol 500 mg tablet" */
  drug: string
  /** SNOMED code when known */
  coding?: Coding
  dose: string
  frequency: string
  durationDays: number
  route: string
  instructions?: string
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

export interface LabOrder {
  id: EntryId
  /** LOINC */
  test: Coding
  orderedAt: IsoInstant
  result?: LabResult
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

export interface LabResult {
  value: string
  unit?: string
  interpretation?: 'normal' | 'abnormal' | 'positive' | 'negative'
  resultedAt: IsoInstant
  by: FacilityId
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

export interface Dispensing {
  id: EntryId
  prescriptionId: EntryId
  quantity: number
  dispensedAt: IsoInstant
  by: FacilityId
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

export interface Encounter {
  id: EntryId
  kind: 'opd' | 'ipd' | 'emergency'
  facility: FacilityId
  practitioner?: PractitionerId
  /** The practitioner's name as an imported record gave it (local encounters name theirs in `author`). */
  practitionerName?: string
  at: IsoInstant
  complaints: string[]
  vitals: Vitals
  diagnoses: Record<EntryId, Diagnosis>
  prescriptions: Record<EntryId, Prescription>
  labOrders: Record<EntryId, LabOrder>
  dispensing: Record<EntryId, Dispensing>
  notes?: string
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

export type Severity = 'mild' | 'moderate' | 'severe'

export interface Allergy {
  id: EntryId
  substance: string
  coding?: Coding
  reaction?: string
  /** As recorded; an allergy imported from a system that gave no severity has none (never a default). */
  severity?: Severity
  /**
   * A negative assertion ("no known allergy", SNOMED CT 716186003, or "no known drug allergy"): the
   * patient was asked and has none of `substance`. Never to be read as an allergy.
   */
  absent?: true
  recordedAt: IsoInstant
  by: FacilityId
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

export interface Alert {
  id: EntryId
  /** e.g. "Sickle cell disease", "High-risk pregnancy" */
  text: string
  coding?: Coding
  recordedAt: IsoInstant
  by: FacilityId
  active: boolean
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

export type Urgency = 'emergency' | 'urgent' | 'routine'
export type Transport = '108' | '102' | 'own'

/** The referral lifecycle, in rank order. `back-referred` and `completed` are both terminal. */
export type ReferralStatus = 'sent' | 'received' | 'accepted' | 'completed' | 'back-referred'

export interface StatusEvent {
  at: IsoInstant
  by: FacilityId
  note?: string
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

export interface Referral {
  id: EntryId
  from: FacilityId
  to: FacilityId
  /** the encounter at which the referral was decided, if any */
  encounterId?: EntryId
  reason: string
  urgency: Urgency
  provisionalDiagnosis: Coding
  treatmentGiven: string
  transport: Transport
  createdAt: IsoInstant
  /** Grow-only: a status is added, never removed. Current status = highest rank present. */
  statusHistory: Partial<Record<ReferralStatus, StatusEvent>>
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

/** A back-referral (higher → lower level) or a discharge summary, written by the receiving facility. */
export interface CareSummary {
  id: EntryId
  kind: 'back-referral' | 'discharge'
  referralId?: EntryId
  from: FacilityId
  to: FacilityId
  finalDiagnosis: Coding
  treatmentGiven: string
  outcome: 'improved' | 'referred-onward' | 'lama' | 'died'
  followUpAdvice: string
  /** medicines to continue at the lower facility */
  medicines: string[]
  reviewAfterDays?: number
  redFlags: string[]
  at: IsoInstant
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

/** A mark that this record and another record are the same person. */
export interface DuplicateLink {
  otherPatient: PatientId
  markedAt: IsoInstant
  by: FacilityId
  reason: string
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

/**
 * One side of a merge of two records of the same person (record/recordMerge.ts). Both documents
 * carry it: the merged record an `into` link naming the surviving one, the survivor a `from` link
 * naming the merged one, with who and when. Nothing is deleted: both histories stay in their own
 * documents, search shows the survivor, and an unmerge writes `undone` on both links.
 */
export interface MergeLink {
  id: EntryId
  /** `into`: this record was merged into `otherPatient`; `from`: `otherPatient` was merged into this one. */
  direction: 'into' | 'from'
  otherPatient: PatientId
  at: IsoInstant
  by: FacilityId
  /** Who wrote it, when the facility knows. */
  author?: Author
  /** The unmerge that ended this link, if one did (written once, never removed). */
  undone?: MergeUndo
}

/** An unmerge: who ended a merge, and when. */
export interface MergeUndo {
  at: IsoInstant
  by: FacilityId
  author?: Author
}

/** A reviewed conflict: which value a clinician chose and when. */
export interface ConflictResolution {
  path: string
  chosen: string
  at: IsoInstant
  by: FacilityId
  /** Who wrote it, when the facility knows (entries written before staff sign-in have none). */
  author?: Author
}

/** The whole patient document. */
export interface PatientDoc {
  /** schema version of this document shape */
  schema: 1
  registeredAt: IsoInstant
  registeredBy: FacilityId
  /** The staff member who registered the patient, when the facility knows. */
  registeredByStaff?: Author
  demographics: Demographics
  identifiers: Identifiers
  encounters: Record<EntryId, Encounter>
  allergies: Record<EntryId, Allergy>
  alerts: Record<EntryId, Alert>
  referrals: Record<EntryId, Referral>
  summaries: Record<EntryId, CareSummary>
  duplicates: Record<EntryId, DuplicateLink>
  resolutions: Record<EntryId, ConflictResolution>
  /** Merges of this record with another (MergeLink); absent in documents that were never merged. */
  merges?: Record<EntryId, MergeLink>
  /**
   * FHIR resources from imported bundles that the record has no field for (an Immunization, a
   * DocumentReference with a PDF, a MedicationStatement …), kept verbatim so nothing is dropped; the
   * chart lists them. Absent in documents that never imported one.
   */
  attached?: Record<EntryId, AttachedResource>
}

/** One FHIR resource kept verbatim from an imported bundle. */
export interface AttachedResource {
  id: EntryId
  /** e.g. `Immunization`, `DocumentReference`. */
  resourceType: string
  /** What the chart shows: the resource's code or title text, else its type. */
  title: string
  /** The resource's own time (occurrence, effective, date …) in UTC, if it has one. */
  at?: IsoInstant
  /** The IG document kind it came in, e.g. `ImmunizationRecord`. */
  document: string
  /** `system|value` of the bundle's identifier. */
  bundle: string
  /** The resource exactly as it came, as JSON text. */
  json: string
  importedAt: IsoInstant
  by: FacilityId
}
