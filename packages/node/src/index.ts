/** @pagdandi/node: the facility node, its keyring and data directory helpers, and the HTTP API types. */
export { FacilityNode } from './FacilityNode.js'
export type { FacilityNodeOptions, ReplicatorContext } from './FacilityNode.js'
export type {
  ErasureApi,
  FhirApi,
  NodeApi,
  NodeStatus,
  PatientsApi,
  PeerStatus,
  ReferralsApi,
  ReferralSummary,
  RosterApi,
  RosterEntry,
  StatusApi
} from './http/NodeApi.js'
export type { PatientSummary } from './repo/PatientIndex.js'
export { DataDir } from './datadir/DataDir.js'
export type { FacilityFile, RosterFile } from './datadir/DataDir.js'
export { initFacility } from './keyring/initFacility.js'
export { addMember, createAuthority, importRoster, revokeMember, rosterFile } from './keyring/authority.js'
export { openStore } from './cli/storeFactory.js'
export { createReplicator } from './cli/replicatorFactory.js'
export { encodeBundle, decodeBundle } from './cli/bundle.js'
export type { Documents, KeyringView, NodeStore, ReplicatorPeer, ReplicatorPort } from './ports.js'
export { StaffService } from './staff/StaffService.js'
export { StaffStore } from './staff/StaffStore.js'
export type { LiveSession } from './staff/SessionStore.js'
export type { AuditEntry, AuditInput } from './staff/AuditLog.js'
export { ApiClient } from './cli/ApiClient.js'
export type { ApiAnswer, ApiCredentials } from './cli/ApiClient.js'
