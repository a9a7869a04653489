/**
 * Link profiles: netem-style parameters per direction, from domain research on Bastar links
 * (2G/EDGE over VSAT, congested rural 4G, GEO VSAT, BharatNet fibre). `up` is the direction from
 * the dialling side (the client, usually the CHC) to the listening side; `down` is the reverse.
 */
import { UnknownLinkProfileError } from './errors.js'
import type { OutageModel } from './outages.js'

/** One direction of a link, as netem would describe it. */
export interface DirectionSpec {
  /** Bottleneck rate in bits per second; `Infinity` for none. */
  rateBps: number
  /** One-way propagation and queueing delay, mean, in ms. */
  delayMs: number
  /** Standard deviation of the delay (normal, clamped to ±2 sd and at 0), in ms. */
  jitterMs: number
  /** Probability that a segment is lost; a loss costs a retransmission stall, never data. */
  loss: number
}

/** A named link: both directions plus the outage model the field research describes. */
export interface LinkProfile {
  name: string
  up: DirectionSpec
  down: DirectionSpec
  /** How the link goes down over long horizons; applied only when the emulator is asked to. */
  outages: OutageModel
  /** Where the numbers come from, for the report. */
  note: string
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

function symmetric(
  rateBps: number,
  delayMs: number,
  jitterMs: number,
  loss: number
): { up: DirectionSpec; down: DirectionSpec } {
  const d = { rateBps, delayMs, jitterMs, loss }
  return { up: { ...d }, down: { ...d } }
}

/** The built-in profiles, by name. */
export const PROFILES = {
  loopback: {
    name: 'loopback',
    ...symmetric(Infinity, 0, 0, 0),
    outages: [],
    note: 'no shaping: the cost of the protocol alone'
  },
  'bharatnet-fibre': {
    name: 'bharatnet-fibre',
    ...symmetric(20_000_000, 25, 5, 0.001),
    // Power cuts 1–4 h a day; a fibre cut of 1–5 days about monthly in the monsoon.
    outages: [
      { kind: 'poisson', meanGapMs: DAY, minMs: HOUR, maxMs: 4 * HOUR },
      { kind: 'poisson', meanGapMs: 30 * DAY, minMs: DAY, maxMs: 5 * DAY }
    ],
    note: 'rate 20mbit delay 25ms 5ms loss 0.1%'
  },
  '4g-rural-congested': {
    name: '4g-rural-congested',
    up: { rateBps: 512_000, delayMs: 80, jitterMs: 30, loss: 0.005 },
    down: { rateBps: 2_000_000, delayMs: 80, jitterMs: 30, loss: 0.005 },
    outages: [{ kind: 'poisson', meanGapMs: 4 * HOUR, minMs: 10_000, maxMs: 5 * MINUTE }],
    note: 'down rate 2mbit, up rate 512kbit, delay 80ms 30ms loss 0.5% (evening halving not modelled)'
  },
  '3g-rural': {
    name: '3g-rural',
    ...symmetric(750_000, 200, 50, 0.01),
    outages: [{ kind: 'poisson', meanGapMs: 30 * MINUTE, minMs: 5_000, maxMs: 2 * MINUTE }],
    note: 'rate 750kbit delay 200ms 50ms loss 1%'
  },
  'vsat-geo': {
    name: 'vsat-geo',
    ...symmetric(1_000_000, 300, 20, 0.005),
    outages: [{ kind: 'poisson', meanGapMs: 12 * HOUR, minMs: 2 * MINUTE, maxMs: 20 * MINUTE }],
    note: 'rate 1mbit delay 300ms 20ms loss 0.5% (RTT ≈ 600 ms)'
  },
  edge: {
    name: 'edge',
    ...symmetric(200_000, 400, 100, 0.015),
    outages: [{ kind: 'poisson', meanGapMs: 30 * MINUTE, minMs: 5_000, maxMs: 2 * MINUTE }],
    note: 'rate 200kbit delay 400ms 100ms loss 1.5%'
  },
  'lwe-2g-vsat': {
    name: 'lwe-2g-vsat',
    ...symmetric(64_000, 700, 150, 0.03),
    // 10% of minutes fully down, plus 1–3 multi-hour outages a week.
    outages: [
      { kind: 'fraction', slotMs: MINUTE, p: 0.1 },
      { kind: 'perPeriod', periodMs: 7 * DAY, minCount: 1, maxCount: 3, minMs: 2 * HOUR, maxMs: 6 * HOUR }
    ],
    note: 'rate 64kbit delay 700ms 150ms distribution normal loss 3%'
  },
  'offline-days': {
    name: 'offline-days',
    // When it comes back it is a rural 3G cell; what matters is the 24–96 h with nothing.
    ...symmetric(750_000, 200, 50, 0.01),
    outages: [{ kind: 'once', atMs: 0, minMs: DAY, maxMs: 4 * DAY }],
    note: '100% loss for 24–96 h (sneakernet scenario), then 3g-rural'
  }
} as const satisfies Record<string, LinkProfile>

/** Names of the built-in profiles. */
export type ProfileName = keyof typeof PROFILES

/** The built-in profile with this name; throws `UnknownLinkProfileError` otherwise. */
export function linkProfile(name: string): LinkProfile {
  const p = (PROFILES as Record<string, LinkProfile>)[name]
  if (p === undefined) throw new UnknownLinkProfileError(name)
  return p
}

/** A custom profile derived from a base profile (or from nothing), e.g. the issue-4 2G link. */
export function customProfile(
  name: string,
  spec: Partial<Omit<LinkProfile, 'name'>> & { base?: LinkProfile }
): LinkProfile {
  const base = spec.base ?? PROFILES.loopback
  return {
    name,
    up: { ...base.up, ...spec.up },
    down: { ...base.down, ...spec.down },
    outages: spec.outages ?? base.outages,
    note: spec.note ?? `custom, from ${base.name}`
  }
}

/** The profile's base round-trip time (mean delays both ways), in ms. */
export function profileRttMs(p: LinkProfile): number {
  return p.up.delayMs + p.down.delayMs
}

/** The same profile without loss, for measuring what rate and delay alone give. */
export function withoutLoss(p: LinkProfile): LinkProfile {
  return { ...p, name: `${p.name}/no-loss`, up: { ...p.up, loss: 0 }, down: { ...p.down, loss: 0 } }
}
