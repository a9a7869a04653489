/**
 * The node's handle on its replicator, which exists only once the node has started with a roster
 * (CLI commands run offline): services tell it about new items without asking whether it runs.
 */
import type { VerifiedRoster } from '@pagdandi/core/crypto'
import type { SyncTraffic } from '@pagdandi/core/api'
import type { FacilityId } from '@pagdandi/core/record'
import type { CardChannel, ReplicatorPeer, ReplicatorPort } from '../ports.js'

/** Replication as the services see it: a no-op while offline. */
export class Replication {
  #replicator: ReplicatorPort | undefined
  #stopped = false

  /** Attaches the replicator built at start. */
  attach(replicator: ReplicatorPort): void {
    this.#replicator = replicator
  }

  /** What `GET /api/status` reports. */
  get state(): 'running' | 'stopped' | 'unavailable' {
    if (this.#replicator === undefined) return 'unavailable'
    return this.#stopped ? 'stopped' : 'running'
  }

  /** Items were stored here: push them (none: re-check every entitlement). */
  notify(items?: readonly { bytes: Uint8Array }[]): void {
    this.#replicator?.notifyLocalItems(items)
  }

  /** Every other roster member as the replicator sees it; none while offline. */
  peers(): ReplicatorPeer[] {
    return this.#replicator?.status() ?? []
  }

  /** Hands a newly accepted roster to the replicator (it hangs up on revoked peers). */
  async updateRoster(roster: VerifiedRoster): Promise<void> {
    await this.#replicator?.updateRoster(roster)
  }

  /** Transfer counters since start, when replicating. */
  metrics(): SyncTraffic | undefined {
    return this.#replicator?.metrics()
  }

  /** A health-card stream to a member; undefined while offline. */
  async openCard(facility: FacilityId): Promise<CardChannel | undefined> {
    return await this.#replicator?.openCard?.(facility)
  }

  /** Stops the replicator; status says `stopped` from here on. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#replicator?.stop()
  }
}
