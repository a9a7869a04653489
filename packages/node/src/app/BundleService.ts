/** Bundles carried between facilities on a USB stick or phone (`pagdandi export|import`). */
import { itemId } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { NotOnRosterError } from '../keyring/errors.js'
import { admitReleased, isWaiting } from '../repo/quota.js'
import { checkItem, entitledItems } from '../repo/exchange.js'
import type { NodeParts } from './parts.js'

type Parts = Pick<
  NodeParts,
  'self' | 'store' | 'bridge' | 'sealer' | 'roster' | 'replication' | 'quarantine' | 'admit' | 'gate' | 'docIndex'
>

/** What else looks at newly stored items: consent terms before they are applied, notices after. */
export interface ReceiveHooks {
  beforeApply(items: readonly { bytes: Uint8Array }[]): Promise<void>
  afterApply(items: readonly { bytes: Uint8Array }[]): Promise<void>
}

/** Items of this node for a bundle, and items from one. */
export class BundleService {
  readonly #parts: Parts
  readonly #hooks: ReceiveHooks | undefined

  constructor(parts: Parts, hooks?: ReceiveHooks) {
    this.#parts = parts
    this.#hooks = hooks
  }

  /** Items of the documents `facility` is entitled to, for a bundle it will carry or receive. */
  async exportFor(facility: FacilityId): Promise<Uint8Array[]> {
    // Never an item left out of its document as bad (poison an older version stored).
    const { bridge } = this.#parts
    return (await entitledItems(this.#parts.store, this.#parts.roster.current, facility)).filter(
      b => !bridge.isExcluded(itemId(b))
    )
  }

  /**
   * Stores items from a bundle after every one verified against the roster (all or nothing);
   * admits each like an item received over sync (a change that is not a well-formed patient change
   * goes to quarantine, not the store); applies what this facility can open and queues the rest
   * for forwarding. Returns the new count.
   */
  async importItems(items: Uint8Array[], onRejected: (index: number, err: Error) => never): Promise<number> {
    const { store, bridge, sealer, replication, quarantine } = this.#parts
    const roster = this.#parts.roster.current
    if (roster === undefined) throw new NotOnRosterError(this.#parts.self.facility)
    items.forEach((bytes, i) => {
      const err = checkItem(bytes, roster, sealer.scheme)
      if (err !== undefined) onRejected(i, err)
    })
    const { admit, gate } = this.#parts
    const keep = (bytes: Uint8Array, error: Error): void => {
      if (!isWaiting(error)) quarantine.keep(bytes, error)
    }
    let stored = 0
    for (let i = 0; i < items.length; i += 1000) {
      const chunk = items.slice(i, i + 1000)
      const verdicts = await admit(chunk)
      const fresh = await store.putItems(
        chunk.filter((bytes, k) => {
          const error = verdicts[k]
          if (error !== undefined) keep(bytes, error)
          return error === undefined
        })
      )
      // A grant in this chunk releases what an earlier chunk left waiting for it.
      const released = await admitReleased(gate, admit, store, fresh, keep)
      stored += fresh.length + released.length
      await this.#hooks?.beforeApply([...fresh, ...released])
      await bridge.applyReceived([...fresh, ...released].map(f => f.bytes))
      this.#parts.docIndex?.indexed([...fresh, ...released])
      await this.#hooks?.afterApply([...fresh, ...released])
    }
    replication.notify()
    return stored
  }
}
