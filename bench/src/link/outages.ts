/**
 * Outage schedules. A schedule is a sorted list of windows during which the link is down; it is
 * drawn from a profile's outage model with a seeded PRNG, so the same seed gives the same schedule.
 */
import type { Prng } from '@pagdandi/core/testing'

/** One period during which the link carries nothing, relative to the emulator's start, in ms. */
export interface OutageWindow {
  atMs: number
  forMs: number
}

/** One source of outages in a profile. */
export type OutageProcess =
  /** Outages arriving at exponential gaps of the given mean, each lasting uniformly min..max. */
  | { kind: 'poisson'; meanGapMs: number; minMs: number; maxMs: number }
  /** Each slot of `slotMs` is down with probability `p` ("10% of minutes fully down"). */
  | { kind: 'fraction'; slotMs: number; p: number }
  /** Between minCount and maxCount outages in every period, at uniform times ("1–3 a week"). */
  | { kind: 'perPeriod'; periodMs: number; minCount: number; maxCount: number; minMs: number; maxMs: number }
  /** One outage at a fixed time lasting uniformly min..max. */
  | { kind: 'once'; atMs: number; minMs: number; maxMs: number }

/** A profile's outage model: the union of its processes. */
export type OutageModel = readonly OutageProcess[]

/** Draw the outage windows of `model` over `[0, horizonMs)`, merged and sorted. */
export function planOutages(model: OutageModel, prng: Prng, horizonMs: number): OutageWindow[] {
  const windows: OutageWindow[] = []
  for (const proc of model) {
    // Each process draws from its own fork, so adding a process does not move the others.
    const r = prng.fork()
    switch (proc.kind) {
      case 'poisson': {
        let t = -Math.log(1 - r.next()) * proc.meanGapMs
        while (t < horizonMs) {
          const len = proc.minMs + r.next() * (proc.maxMs - proc.minMs)
          windows.push({ atMs: t, forMs: len })
          t += len - Math.log(1 - r.next()) * proc.meanGapMs
        }
        break
      }
      case 'fraction':
        for (let t = 0; t < horizonMs; t += proc.slotMs) {
          if (r.chance(proc.p)) windows.push({ atMs: t, forMs: proc.slotMs })
        }
        break
      case 'perPeriod':
        for (let p0 = 0; p0 < horizonMs; p0 += proc.periodMs) {
          const n = r.int(proc.minCount, proc.maxCount)
          for (let i = 0; i < n; i++) {
            windows.push({
              atMs: p0 + r.next() * proc.periodMs,
              forMs: proc.minMs + r.next() * (proc.maxMs - proc.minMs)
            })
          }
        }
        break
      case 'once':
        if (proc.atMs < horizonMs)
          windows.push({ atMs: proc.atMs, forMs: proc.minMs + r.next() * (proc.maxMs - proc.minMs) })
        break
    }
  }
  return mergeWindows(windows)
}

/** A link that is up for `upMs` then down for `downMs`, repeated `cycles` times (first up at 0). */
export function intermittent(upMs: number, downMs: number, cycles: number): OutageWindow[] {
  const out: OutageWindow[] = []
  for (let i = 0; i < cycles; i++) out.push({ atMs: i * (upMs + downMs) + upMs, forMs: downMs })
  return out
}

/** Sorted, with overlapping or touching windows joined. */
export function mergeWindows(windows: readonly OutageWindow[]): OutageWindow[] {
  const sorted = [...windows].sort((a, b) => a.atMs - b.atMs)
  const out: OutageWindow[] = []
  for (const w of sorted) {
    const last = out[out.length - 1]
    if (last !== undefined && w.atMs <= last.atMs + last.forMs) {
      last.forMs = Math.max(last.forMs, w.atMs + w.forMs - last.atMs)
    } else {
      out.push({ ...w })
    }
  }
  return out
}

/** Fraction of `[0, horizonMs)` that the windows cover. */
export function downFraction(windows: readonly OutageWindow[], horizonMs: number): number {
  let down = 0
  for (const w of windows) down += Math.max(0, Math.min(w.atMs + w.forMs, horizonMs) - Math.max(w.atMs, 0))
  return down / horizonMs
}
