/** The replicator `pagdandi start` and the demo run: libp2p replication with the roster peers. */
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { Clock } from '@pagdandi/core/sync'
import type { ReplicatorContext } from '../FacilityNode.js'
import { DEFAULT_BACKOFF } from '../p2p/constants.js'
import { Replicator } from '../p2p/index.js'
import type { ReplicatorPort } from '../ports.js'

/** Builds the libp2p replicator for a node; undefined (offline) while it has no roster. */
export function createReplicator(ctx: ReplicatorContext): ReplicatorPort | undefined {
  return replicatorFactory()(ctx)
}

/**
 * A replicator factory with a chosen redial ceiling. The default (60 s) keeps a node that is
 * offline for days to one dial a minute on a metered link; a shorter ceiling finds short link
 * windows sooner (and time-compressed benchmarks need one compressed like their schedule).
 */
export function replicatorFactory(
  opts: { maxRedialMs?: number; admissionClock?: Clock } = {}
): (ctx: ReplicatorContext) => ReplicatorPort | undefined {
  const maxMs = opts.maxRedialMs ?? DEFAULT_BACKOFF.maxMs
  const backoff = { initialMs: Math.min(DEFAULT_BACKOFF.initialMs, maxMs), maxMs }
  return ctx => {
    if (ctx.roster === undefined) return undefined
    const replicator: ReplicatorPort = new Replicator({
      backoff,
      store: ctx.store,
      facility: ctx.self.facility,
      roster: ctx.roster,
      signatures: ctx.scheme,
      privateKey: privateKeyToProtobuf(ctx.keys.libp2pKey),
      listen: ctx.self.addresses,
      ...(ctx.routes === undefined ? {} : { routes: ctx.routes }),
      ...(ctx.admit === undefined ? {} : { admit: ctx.admit }),
      ...(ctx.withhold === undefined ? {} : { withhold: ctx.withhold }),
      ...(ctx.adoptRoster === undefined ? {} : { adoptRoster: ctx.adoptRoster }),
      ...(ctx.serveCard === undefined ? {} : { serveCard: ctx.serveCard }),
      ...(opts.admissionClock === undefined ? {} : { admission: { clock: opts.admissionClock } })
    })
    return replicator
  }
}
