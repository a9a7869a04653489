/**
 * The acknowledged-write ledger, kept outside the nodes, and the judgements made from it: which
 * acknowledged writes are lost, whether every facility holds exactly what it is entitled to or
 * carries, and how long a referral took counted from the moment its link was up. Pure: no I/O.
 */
import type { FacilityId } from '@pagdandi/core/record'
import type { OutageWindow } from '../link/index.js'

/** What one write does, through the node's HTTP API. */
export type WriteKind =
  | 'registration'
  | 'encounter'
  | 'lab-dispense'
  | 'referral'
  | 'back-referral'
  | 'onward-referral'
  | 'unreferred-registration'

/** One write the harness made, and what the node answered. */
export interface LedgerEntry {
  seq: number
  facility: FacilityId
  kind: WriteKind
  /** The synthetic patient (core/synth key) the write is about. */
  patientKey: string
  /** For a referral: where it goes. */
  to?: FacilityId
  /** Harness clock (ms since the run's start) when it was due and when the node answered. */
  dueMs: number
  answeredMs?: number
  acknowledged: boolean
  /** The patient the node named (registration) or the write was about. */
  patientId?: string
  /** The encounter or referral id the node answered. */
  entryId?: string
  error?: string
}

/** Counts of the ledger. */
export interface LedgerCounts {
  attempted: number
  acknowledged: number
  refused: number
  byKind: Partial<Record<WriteKind, number>>
}

/** The ledger: every write attempted, acknowledged or refused. */
export class Ledger {
  readonly entries: LedgerEntry[] = []
  readonly #patients = new Map<string, { author: FacilityId; patientId: string }>()

  /** Records a write as attempted; answer it with `ack` or `refuse`. */
  attempt(e: Omit<LedgerEntry, 'seq' | 'acknowledged'>): LedgerEntry {
    const entry: LedgerEntry = { ...e, seq: this.entries.length, acknowledged: false }
    this.entries.push(entry)
    return entry
  }

  /** The node acknowledged the write (a 201 with the ids it names). */
  ack(entry: LedgerEntry, atMs: number, ids: { patientId?: string; entryId?: string }): void {
    entry.acknowledged = true
    entry.answeredMs = atMs
    if (ids.patientId !== undefined) entry.patientId = ids.patientId
    if (ids.entryId !== undefined) entry.entryId = ids.entryId
    if ((entry.kind === 'registration' || entry.kind === 'unreferred-registration') && entry.patientId !== undefined)
      this.#patients.set(entry.patientKey, { author: entry.facility, patientId: entry.patientId })
  }

  /** The node refused the write or could not be reached: not acknowledged, so never counted lost. */
  refuse(entry: LedgerEntry, atMs: number, error: string): void {
    entry.answeredMs = atMs
    entry.error = error
  }

  /** The patient id and registering facility of a synthetic patient, once its registration is acknowledged. */
  patient(key: string): { author: FacilityId; patientId: string } | undefined {
    return this.#patients.get(key)
  }

  counts(): LedgerCounts {
    const byKind: Partial<Record<WriteKind, number>> = {}
    let acknowledged = 0
    let refused = 0
    for (const e of this.entries) {
      if (e.acknowledged) {
        acknowledged++
        byKind[e.kind] = (byKind[e.kind] ?? 0) + 1
      } else if (e.error !== undefined) refused++
    }
    return { attempted: this.entries.length, acknowledged, refused, byKind }
  }

  /**
   * Per patient document: who must hold it. Its author, every facility an acknowledged referral
   * sent it to, and the carriers of each of those. Facilities in `excluded` (revoked) are left out,
   * and so are the documents they wrote.
   */
  expectedHolders(
    carriersOf: (f: FacilityId) => readonly FacilityId[],
    excluded: ReadonlySet<FacilityId> = new Set()
  ): Map<string, Set<FacilityId>> {
    const out = new Map<string, Set<FacilityId>>()
    const entitled = new Map<string, Set<FacilityId>>()
    for (const { author, patientId } of this.#patients.values()) {
      if (excluded.has(author)) continue
      entitled.set(patientId, new Set([author]))
    }
    for (const e of this.entries) {
      if (!e.acknowledged || e.to === undefined || e.patientId === undefined) continue
      entitled.get(e.patientId)?.add(e.to)
    }
    for (const [doc, set] of entitled) {
      const holders = new Set<FacilityId>()
      for (const f of set) {
        holders.add(f)
        for (const c of carriersOf(f)) holders.add(c)
      }
      for (const x of excluded) holders.delete(x)
      out.set(doc, holders)
    }
    return out
  }
}

/** What a facility showed of one patient when asked: the entry ids in its record, or nothing. */
export type Observation = { entryIds: ReadonlySet<string> } | undefined

/**
 * Acknowledged writes missing where they must be: at the facility that acknowledged them and at
 * every facility the patient was referred to. `observe(f, patientId)` is what `f` showed.
 * Writes of `excluded` facilities (revoked) are not judged.
 */
export function lostWrites(
  ledger: Ledger,
  observe: (f: FacilityId, patientId: string) => Observation,
  excluded: ReadonlySet<FacilityId> = new Set()
): { entry: LedgerEntry; at: FacilityId }[] {
  const targets = new Map<string, Set<FacilityId>>()
  for (const e of ledger.entries) {
    if (!e.acknowledged || e.to === undefined || e.patientId === undefined || excluded.has(e.to)) continue
    const s = targets.get(e.patientId) ?? new Set<FacilityId>()
    s.add(e.to)
    targets.set(e.patientId, s)
  }
  const lost: { entry: LedgerEntry; at: FacilityId }[] = []
  for (const e of ledger.entries) {
    if (!e.acknowledged || excluded.has(e.facility)) continue
    if (e.patientId === undefined) {
      lost.push({ entry: e, at: e.facility })
      continue
    }
    const author = ledger.patient(e.patientKey)?.author
    if (author !== undefined && excluded.has(author)) continue
    const where = new Set<FacilityId>([e.facility, ...(author === undefined ? [] : [author])])
    for (const t of targets.get(e.patientId) ?? []) where.add(t)
    for (const f of where) {
      const seen = observe(f, e.patientId)
      const present = seen !== undefined && (e.entryId === undefined || seen.entryIds.has(e.entryId))
      if (!present) lost.push({ entry: e, at: f })
    }
  }
  return lost
}

/** One document as a store holds it: how many items and their XOR fingerprint. */
export interface Holding {
  count: number
  fp: string
}

/** The outcome of the convergence check. */
export interface Convergence {
  documents: number
  /** A facility that must hold the document holds none of it. */
  missing: { doc: string; facility: FacilityId }[]
  /** A facility holds a document it is neither entitled to nor carries. */
  extra: { doc: string; facility: FacilityId }[]
  /** Holders of one document disagree on its items. */
  diverged: { doc: string; holdings: Record<string, Holding> }[]
}

/**
 * Every facility holds exactly what it is entitled to or carries: each expected holder has the
 * document, all holders have the same items (count and fingerprint), and nobody else has it.
 * `holdings` maps facility → document → holding; facilities in `unjudged` (revoked) are skipped.
 */
export function checkConvergence(
  expected: ReadonlyMap<string, ReadonlySet<FacilityId>>,
  holdings: ReadonlyMap<FacilityId, ReadonlyMap<string, Holding>>,
  unjudged: ReadonlySet<FacilityId> = new Set()
): Convergence {
  const out: Convergence = { documents: expected.size, missing: [], extra: [], diverged: [] }
  for (const [doc, holders] of expected) {
    const seen: Record<string, Holding> = {}
    for (const f of holders) {
      const h = holdings.get(f)?.get(doc)
      if (h === undefined) out.missing.push({ doc, facility: f })
      else seen[f] = h
    }
    const kinds = new Set(Object.values(seen).map(h => `${h.count}:${h.fp}`))
    if (kinds.size > 1) out.diverged.push({ doc, holdings: seen })
  }
  for (const [f, docs] of holdings) {
    if (unjudged.has(f)) continue
    for (const doc of docs.keys()) {
      const holders = expected.get(doc)
      if (holders !== undefined && !holders.has(f)) out.extra.push({ doc, facility: f })
    }
  }
  return out
}

/**
 * The first moment at or after `t` when the link is up, given its down windows (absolute, any
 * order, may overlap).
 */
export function linkUpFrom(t: number, down: readonly OutageWindow[]): number {
  const sorted = [...down].sort((a, b) => a.atMs - b.atMs)
  let at = t
  for (const w of sorted) {
    if (w.atMs <= at && at < w.atMs + w.forMs) at = w.atMs + w.forMs
  }
  return at
}

/** Delivery latency counted from the moment the link was up: delivered − max(created, link up). */
export function latencyFromLinkUp(createdMs: number, deliveredMs: number, down: readonly OutageWindow[]): number {
  return Math.max(0, deliveredMs - linkUpFrom(createdMs, down))
}

/** Down windows from a link's transitions (absolute times), closing an open one at `endMs`. */
export function windowsFromTransitions(
  transitions: ReadonlyArray<{ at: number; up: boolean }>,
  endMs: number
): OutageWindow[] {
  const out: OutageWindow[] = []
  let downAt: number | undefined
  for (const t of transitions) {
    if (!t.up && downAt === undefined) downAt = t.at
    if (t.up && downAt !== undefined) {
      out.push({ atMs: downAt, forMs: t.at - downAt })
      downAt = undefined
    }
  }
  if (downAt !== undefined) out.push({ atMs: downAt, forMs: endMs - downAt })
  return out
}

/** The q-quantile (0–1) of a list by nearest rank; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!
}
