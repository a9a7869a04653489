/** The replicator `pagdandi start` runs. */
import type { ReplicatorContext } from '../FacilityNode.js'
import type { ReplicatorLike } from '../ports.js'

/** Builds the libp2p replicator for a node; undefined runs it without replication. */
export function createReplicator (_ctx: ReplicatorContext): ReplicatorLike | undefined {
  return undefined
}
