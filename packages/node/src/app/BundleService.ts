/** Bundles carried between facilities on a USB stick or phone (`pagdandi export|import`). */
import type { FacilityId } from '@pagdandi/core/record'
import { NotOnRosterError } from '../keyring/errors.js'
import { admission, storedCreator } from '../repo/admission.js'
import { checkItem, entitledItems } from '../repo/exchange.js'
import type { NodeParts } from './parts.js'

type Parts = Pick<
  NodeParts,
  'facility' | 'store' | 'bridge' | 'sealer' | 'roster' | 'replication' | 'quarantine' | 'freeze'
>

/** Items of this node for a bundle, and items from one. */
export class BundleService {
  readonly #parts: Parts

  constructor(parts: Parts) {
    this.#parts = parts
  }

  /** Items of the documents `facility` is entitled to, for a bundle it will carry or receive. */
  async exportFor(facility: FacilityId): Promise<Uint8Array[]> {
    return await entitledItems(this.#parts.store, this.#parts.roster.current, facility)
  }

  /**
   * Stores items from a bundle after every one verified against the roster (all or nothing);
   * admits each like an item received over sync (a change that is not a well-formed patient change
   * goes to quarantine, not the store); applies what this facility can open and queues the rest
   * for forwarding. Returns the new count.
   */
  async importItems(items: Uint8Array[], onRejected: (index: number, err: Error) => never): Promise<number> {
    const { store, bridge, sealer, replication, quarantine, freeze } = this.#parts
    const roster = this.#parts.roster.current
    if (roster === undefined) throw new NotOnRosterError(this.#parts.facility.facility)
    items.forEach((bytes, i) => {
      const err = checkItem(bytes, roster, sealer.scheme)
      if (err !== undefined) onRejected(i, err)
    })
    const admit = admission(sealer, bridge, freeze, storedCreator(store), this.#parts.facility.facility)
    let stored = 0
    for (let i = 0; i < items.length; i += 1000) {
      const chunk = items.slice(i, i + 1000)
      const verdicts = await admit(chunk)
      const fresh = await store.putItems(
        chunk.filter((bytes, k) => {
          const error = verdicts[k]
          if (error !== undefined) quarantine.keep(bytes, error)
          return error === undefined
        })
      )
      stored += fresh.length
      await bridge.applyReceived(fresh.map(f => f.bytes))
    }
    replication.notify()
    return stored
  }
}
