/**
 * @pagdandi/core/api: the JSON shapes of the facility node's local HTTP API
 * (docs/design/0001-module-contracts.md, "node HTTP API"). One definition for the node that answers
 * and the browser app that asks. Types only: JSON has no `undefined`, so optional fields may be
 * missing (or null, from older nodes).
 */
import type { Author, FacilityId, FacilityKind, PatientId, ReferralStatus, Sex, Urgency } from '../record/types.js'
import type { Verification } from '../record/attribution.js'
import type { ConsentTerms } from '../consent/terms.js'

/** One roster peer as the status page shows it. */
export interface PeerStatus {
  facility: FacilityId
  name: string
  connected: boolean
  /** ISO instant of the last frame received from this peer, if any. */
  lastSeen?: string | null | undefined
  /**
   * Items of ours this peer is entitled to and has not acknowledged; null when not known: no sync
   * session with the peer has reported since this node started, so there is no acknowledgement to count from.
   */
  itemsToSend: number | null
  /** Items the peer announced that we have not yet stored, when known. */
  itemsToReceive?: number | null | undefined
  /**
   * True while this node holds the peer's batches before admitting them, because too many of its
   * items were refused (poison, bombs, backdated or rival items): its sync is slowed, not stopped.
   */
  held?: boolean | null | undefined
}

/** `GET /api/status`. */
export interface NodeStatus {
  facility: FacilityId
  name: string
  kind: FacilityKind
  peers: PeerStatus[]
  undeliveredReferrals: number
  openConflicts: number
  /** Items in the local log. */
  items?: number
  /** Patient documents this node can open. */
  patients?: number
  /** Whether the replicator is running in this process. */
  replication?: 'running' | 'unavailable' | 'stopped'
  /** Sync traffic since this process started, all peers together. */
  traffic?: SyncTraffic
  /** Items this node sealed (its own changes and grants) since its process started, and their bytes. */
  sealed?: { items: number; bytes: number }
  /** Whether the item store accepts writes; after a failed write it refuses them until restarted. */
  store?: StoreHealth
  /** Items received and refused as malformed content, kept as evidence (`pagdandi quarantine`). */
  quarantined?: number
  /**
   * Received items of documents this node may not open or carry yet, held in memory (not stored)
   * until a grant arrives, and the most any one author has waiting (bounded per author; quotas).
   */
  awaitingGrant?: {
    items: number
    bytes: number
    mostByOneAuthor: number
    /** Up to 20 documents waiting, each with who sent it: "waiting for the grant from …". */
    documents: { docId: string; author: FacilityId; items: number }[]
  }
}

/** The item store's state in `GET /api/status`. */
export interface StoreHealth {
  writable: boolean
  /** Why writes are refused: the disk is full, became read-only, or reported an I/O error. */
  fault?: 'disk-full' | 'read-only' | 'io-error'
  /** What the operator should do, in English (the UI shows its own text for `fault`). */
  message?: string
}

/** Sync traffic counters of a node since its process started. */
export interface SyncTraffic {
  /** Frames and their bytes (after the length prefix, before transport encryption), each way. */
  framesIn: number
  framesOut: number
  bytesIn: number
  bytesOut: number
  /** Bytes of sealed items inside the batches sent. */
  itemBytesOut: number
  /** Sync streams opened or accepted since start: one per connection, more when links flap. */
  streams: number
}

/** `GET /api/roster` entry. */
export interface RosterEntry {
  facility: FacilityId
  name: string
  kind: FacilityKind
  district: string
  revoked?: boolean
}

/**
 * `GET /api/patients?q=&limit=` hit (at most `limit` of them, 1–200, default 50: a screen asks one
 * more than it shows, to know the list was cut).
 */
export interface PatientSummary {
  patientId: PatientId
  name: string
  sex: Sex
  /** Whole years today; absent when the birth is not known (then `birthUnknown`). */
  age?: number | null | undefined
  /** The birth date as registered, when it is a date (an infant's age is shown in months and days). */
  birthDate?: string | null | undefined
  /** True when the record knows no birth date at all (a patient known only from an imported record). */
  birthUnknown?: boolean | undefined
  /** Absent when the record knows no village. */
  village?: string | null | undefined
  uhid?: string | null | undefined
  abhaNumber?: string | null | undefined
  /** Father, husband … as registered: tells two patients of one name apart. */
  guardian?: { name: string; relation: string } | null | undefined
  phone?: string | null | undefined
  /** `approximate` when a word matched only by sound or consonants ("Suneeta" for "Sunita"), not letter for letter in either script. */
  match?: 'exact' | 'approximate' | null | undefined
  /** Records merged into this one (their histories show on its chart); absent when none. */
  mergedFrom?: PatientId[] | null | undefined
}

/** `GET /api/today`: the day's work at this facility (node app/WorkService.ts). */
export interface TodayWork {
  /** The day in India, `YYYY-MM-DD`. */
  day: string
  /** Today's OPD queue, by token. */
  queue: Array<{
    token: number
    patientId: PatientId
    name: string
    uhid?: string
    sex: Sex
    age?: number
    state: 'waiting' | 'with-doctor' | 'done'
    arrivedAt: string
    /** The clinician who saw the patient today (or who registered them, before any visit). */
    by?: string
  }>
  /** Lab orders waiting for a result here, oldest first. */
  lab: Array<{
    patientId: PatientId
    name: string
    uhid?: string
    encounterId: string
    orderId: string
    test: string
    orderedAt: string
    orderedBy?: string
  }>
  /** Referrals to this facility not yet accepted; back-referrals here not yet followed by a visit. */
  badges: { newReferrals: number; backReferrals: number }
}

/** `POST /api/patients/:id/merge`: the record merged away, the survivor, and who was granted what. */
export interface MergeOutcome {
  patientId: PatientId
  into: PatientId
  /** Facilities that hold one of the two records and were granted the other, so the merge shows there. */
  granted: string[]
}

/** What made a registered patient a possible duplicate of one being registered. */
export type MatchReason = 'name' | 'age' | 'village' | 'guardian' | 'phone'

/** `POST /api/patients/matches`: a registered patient who may be the one about to be registered. */
export interface PossibleMatch {
  patient: PatientSummary
  reasons: MatchReason[]
}

/** An identifier being registered that a registered patient already has: registering again is refused. */
export interface SameIdentifier {
  field: 'uhid' | 'abhaNumber'
  patient: PatientSummary
}

/** `POST /api/patients/matches`: patients with the same UHID (here) or ABHA number, and possible duplicates. */
export interface MatchesAnswer {
  sameIdentifier: SameIdentifier[]
  possible: PossibleMatch[]
}

/** Body of `POST /api/patients/matches`: what the registration form holds so far. */
export interface MatchQuery {
  name: string
  uhid?: string
  abhaNumber?: string
  sex?: Sex
  age?: number
  village?: string
  guardian?: string
  phone?: string
}

/** Who a referral is about, as the referral boxes show it. */
export interface ReferralPatient {
  name: string
  sex: Sex
  age?: number | null | undefined
  birthDate?: string | null | undefined
  /** Absent when the record knows no village (a patient known only from an imported record). */
  village?: string | null | undefined
}

/** `GET /api/referrals` entry. */
export interface ReferralSummary {
  patientId: PatientId
  referralId: string
  from: FacilityId
  to: FacilityId
  status: ReferralStatus
  urgency: Urgency
  reason: string
  createdAt: string
  /** True only once the receiving facility durably holds the referral (it marked it received). */
  delivered: boolean
  /** Who the patient is; missing when this node cannot open the record. */
  patient?: ReferralPatient | null | undefined
}

/**
 * `GET /api/quarantine` entry: an item received from another facility and refused because its
 * content is not a well-formed patient change (kept as evidence, never applied, never forwarded).
 */
export interface QuarantinedItem {
  itemId: string
  docId: string
  /** The facility whose signature the item carries: the one accountable for it. */
  author: FacilityId
  /** The facility that handed it to us (the author, or a carrier), when it came over sync. */
  from?: FacilityId
  /** Stable name of the refusal, e.g. `UndecodableChangeError`, `InvalidPatientDocumentError`, `MalformedItemError`. */
  reason: string
  /** Ids and field names only, never patient data. */
  detail: string
  /** When it was refused here (ISO instant). */
  at: string
  bytes: number
}

/** One chart entry's author as the signing facility vouched (`GET /api/patients/:id/provenance`). */
export interface EntryProvenance {
  /** Path of the entry, ids only, e.g. `encounters/<id>`. */
  path: string
  /** `verified`, `unverified` (a claim the signing facility did not vouch for), `facility-only`, `pending`. */
  status: Verification
  facility?: FacilityId
  /** The facility's name from the roster, when it is on it. */
  facilityName?: string
  author?: Author
  at?: string
}

/** Who wrote one of the values of a field in conflict. */
export interface ConflictValueProvenance {
  value: unknown
  status: Verification
  facility?: FacilityId
  facilityName?: string
  author?: Author
}

/** `GET /api/patients/:id/provenance`: every entry's author, and each conflicting value's. */
export interface PatientProvenance {
  patientId: PatientId
  entries: EntryProvenance[]
  conflicts: Array<{ path: string[]; values: ConflictValueProvenance[] }>
}

/** One entry an ABDM FHIR import adds, as the preview lists it (the chart's words, the clinician's language). */
export interface FhirImportItem {
  section: string
  title: string
}

/** What became of one entry of an imported bundle (types and places only: no patient data). */
export interface FhirImportReportLine {
  /** Index in Bundle.entry. */
  entry: number
  resourceType: string
  /** Mapped into the record, read as context (who, where, which patient), or kept verbatim. */
  outcome: 'mapped' | 'context' | 'attached'
  /** Where it went, e.g. `encounter.labOrders`, `allergies (no known allergy)`, `attached`. */
  into: string
}

/** `POST /api/fhir/preview` and `POST /api/fhir/import`: what an import of one bundle adds, or added. */
export interface FhirImportOutcome {
  /** The IG document kind, e.g. `OPConsultRecord`. */
  kind: string
  /** The patient it merges into; absent in a preview when a new patient would be registered. */
  patientId?: PatientId | null | undefined
  /** Whether the import registers (or registered) a new patient. */
  newPatient: boolean
  /** The patient's name as the bundle gives it, so the clinician can check it is the right person. */
  patientName?: string | null | undefined
  items: FhirImportItem[]
  /** Entries the record already holds (a re-import adds nothing). */
  alreadyPresent: number
  /** Identifiers in the bundle that differ from the record's (never overwritten). */
  identifierMismatches: string[]
  /** Resources kept verbatim (no field in the record). */
  attached: number
  /** One line per bundle entry: which was mapped, read as context, or kept verbatim. */
  report: FhirImportReportLine[]
  /**
   * What the clinician should check before confirming, as codes the UI words in Hindi or English:
   * `abha-luhn`, `hfr-format` (validation warnings), `no-birth-date`, `no-address` (a new patient
   * will be registered with these not known). No patient data.
   */
  warnings: string[]
}

/** A consent this node holds for a record another facility shared with it (`GET /api/patients/:id/consents`). */
export interface HeldConsent {
  record: PatientId
  granter: FacilityId
  terms: ConsentTerms
}

/** A consent this facility gave, and what the recipient said it did when it ended. */
export interface GivenConsent {
  to: FacilityId
  toName: string
  /** Absent for a share without terms (an ordinary grant). */
  terms?: ConsentTerms | undefined
  sharedAt: string
  /** The recipient's signed word that it erased the record, once it has come back. */
  erased?: { at: string; cause: 'consent-expired' | 'erasure-request' } | undefined
}

/** `GET /api/patients/:id/consents`. */
export interface ConsentReport {
  patientId: PatientId
  given: GivenConsent[]
  held?: HeldConsent | undefined
}

/** `POST /api/patients/:id/share`. */
export interface ShareOutcome {
  patientId: PatientId
  to: FacilityId
  /** Key generations granted. */
  grants: number
}

/** One facility's answer to an erasure request, as the home facility sees it. */
export interface ErasureConfirmationView {
  facility: FacilityId
  name: string
  state: 'confirmed' | 'not-reached'
  erasedAt?: string | undefined
  /** `keys`: it destroyed key generations; `items`: it carried the items and dropped them. */
  held?: 'keys' | 'items' | undefined
}

/** `GET /api/erasures/:id`, `POST /api/patients/:id/erase-everywhere`. */
export interface ErasureStatus {
  patientId: PatientId
  /** The erasure request's item id. */
  request: string
  issuedAt: string
  facilities: ErasureConfirmationView[]
  confirmed: number
  notReached: number
}
