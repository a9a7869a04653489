/** Plain-data shapes the generator emits: JSON-serialisable, turned into documents by build.ts. */
import type {
  AbhaLinkInput,
  AlertInput,
  CareSummaryInput,
  EncounterInput,
  FacilityId,
  IsoDate,
  IsoInstant,
  LabOrderInput,
  LabResultInput,
  PrescriptionInput,
  ReferralInput,
  RegistrationInput
} from '../record/index.js'

/** The OPD diagnosis groups of domain.md §7, used for the mix and for summaries. */
export type DiagnosisGroup =
  | 'fever-malaria'
  | 'ari'
  | 'diarrhoea'
  | 'skin'
  | 'musculoskeletal'
  | 'acid-peptic'
  | 'anaemia'
  | 'anc'
  | 'tb-suspect'
  | 'htn-dm'
  | 'injury-bite'
  | 'sickle-cell'
  | 'symptom-only'

/** A lab order and, when the result came back the same visit, its result. */
export interface SynthLab {
  order: LabOrderInput
  result?: LabResultInput
}

/** A prescription line and how many units the pharmacy dispensed (null: not dispensed, e.g. out of stock). */
export interface SynthPrescription {
  input: PrescriptionInput
  dispensed: number | null
}

/** What happened at the DH when a referred patient arrived. */
export interface SynthArrival {
  at: IsoInstant
  encounter: EncounterInput
}

/** How a referral ended, as far as the generated period goes. */
export type SynthReferralOutcome =
  | { status: 'back-referred'; at: IsoInstant; summary: Omit<CareSummaryInput, 'referralId'> }
  | { status: 'completed'; at: IsoInstant }

/** A CHC → DH referral and its lifecycle. Absent timestamps: the step has not happened (yet). */
export interface SynthReferral {
  input: Omit<ReferralInput, 'encounterId'>
  /** Display name of the receiving facility, for summaries. */
  toName: string
  sentAt: IsoInstant
  receivedAt?: IsoInstant
  acceptedAt?: IsoInstant
  arrival?: SynthArrival
  outcome?: SynthReferralOutcome
}

/** One OPD visit: the encounter, labs, prescriptions and, sometimes, a referral. */
export interface SynthVisit {
  at: IsoInstant
  facility: FacilityId
  group: DiagnosisGroup
  /** Key of the condition in the catalogue, e.g. `malaria-pf`. */
  condition: string
  encounter: EncounterInput
  labs: SynthLab[]
  prescriptions: SynthPrescription[]
  /** A standing alert raised at this visit (sickle cell disease, high-risk pregnancy). */
  alert?: AlertInput
  referral?: SynthReferral
}

/** A registration of a person at a facility, with the care that followed. */
export interface SynthPatient {
  /** Unique key of this registration (`r000123`). */
  key: string
  /** Key of the real (synthetic) person; duplicate registrations share it. */
  person: string
  facility: FacilityId
  registeredAt: IsoInstant
  registration: RegistrationInput
  /** An ABHA linked at a later visit rather than at registration. */
  abhaLinkedLater?: { at: IsoInstant; by: FacilityId; input: AbhaLinkInput }
  /** Ground truth for merge testing: the key of the earlier registration of the same person. */
  duplicateOf?: string
  visits: SynthVisit[]
}

/** One OPD day at a CHC. */
export interface SynthChcDay {
  facility: { id: FacilityId; name: string; district: string; block: string }
  date: IsoDate
  /** Every OPD attendance of the day, in arrival order. */
  patients: SynthPatient[]
}
