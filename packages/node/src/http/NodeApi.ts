/**
 * What the HTTP API needs from the facility node: the answers of the table in
 * docs/design/0001-module-contracts.md, as one small service per concern. `FacilityNode` hands out
 * the services (app/), `cli/context.ts` implements them over HTTP; tests may supply fakes.
 */
import type { CardFetch, PrintedCard } from '../app/CardService.js'
import type {
  Author,
  DemographicsInput,
  EncounterInput,
  EntryId,
  FacilityId,
  PatientId,
  ReferralInput,
  RegistrationInput,
  Unchecked
} from '@pagdandi/core/record'
import type {
  ConsentReport,
  ErasureStatus,
  ShareOutcome,
  FhirImportOutcome,
  MatchesAnswer,
  MergeOutcome,
  TodayWork,
  MatchQuery,
  NodeStatus,
  PatientProvenance,
  PatientSummary,
  QuarantinedItem,
  ReferralSummary,
  RosterEntry
} from '@pagdandi/core/api'

export type {
  NodeStatus,
  PatientProvenance,
  PatientSummary,
  PeerStatus,
  QuarantinedItem,
  ReferralSummary,
  RosterEntry
} from '@pagdandi/core/api'

/** `GET /api/status`. */
export interface StatusApi {
  report(): Promise<NodeStatus>
}

/** `/api/patients…`: the register. */
export interface PatientsApi {
  /** At most `limit` hits (default 50), best first. */
  search(query: string, limit?: number): Promise<PatientSummary[]>
  /** Patients with the same UHID (here) or ABHA number, and possible duplicates, of one being registered. */
  matches(query: MatchQuery): Promise<MatchesAnswer>
  /**
   * Resolves only after the sealed registration is durably stored; `by` registers it. A UHID this
   * facility already gave, or an ABHA number already registered, is refused (`DuplicateIdentifierError`).
   */
  register(input: Unchecked<RegistrationInput>, by?: Author): Promise<{ patientId: PatientId }>
  /**
   * Adds an encounter, checked as a browser's change is (schema, `by`'s role, claimed author);
   * resolves once durably sealed, with the heads that cover it.
   */
  addEncounter(
    patientId: PatientId,
    input: Unchecked<EncounterInput>,
    by?: Author
  ): Promise<{ encounterId: EntryId; heads: string[] }>
  /** The current document, or undefined when this node cannot open it. */
  read(patientId: PatientId): Promise<unknown>
  /** The heads whose changes are durably sealed (or were received) on this node. */
  durableHeads(patientId: PatientId): Promise<string[] | undefined>
  /** Who wrote each entry (and each value in conflict), as the signing facilities vouched. */
  provenance(patientId: PatientId): Promise<PatientProvenance>
}

/** `/api/patients/:id/demographics`, `…/merge`, `…/unmerge`: corrections of a record (app/RecordService.ts). */
export interface RecordsApi {
  /** Corrects demographics (checked as a `/sync` change); resolves once durably sealed. */
  editDemographics(
    patientId: PatientId,
    input: Unchecked<DemographicsInput>,
    by?: Author
  ): Promise<{ patientId: PatientId; heads: string[] }>
  /** Merges `patientId` into `into`; both records carry the merge; holders of one are granted the other. */
  merge(patientId: PatientId, into: PatientId, by?: Author): Promise<MergeOutcome>
  /** Undoes the merge of `patientId` into its survivor, in both records. */
  unmerge(patientId: PatientId, by?: Author): Promise<{ patientId: PatientId; from: PatientId }>
}

/** `GET /api/today`: the OPD queue, the lab worklist and the referral badges. */
export interface WorkApi {
  today(): Promise<TodayWork>
}

/** `/api/referrals`. */
export interface ReferralsApi {
  list(box: 'incoming' | 'outgoing'): Promise<ReferralSummary[]>
  /** Grants the receiver, records the referral (by `by`), seals, stores and pushes. */
  create(patientId: PatientId, referral: Unchecked<ReferralInput>, by?: Author): Promise<{ referralId: string }>
}

/** `/api/roster`. */
export interface RosterApi {
  entries(): Promise<RosterEntry[]>
  /**
   * Installs a newer signed roster (same authority, no rollback), disconnects revoked facilities and
   * rotates the key of every document a revoked facility held.
   */
  accept(file: { authorityKey: string; roster: string }): Promise<RosterAccepted>
}

/** `/api/patients/:id/fhir`, `/api/fhir/preview` and `/api/fhir/import`. */
export interface FhirApi {
  /** The patient's FHIR document bundles. */
  exportPatient(patientId: PatientId): Promise<unknown[]>
  /** What importing one bundle would add (nothing is written); `source` names the file in errors. */
  preview(bundle: unknown, source?: string): Promise<FhirImportOutcome>
  /** Imports one FHIR document bundle as a new or merged patient; resolves once durably stored. */
  importBundle(bundle: unknown, source?: string): Promise<FhirImportOutcome & { patientId: PatientId }>
}

/** `POST /api/patients/:id/erase`. */
export interface ErasureApi {
  /** Crypto-shredding: destroys every key generation of the patient's document on this node. */
  erase(patientId: PatientId): Promise<ErasureReport>
}

/** `POST /api/patients/:id/share`, `GET /api/patients/:id/consents`. */
export interface ConsentApi {
  /** Grants the record to another member, under ABDM consent terms when `consent` is given (validated here). */
  share(patientId: PatientId, to: string, consent?: unknown): Promise<ShareOutcome>
  /** Consents given from here for the record (with each recipient's erasure confirmation) and the one held here. */
  report(patientId: PatientId): Promise<ConsentReport>
}

/** `POST /api/patients/:id/erase-everywhere`, `GET /api/erasures[/:id]`. */
export interface EverywhereApi {
  /** The home facility's signed erasure request to every holder; erases here too. */
  issue(patientId: PatientId): Promise<ErasureStatus>
  /** Who confirmed, and who has not been reached. */
  status(patientId: PatientId): Promise<ErasureStatus>
  list(): Promise<ErasureStatus[]>
}

/** The node as the HTTP API sees it. */
export interface NodeApi {
  consent: ConsentApi
  everywhere: EverywhereApi
  status: StatusApi
  patients: PatientsApi
  records: RecordsApi
  work: WorkApi
  referrals: ReferralsApi
  roster: RosterApi
  fhir: FhirApi
  erasure: ErasureApi
  quarantine: QuarantineApi
  /** The patient's health card (app/CardService.ts). */
  cards: CardsApi
}

/** `/api/patients/:id/card…`, `/api/cards…`: print, revoke and open health cards. */
export interface CardsApi {
  print(patientId: PatientId, days?: number): Promise<PrintedCard>
  revoke(patientId: PatientId, days?: number): Promise<{ revoked: number; card: PrintedCard }>
  /** Starts opening a scanned or typed code (`MalformedCardCodeError` at once for a bad one). */
  open(code: unknown): Promise<{ fetchId: string }>
  fetch(fetchId: string): Promise<CardFetch | undefined>
}

/** `GET /api/quarantine` and `pagdandi quarantine`. */
export interface QuarantineApi {
  /** Received items refused for their content and kept as evidence, with their authors. */
  list(): Promise<QuarantinedItem[]>
}

/** `POST /api/roster`. */
export interface RosterAccepted {
  version: number
  /** Facilities revoked in the accepted roster. */
  revoked: FacilityId[]
  /** Documents whose key this node rotated. */
  rotated: number
}

/** `POST /api/patients/:id/erase`. */
export interface ErasureReport {
  patientId: PatientId
  /** Key generations destroyed in memory. */
  generations: number
  /** Items of the document deleted from the store (its grants among them). */
  items: number
}
