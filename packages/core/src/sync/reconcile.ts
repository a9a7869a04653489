/**
 * Range-based set reconciliation over sorted (document id, fingerprint) summaries. Pure functions:
 * the session decides when to call them. A range whose fingerprints match costs one comparison; a
 * mismatching range is split `REPAIR_FANOUT` ways until ranges are small enough to list, so the cost
 * grows with the number of differing documents, not with the corpus.
 */
import type { PatientId } from '../record/types.js'
import { FINGERPRINT_BYTES, MAX_RANGES_PER_REQUEST, REPAIR_FANOUT, REPAIR_LEAF_SIZE } from './constants.js'
import { ProtocolViolationError } from './errors.js'
import { bytesEqual } from '../bytes.js'
import { entryFingerprint, xorInto } from './fingerprint.js'
import type { Range, SummaryRange } from './frames.js'
import type { DocSummary } from './types.js'

/** A sorted list of summaries with cached entry fingerprints, filtered to what a peer may learn. */
export class SummarySnapshot {
  readonly #entries: DocSummary[]
  readonly #fps: Uint8Array[]

  /** `entries` must be sorted by docId with no duplicates. */
  constructor(entries: DocSummary[]) {
    this.#entries = entries
    this.#fps = entries.map(e => entryFingerprint(e))
  }

  /** Number of documents in the snapshot. */
  get size(): number {
    return this.#entries.length
  }

  /** The summary of one document, if present. */
  get(docId: PatientId): DocSummary | undefined {
    const i = this.#lowerBound(docId)
    const e = this.#entries[i]
    return e !== undefined && e.docId === docId ? e : undefined
  }

  #lowerBound(key: string): number {
    let lo = 0
    let hi = this.#entries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.#entries[mid] as DocSummary).docId < key) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  #slice(r: Range): [number, number] {
    return [this.#lowerBound(r.lo), r.hi === undefined ? this.#entries.length : this.#lowerBound(r.hi)]
  }

  #fp(i: number, j: number): Uint8Array {
    const fp = new Uint8Array(FINGERPRINT_BYTES)
    for (let k = i; k < j; k++) xorInto(fp, this.#fps[k] as Uint8Array)
    return fp
  }

  /** Fingerprint and size of a range. */
  fingerprint(r: Range): { fp: Uint8Array; count: number } {
    const [i, j] = this.#slice(r)
    return { fp: this.#fp(i, j), count: j - i }
  }

  /** Entries inside a range. */
  entries(r: Range): DocSummary[] {
    const [i, j] = this.#slice(r)
    return this.#entries.slice(i, j)
  }

  /** Answer requested ranges: small ranges as entry lists, larger ones split into fingerprinted parts. */
  answer(ranges: Range[]): SummaryRange[] {
    if (ranges.length > MAX_RANGES_PER_REQUEST) {
      throw new ProtocolViolationError(`summary request of ${ranges.length} ranges`)
    }
    const out: SummaryRange[] = []
    for (const r of ranges) {
      const [i, j] = this.#slice(r)
      const n = j - i
      if (n <= REPAIR_LEAF_SIZE) {
        out.push({ ...r, kind: 'entries', entries: this.#entries.slice(i, j) })
        continue
      }
      for (let k = 0; k < REPAIR_FANOUT; k++) {
        const a = i + Math.floor((n * k) / REPAIR_FANOUT)
        const b = i + Math.floor((n * (k + 1)) / REPAIR_FANOUT)
        const lo = k === 0 ? r.lo : (this.#entries[a] as DocSummary).docId
        const hi = k === REPAIR_FANOUT - 1 ? r.hi : (this.#entries[b] as DocSummary).docId
        const part: Range = hi === undefined ? { lo } : { lo, hi }
        out.push({ ...part, kind: 'fp', fp: this.#fp(a, b), count: b - a })
      }
    }
    return out
  }
}

/** What the receiving side learns from one summary answer. */
export interface Comparison {
  /** Ranges whose fingerprints differ: ask again, the other side will split them. */
  requests: Range[]
  /** Documents the other side listed whose fingerprint differs from ours (or that we lack). */
  differing: PatientId[]
}

function within(inner: Range, outer: Range): boolean {
  if (inner.lo < outer.lo) return false
  if (outer.hi === undefined) return true
  return inner.hi !== undefined && inner.hi <= outer.hi
}

function sameRange(a: Range, b: Range): boolean {
  return a.lo === b.lo && a.hi === b.hi
}

/**
 * Compare the other side's answer to `requested` with our snapshot. Throws `ProtocolViolationError`
 * when an answer strays outside what was asked or does not narrow a large range (which would loop).
 */
export function compareSummary(mine: SummarySnapshot, requested: Range[], answer: SummaryRange[]): Comparison {
  const requests: Range[] = []
  const differing: PatientId[] = []
  for (const part of answer) {
    const parent = requested.find(r => within(part, r))
    if (parent === undefined) throw new ProtocolViolationError('summary range outside the request')
    if (part.kind === 'fp') {
      const own = mine.fingerprint(part)
      if (own.count === part.count && bytesEqual(own.fp, part.fp)) continue
      if (part.count === 0) continue
      if (sameRange(part, parent)) throw new ProtocolViolationError('summary did not split a range')
      requests.push(part.hi === undefined ? { lo: part.lo } : { lo: part.lo, hi: part.hi })
    } else {
      for (const e of part.entries) {
        const own = mine.get(e.docId)
        if (own === undefined || own.count !== e.count || !bytesEqual(own.fp, e.fp)) differing.push(e.docId)
      }
    }
  }
  return { requests, differing }
}
