/** libp2p replication of sealed items between facility nodes. */
export { Replicator } from './Replicator.js'
export type { PeerStatus, ReplicatorEvents, ReplicatorMetrics, ReplicatorOptions } from './Replicator.js'
export { createHost, generatePeerKey, peerIdOfKey } from './host.js'
export { cryptoInspector, cryptoVerifier } from './items.js'
export { EntitlementCache } from './entitlement.js'
export * from './errors.js'
export { SYNC_PROTOCOL } from './constants.js'
