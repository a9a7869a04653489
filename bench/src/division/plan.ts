/**
 * The division's shape, as plain data: which facilities run, which links join them (each through
 * the link emulator, with the profile of the facility's kind), who carries for whom, the compressed
 * link schedules and the three events. Pure: the same seed and options give the same plan.
 */
import { Prng } from '@pagdandi/core/testing'
import type { FacilityId } from '@pagdandi/core/record'
import { HUB_DISTRICT, type SynthFacility } from '@pagdandi/core/synth'
import { linkProfile, mergeWindows, planOutages, type OutageWindow } from '../link/index.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** One emulated link: the dialling side reaches the listening side only through it. */
export interface PlannedLink {
  id: string
  dialer: FacilityId
  listener: FacilityId
  profile: string
  /** Outage windows on the compressed clock (ms from the run's start). */
  outages: OutageWindow[]
}

/** The events the run stages, on the compressed clock. */
export interface DivisionEvents {
  /** A district hospital's process is killed and restarted after `forMs`. */
  dhDown?: { facility: FacilityId; atMs: number; forMs: number }
  /** A CHC's link is down for `forMs` (four days in the week; the whole day in a quick run). */
  chcOffline?: { facility: FacilityId; atMs: number; forMs: number }
  /** A facility is revoked by the network authority at `atMs`. */
  revoke?: { facility: FacilityId; atMs: number }
}

/** Everything the run needs to know before any process starts. */
export interface DivisionPlan {
  facilities: SynthFacility[]
  links: PlannedLink[]
  /** Carrier → the facilities it carries for (roster `carriesFor`). */
  carries: Map<FacilityId, FacilityId[]>
  /** Simulated ms per wall-clock ms. */
  factor: number
  /** Simulated span, ms. */
  horizonMs: number
  events: DivisionEvents
}

/** Options of `planDivision`. */
export interface PlanOptions {
  seed: number
  facilities: readonly SynthFacility[]
  /** Run only this many facilities (hospitals first, then CHCs whose hub runs); default all. */
  limit?: number
  factor: number
  /** Simulated span in ms: one OPD day (quick) or a week. */
  horizonMs: number
}

/** A window list on the simulated clock divided by `factor`: the schedule compressed with the time. */
export function compressWindows(windows: readonly OutageWindow[], factor: number): OutageWindow[] {
  if (!(factor >= 1)) throw new RangeError('compression factor must be at least 1')
  return windows.map(w => ({ atMs: w.atMs / factor, forMs: w.forMs / factor }))
}

/** The facilities a `--facilities N` run keeps: DHs, then CHs and CHCs whose hub is kept, in order. */
export function chooseFacilities(all: readonly SynthFacility[], limit?: number): SynthFacility[] {
  if (limit === undefined || limit >= all.length) return [...all]
  const dhs = all.filter(f => f.kind === 'DH')
  const rest = all.filter(f => f.kind !== 'DH')
  const nDh = Math.max(1, Math.min(dhs.length, Math.ceil(limit / 8)))
  const kept = dhs.slice(0, nDh)
  const hubs = new Set(kept.map(f => f.id))
  for (const f of rest) {
    if (kept.length >= limit) break
    if (f.kind === 'CH' || (f.hub !== undefined && hubs.has(f.hub))) kept.push(f)
  }
  return kept
}

/** The DH a facility hangs from: a CHC's hub; a CH's district hub DH. */
function hubOf(f: SynthFacility, byDistrict: Map<string, SynthFacility>): SynthFacility | undefined {
  if (f.kind === 'DH') return undefined
  if (f.kind === 'CHC' && f.hub !== undefined) return [...byDistrict.values()].find(d => d.id === f.hub)
  return byDistrict.get(HUB_DISTRICT[f.district]) ?? [...byDistrict.values()][0]
}

/** Builds the plan: links, carriers, compressed schedules and events. */
export function planDivision(o: PlanOptions): DivisionPlan {
  const facilities = chooseFacilities(o.facilities, o.limit)
  const dhs = facilities.filter(f => f.kind === 'DH')
  const byDistrict = new Map(dhs.map(d => [d.district as string, d]))
  const prng = new Prng(o.seed)
  const links: PlannedLink[] = []
  const carries = new Map<FacilityId, FacilityId[]>()
  // A process may draw a window past the horizon ("1–3 a week" in a 12 h day): it never happens.
  const schedule = (profile: string): OutageWindow[] =>
    compressWindows(
      planOutages(linkProfile(profile).outages, prng.fork(), o.horizonMs).filter(w => w.atMs < o.horizonMs),
      o.factor
    )
  for (const f of facilities) {
    const hub = hubOf(f, byDistrict)
    if (hub === undefined) continue
    links.push({ id: `${f.id}>${hub.id}`, dialer: f.id, listener: hub.id, profile: f.link, outages: schedule(f.link) })
    carries.set(hub.id, [...(carries.get(hub.id) ?? []), f.id])
  }
  // DH to DH between districts: a full mesh; a pair is as good as its worse end (VSAT beats nothing).
  for (let i = 0; i < dhs.length; i++) {
    for (let j = i + 1; j < dhs.length; j++) {
      const a = dhs[i]!
      const b = dhs[j]!
      const profile = a.link === 'vsat-geo' || b.link === 'vsat-geo' ? 'vsat-geo' : 'bharatnet-fibre'
      links.push({ id: `${a.id}>${b.id}`, dialer: a.id, listener: b.id, profile, outages: schedule(profile) })
    }
  }
  const events = planEvents(facilities, o, links)
  return { facilities, links, carries, factor: o.factor, horizonMs: o.horizonMs, events }
}

/**
 * The three events. The week: a smaller DH down for a day from day 2, a CHC offline four days from
 * day 1, a CHC revoked at mid-week. A quick day scales them into the day: the DH down 4 h from
 * 10:00, the CHC offline the whole day (back at quiescence), the revocation at mid-day.
 */
function planEvents(facilities: SynthFacility[], o: PlanOptions, links: PlannedLink[]): DivisionEvents {
  const week = o.horizonMs >= 3 * DAY
  const dhs = facilities.filter(f => f.kind === 'DH')
  const chcs = facilities.filter(f => f.kind === 'CHC')
  const events: DivisionEvents = {}
  const c = (ms: number): number => ms / o.factor
  // Not Jagdalpur (the division's busiest) when another DH runs: a smaller district's hospital.
  const dh = dhs.length > 1 ? dhs[dhs.length - 1]! : dhs[0]
  if (dh !== undefined) {
    events.dhDown = week
      ? { facility: dh.id, atMs: c(1 * DAY + 6 * HOUR), forMs: c(DAY) }
      : { facility: dh.id, atMs: c(1.5 * HOUR), forMs: c(4 * HOUR) }
  }
  const offline = chcs[0]
  if (offline !== undefined) {
    const w = week ? { atMs: c(DAY), forMs: c(4 * DAY) } : { atMs: 0, forMs: c(o.horizonMs) }
    events.chcOffline = { facility: offline.id, ...w }
    const link = links.find(l => l.dialer === offline.id)
    if (link !== undefined) {
      link.outages = mergeWindows([...link.outages, w])
      link.profile = 'offline-days'
    }
  }
  const revoked = chcs.length > 2 ? chcs[chcs.length - 1] : undefined
  if (revoked !== undefined) events.revoke = { facility: revoked.id, atMs: c(o.horizonMs / 2) }
  return events
}
