/** The replicator `pagdandi start` and the demo run: libp2p replication with the roster peers. */
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { ReplicatorContext } from '../FacilityNode.js'
import { Replicator } from '../p2p/index.js'
import type { ReplicatorLike } from '../ports.js'

/** Builds the libp2p replicator for a node; undefined (offline) while it has no roster. */
export function createReplicator (ctx: ReplicatorContext): ReplicatorLike | undefined {
  if (ctx.roster === undefined) return undefined
  return new Replicator({
    store: ctx.store,
    facility: ctx.facility.facility,
    roster: ctx.roster,
    signatures: ctx.scheme,
    privateKey: privateKeyToProtobuf(ctx.keys.libp2pKey),
    listen: ctx.facility.addresses
  }) as unknown as ReplicatorLike
}
