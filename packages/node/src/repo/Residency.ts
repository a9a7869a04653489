/**
 * Which documents stay resident (live in the Repo, in WebAssembly memory) and which are evicted
 * when cold: least recently used first, once more than `maxDocs` are resident or their changes
 * exceed `maxBytes`. A document's bytes are those of its Automerge changes, the size it was loaded
 * with plus what was sealed since: a proxy for its memory, which grows with its history.
 * DocBridge evicts (DocBridge invariant 7); this only keeps the order and the sums.
 */

/** How many documents, and how many bytes of their changes, may stay resident. */
export interface ResidencyLimits {
  maxDocs: number
  maxBytes: number
}

/**
 * Defaults: a few hundred records in use at once (the browsers' open charts, the OPD queue, recent
 * registrations) and a byte budget that bounds a few long histories. A resident patient record
 * costs tens of kilobytes of memory (bench/README.md, "Bounded memory").
 */
export const DEFAULT_RESIDENCY: ResidencyLimits = { maxDocs: 256, maxBytes: 8 << 20 }

export class Residency {
  /** Resident documents and their bytes, least recently used first (a Map keeps insertion order). */
  readonly #lru = new Map<string, number>()
  #bytes = 0

  constructor(readonly limits: ResidencyLimits = DEFAULT_RESIDENCY) {
    if (!(limits.maxDocs >= 1) || !(limits.maxBytes >= 0)) throw new RangeError('residency limits must be positive')
  }

  /** The document was used: it becomes the most recently used, with `addBytes` more changes. */
  touch(docId: string, addBytes = 0): void {
    const had = this.#lru.get(docId) ?? 0
    this.#lru.delete(docId)
    this.#lru.set(docId, had + addBytes)
    this.#bytes += addBytes
  }

  /** The document left memory (evicted or forgotten). */
  drop(docId: string): void {
    const had = this.#lru.get(docId)
    if (had === undefined) return
    this.#lru.delete(docId)
    this.#bytes -= had
  }

  has(docId: string): boolean {
    return this.#lru.has(docId)
  }

  get size(): number {
    return this.#lru.size
  }

  get bytes(): number {
    return this.#bytes
  }

  /**
   * Documents to evict, least recently used first, so that the rest fit the limits. The most
   * recently used one is never listed: whatever was just used stays.
   */
  over(): string[] {
    const out: string[] = []
    let docs = this.#lru.size
    let bytes = this.#bytes
    for (const [docId, b] of this.#lru) {
      if (docs <= 1 || (docs <= this.limits.maxDocs && bytes <= this.limits.maxBytes)) break
      out.push(docId)
      docs--
      bytes -= b
    }
    return out
  }
}
