/** `GET /api/status` and `pagdandi status`: the node, its peers, what is undelivered and sealed. */
import type { StoreHealth } from '@pagdandi/core/api'
import type { NodeStatus, StatusApi } from '../http/NodeApi.js'
import type { NodeParts } from './parts.js'
import type { ReferralService } from './ReferralService.js'

type Parts = Pick<NodeParts, 'self' | 'store' | 'bridge' | 'views' | 'roster' | 'replication' | 'quarantine' | 'gate'>

/** What the node reports about itself. Claims nothing the parts do not say. */
export class StatusService implements StatusApi {
  readonly #parts: Parts
  readonly #referrals: Pick<ReferralService, 'list'>

  constructor(parts: Parts, referrals: Pick<ReferralService, 'list'>) {
    this.#parts = parts
    this.#referrals = referrals
  }

  async report(): Promise<NodeStatus> {
    const { self, store, bridge, views, roster, replication, quarantine } = this.#parts
    const byId = new Map(replication.peers().map(p => [p.facility, p]))
    const others = (roster.current?.body.entries ?? []).filter(e => e.facility !== self.facility)
    const outgoing = await this.#referrals.list('outgoing')
    const m = replication.metrics()
    return {
      facility: self.facility,
      name: self.name,
      kind: self.kind,
      peers: others.map(e => {
        const p = byId.get(e.facility)
        // Counts come from the peer's acknowledgements: with no session since start there are none
        // to count from, so the answer is "not known" (null), never a 0 that reads as "all sent".
        const heard = p?.heard === true
        return {
          facility: e.facility,
          name: e.name,
          connected: p?.connected ?? false,
          lastSeen: p?.lastSeen !== undefined ? new Date(p.lastSeen).toISOString() : undefined,
          itemsToSend: heard ? p.itemsToSend : null,
          itemsToReceive: heard ? p.itemsToReceive : null,
          ...(p?.held === true ? { held: true } : {})
        }
      }),
      undeliveredReferrals: outgoing.filter(r => !r.delivered).length,
      openConflicts: views.openConflicts,
      items: await store.lastSeq(),
      patients: views.index.size,
      replication: replication.state,
      sealed: { items: bridge.stats.sealedItems, bytes: bridge.stats.sealedBytes },
      store: storeHealth(store),
      quarantined: quarantine.count,
      awaitingGrant: awaiting(this.#parts.gate),
      ...(m === undefined
        ? {}
        : {
            traffic: {
              framesIn: m.framesIn,
              framesOut: m.framesOut,
              bytesIn: m.bytesIn,
              bytesOut: m.bytesOut,
              itemBytesOut: m.itemBytesOut,
              streams: m.streams
            }
          })
    }
  }
}

/** Whether the store accepts writes, and if not why (Invariant 10). */
function storeHealth(store: Parts['store']): StoreHealth {
  const fault = store.fault?.()
  return fault === undefined ? { writable: true } : { writable: false, fault: fault.fault, message: fault.message }
}

function awaiting(gate: Parts['gate']): NonNullable<NodeStatus['awaitingGrant']> {
  const u = gate.wait.usage()
  return {
    items: u.items,
    bytes: u.bytes,
    mostByOneAuthor: Math.max(0, ...[...u.byAuthor.values()].map(a => a.items)),
    documents: gate.wait.documents().slice(0, 20)
  }
}
