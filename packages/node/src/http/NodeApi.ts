/**
 * What the HTTP API needs from the facility node: the answers of the table in
 * docs/design/0001-module-contracts.md. `FacilityNode` implements it; tests may supply fakes.
 */
import type { FacilityId, PatientId, ReferralInput, RegistrationInput } from '@pagdandi/core/record'
import type { NodeStatus, PatientSummary, ReferralSummary, RosterEntry } from '@pagdandi/core/api'

export type { NodeStatus, PatientSummary, PeerStatus, ReferralSummary, RosterEntry } from '@pagdandi/core/api'

/** The node as the HTTP API sees it. */
export interface NodeApi {
  status(): Promise<NodeStatus>
  roster(): Promise<RosterEntry[]>
  searchPatients(query: string): Promise<PatientSummary[]>
  /** Resolves only after the sealed registration is durably stored. */
  registerPatient(input: RegistrationInput): Promise<{ patientId: PatientId }>
  /** The current document, or undefined when this node cannot open it. */
  patient(patientId: PatientId): Promise<unknown>
  /** The heads whose changes are durably sealed (or were received) on this node. */
  durableHeads(patientId: PatientId): Promise<string[] | undefined>
  referrals(box: 'incoming' | 'outgoing'): Promise<ReferralSummary[]>
  /** Grants the receiver, records the referral, seals, stores and pushes. */
  createReferral(patientId: PatientId, referral: ReferralInput): Promise<{ referralId: string }>
  /** The patient's FHIR document bundles. */
  patientFhir(patientId: PatientId): Promise<unknown[]>
  /** Imports one FHIR document bundle as a new or merged patient. */
  importFhir(bundle: unknown): Promise<{ patientId: PatientId }>
  /**
   * Installs a newer signed roster (same authority, no rollback), disconnects revoked facilities and
   * rotates the key of every document a revoked facility held.
   */
  acceptRoster?(file: { authorityKey: string; roster: string }): Promise<RosterAccepted>
  /** Crypto-shredding: destroys every key generation of the patient's document on this node. */
  erasePatient?(patientId: PatientId): Promise<ErasureReport>
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
