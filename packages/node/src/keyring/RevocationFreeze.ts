/**
 * Revocation that holds against backdating (docs/PROTOCOL.md › Revocation). A revoked facility
 * still has its signing key and can seal items that claim any roster version before its
 * revocation; signatures alone cannot tell them from its honest history. So when a node adopts a
 * roster that revokes a facility, it freezes that facility's items: the ids of every item by it
 * that the node holds at that moment. From then on an item by a revoked facility is accepted
 * (stored, applied, forwarded) only if it is in the freeze; anything else is `BackdatedItemError`.
 * Carriers freeze too, so a relay cannot launder a backdated item either. The freeze is durable
 * (store meta, `frozen/<facility>`), written before the roster is acted on.
 */
import type { VerifiedRoster } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import type { ItemStore } from '@pagdandi/core/sync'
import type { KvStore } from '../repo/Quarantine.js'
import { BackdatedItemError } from './errors.js'

const key = (f: string): string => `frozen/${f}`
const PAGE = 5000

/** The frozen item sets of every revoked facility this node knows of. */
export class RevocationFreeze {
  readonly #frozen = new Map<string, Set<string>>()

  constructor(readonly store: ItemStore & KvStore) {}

  /**
   * Freezes every revocation of `roster` not frozen yet (loading earlier freezes from the store):
   * call before the roster is acted on, at start and whenever a roster is adopted.
   */
  async apply(roster: VerifiedRoster | undefined): Promise<FacilityId[]> {
    const fresh: FacilityId[] = []
    for (const r of roster?.body.revocations ?? []) {
      if (this.#frozen.has(r.facility)) continue
      const saved = frozenIds(await this.store.getKv?.(key(r.facility)))
      if (saved !== undefined) {
        this.#frozen.set(r.facility, saved)
        continue
      }
      const ids = await this.#heldBy(r.facility)
      await this.store.putKv?.(key(r.facility), new TextEncoder().encode(JSON.stringify([...ids])))
      this.#frozen.set(r.facility, ids)
      fresh.push(r.facility)
    }
    return fresh
  }

  /** The error refusing an item by `author` with id `id`, or undefined when it may be accepted. */
  check(author: string, id: string): Error | undefined {
    const frozen = this.#frozen.get(author)
    if (frozen === undefined || frozen.has(id)) return undefined
    return new BackdatedItemError(author, id)
  }

  async #heldBy(facility: FacilityId): Promise<Set<string>> {
    const ids = new Set<string>()
    let seq = 0
    for (;;) {
      const page = await this.store.logSince(seq, PAGE)
      if (page.length === 0) return ids
      for (const it of page) {
        seq = it.seq
        if (it.author === facility) ids.add(it.id)
      }
    }
  }
}

/**
 * The ids a stored freeze holds; undefined when there is none or it does not parse (a damaged
 * record). Freezing again from the items held now is then safe: since the first freeze, the only
 * items by the revoked facility this node stored were in it, so the new set is the same or smaller.
 */
function frozenIds(saved: Uint8Array | undefined): Set<string> | undefined {
  if (saved === undefined) return undefined
  let ids: unknown
  try {
    ids = JSON.parse(new TextDecoder().decode(saved))
  } catch {
    return undefined
  }
  return Array.isArray(ids) && ids.every(i => typeof i === 'string') ? new Set(ids as string[]) : undefined
}
