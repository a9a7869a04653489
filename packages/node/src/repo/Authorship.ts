/**
 * Who made the changes this node has not sealed yet: the `/sync` gate records the signed-in staff
 * member of every change it lets through, and node-side changes record the member behind the
 * request. When the bridge seals, each change of the item is looked up here, and the item carries
 * the answer as its provenance (core/crypto `ChangeProvenance`), signed by this facility.
 */
import type { ChangeProvenance } from '@pagdandi/core/crypto'
import type { Author } from '@pagdandi/core/record'

/**
 * Bound on authors remembered for unsealed changes. A change is sealed within a turn of being
 * applied; only a change that never applies (its dependencies never arrive) stays, so the bound
 * only has to stop a hostile browser from growing the map without limit.
 */
export const MAX_PENDING_AUTHORS = 100_000

/** Authors of changes not yet sealed, by change hash. */
export class Authorship {
  readonly #pending = new Map<string, Author>()

  /** Records `author` as the maker of these changes (first record wins: a change has one author). */
  attribute(hashes: Iterable<string>, author: Author): void {
    for (const h of hashes) {
      if (this.#pending.has(h)) continue
      if (this.#pending.size >= MAX_PENDING_AUTHORS) this.#pending.delete(this.#pending.keys().next().value!)
      this.#pending.set(h, author)
    }
  }

  /** The provenance of an item holding these changes (in payload order), or undefined when none has an author. */
  provenance(hashes: readonly string[]): ChangeProvenance | undefined {
    const authors: Author[] = []
    const index = new Map<string, number>()
    const changes = hashes.map(h => {
      const a = this.#pending.get(h)
      if (a === undefined) return undefined
      const key = `${a.staffId}\0${a.name}\0${a.role}\0${a.hprId ?? ''}`
      let i = index.get(key)
      if (i === undefined) {
        i = authors.push(a) - 1
        index.set(key, i)
      }
      return i
    })
    return authors.length === 0 ? undefined : { authors, changes }
  }

  /** Forgets the authors of changes now durably sealed. */
  sealed(hashes: readonly string[]): void {
    for (const h of hashes) this.#pending.delete(h)
  }
}
