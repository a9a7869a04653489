import { describe, expect, it } from 'vitest'
import { Prng } from '@pagdandi/core/testing'
import { LinkEmulator } from './LinkEmulator.js'
import { PROFILES, customProfile, linkProfile, profileRttMs, withoutLoss, type LinkProfile } from './profiles.js'
import { planOutages, downFraction } from './outages.js'
import { MSS } from './DirectionPipe.js'
import { UnknownLinkProfileError } from './errors.js'
import { dial, measureRtt, pattern, startRecorder, until } from './testkit.js'
import type { ScheduledSegment } from './DirectionPipe.js'

const SEED = 20261126

/** Payload rate the profile allows once the 40-byte headers per full segment are paid. */
function goodputBytesPerSec(bps: number): number {
  return ((bps / 8) * MSS) / (MSS + 40)
}

/**
 * Checks a direction's schedule against the profile's arithmetic, on the emulator's own clock:
 * each segment holds the bottleneck for exactly (size + 40) × 8 / rate (plus one RTO if lost),
 * segments never overlap and the bottleneck never idles while one waits, each is due exactly its
 * drawn delay (within ±2 jitter) after its serialisation ends and never before an earlier one, and
 * none was handed over before it was due. Machine speed only makes deliveries late, which is allowed.
 */
function checkSchedule(segs: ReadonlyArray<ScheduledSegment>, spec: LinkProfile['up'], rtoMs = 0): void {
  expect(segs.length).toBeGreaterThan(0)
  let prev: ScheduledSegment | undefined
  for (const [i, g] of segs.entries()) {
    const at = `segment ${i}`
    expect(g.txEnd - g.txStart, at).toBeCloseTo(((g.size + 40) * 8 * 1000) / spec.rateBps, 6)
    const free = Math.max(prev?.txEnd ?? -Infinity, g.queuedAt)
    expect(g.txStart - free, at).toBeGreaterThanOrEqual((g.lost ? rtoMs : 0) - 1e-6)
    expect(g.txStart - free, at).toBeLessThanOrEqual((g.lost ? rtoMs : 0) + 1e-6)
    expect(g.delayMs, at).toBeGreaterThanOrEqual(spec.delayMs - 2 * spec.jitterMs - 1e-9)
    expect(g.delayMs, at).toBeLessThanOrEqual(spec.delayMs + 2 * spec.jitterMs + 1e-9)
    expect(g.deliverAt, at).toBe(Math.max(prev?.deliverAt ?? -Infinity, g.txEnd + g.delayMs))
    if (!Number.isNaN(g.deliveredAt)) expect(g.deliveredAt, at).toBeGreaterThanOrEqual(g.deliverAt - 0.5)
    prev = g
  }
}

/** Payload bytes per second of bottleneck time in a schedule (what the link's rate gives, machine aside). */
function scheduledRate(segs: ReadonlyArray<ScheduledSegment>): number {
  const bytes = segs.reduce((a, g) => a + g.size, 0)
  const busyMs = segs.reduce((a, g) => a + (g.txEnd - g.txStart), 0)
  return bytes / (busyMs / 1000)
}

async function upload(profile: LinkProfile, bytes: number): Promise<{ intact: boolean; link: LinkEmulator }> {
  const rec = await startRecorder()
  const link = new LinkEmulator({ target: { port: rec.port }, profile, seed: SEED })
  const port = await link.start()
  try {
    const s = await dial(port)
    const data = pattern(bytes)
    s.write(data)
    await until(() => rec.arrivals.reduce((a, x) => a + x.bytes, 0) >= bytes, 120_000)
    s.destroy()
    return { intact: Buffer.concat(rec.received).equals(data), link }
  } finally {
    await link.close()
    await rec.close()
  }
}

async function download(profile: LinkProfile, bytes: number): Promise<{ intact: boolean; link: LinkEmulator }> {
  const data = pattern(bytes)
  const rec = await startRecorder(s => s.write(data))
  const link = new LinkEmulator({ target: { port: rec.port }, profile, seed: SEED })
  const port = await link.start()
  const got: Buffer[] = []
  try {
    const s = await dial(port)
    s.on('data', (d: Buffer) => got.push(d))
    await until(() => got.reduce((a, x) => a + x.length, 0) >= bytes, 120_000)
    s.destroy()
    return { intact: Buffer.concat(got).equals(data), link }
  } finally {
    await link.close()
    await rec.close()
  }
}

/** Mean round trip of `n` one-byte pings as the emulator scheduled them: up and down, queue to due. */
async function scheduledRtt(profile: LinkProfile, n: number): Promise<{ rtt: number; link: LinkEmulator }> {
  const rec = await startRecorder(s => s.on('data', (d: Buffer) => s.write(d)))
  const link = new LinkEmulator({ target: { port: rec.port }, profile, seed: SEED })
  const port = await link.start()
  try {
    await measureRtt(port, n)
    const { up, down } = link.schedule()
    const pings = up.slice(-n).map((u, i) => {
      const d = down.slice(-n)[i]!
      return u.deliverAt - u.queuedAt + (d.deliverAt - d.queuedAt)
    })
    return { rtt: pings.reduce((a, b) => a + b, 0) / n, link }
  } finally {
    await link.close()
    await rec.close()
  }
}

// Real bytes through real sockets, checked against the emulator's own schedule: the machine's speed
// (a loaded CI box) can only make deliveries late, and no assertion depends on it.
// Sample counts are chosen so that the jitter's sampling error (2 sd of the mean) is under 10%.
describe.concurrent('LinkEmulator schedules what its profile says (±10% for the seeded jitter)', () => {
  const cases: Array<{ profile: LinkProfile; upBytes: number; downBytes: number; pings: number }> = [
    { profile: PROFILES['bharatnet-fibre'], upBytes: 500_000, downBytes: 500_000, pings: 20 },
    { profile: PROFILES['3g-rural'], upBytes: 60_000, downBytes: 60_000, pings: 16 },
    { profile: PROFILES['4g-rural-congested'], upBytes: 30_000, downBytes: 60_000, pings: 30 },
    { profile: PROFILES['vsat-geo'], upBytes: 60_000, downBytes: 60_000, pings: 6 },
    { profile: PROFILES.edge, upBytes: 30_000, downBytes: 30_000, pings: 14 }
  ]
  for (const c of cases) {
    const p = withoutLoss(c.profile)
    it(`${c.profile.name}: upload at the profile's rate, bytes intact and in order`, async () => {
      const { intact, link } = await upload(p, c.upBytes)
      expect(intact).toBe(true)
      const segs = link.schedule().up.filter(g => g.size > 0)
      checkSchedule(segs, p.up)
      expect(segs.reduce((a, g) => a + g.size, 0)).toBe(c.upBytes)
      expect(scheduledRate(segs) / goodputBytesPerSec(p.up.rateBps)).toBeGreaterThan(0.9)
      expect(scheduledRate(segs) / goodputBytesPerSec(p.up.rateBps)).toBeLessThan(1.1)
    })
    it(`${c.profile.name}: download at the profile's rate`, async () => {
      const { intact, link } = await download(p, c.downBytes)
      expect(intact).toBe(true)
      const segs = link.schedule().down.filter(g => g.size > 0)
      checkSchedule(segs, p.down)
      expect(scheduledRate(segs) / goodputBytesPerSec(p.down.rateBps)).toBeGreaterThan(0.9)
      expect(scheduledRate(segs) / goodputBytesPerSec(p.down.rateBps)).toBeLessThan(1.1)
    })
    it(`${c.profile.name}: round-trip time`, async () => {
      const { rtt, link } = await scheduledRtt(p, c.pings)
      checkSchedule(link.schedule().up, p.up)
      checkSchedule(link.schedule().down, p.down)
      expect(rtt / profileRttMs(p)).toBeGreaterThan(0.9)
      expect(rtt / profileRttMs(p)).toBeLessThan(1.1)
    })
  }

  it('edge with 10% upstream loss: every lost segment costs one stall and no data', async () => {
    const profile = customProfile('lossy', { base: PROFILES.edge, up: { ...PROFILES.edge.up, loss: 0.1 } })
    const bytes = 60_000
    const { intact, link } = await upload(profile, bytes)
    expect(intact).toBe(true)
    const st = link.stats().up
    const segs = link.schedule().up
    expect(st.lostSegments).toBeGreaterThan(0)
    expect(segs.filter(g => g.lost)).toHaveLength(st.lostSegments)
    const rto = Math.max(200, profileRttMs(profile) + 4 * Math.hypot(profile.up.jitterMs, profile.down.jitterMs))
    checkSchedule(segs, profile.up, rto)
    expect(st.stallMs).toBeCloseTo(st.lostSegments * rto, 6)
  })
})

describe('LinkEmulator segments', () => {
  it('small writes queued behind a busy link travel in full segments, as a TCP send queue coalesces them', async () => {
    const rec = await startRecorder()
    const link = new LinkEmulator({ target: { port: rec.port }, profile: withoutLoss(PROFILES.edge), seed: SEED })
    const port = await link.start()
    const s = await dial(port)
    const data = pattern(20_000)
    for (let off = 0; off < data.length; off += 50) s.write(data.subarray(off, off + 50))
    await until(() => rec.arrivals.reduce((a, x) => a + x.bytes, 0) >= data.length, 10_000)
    expect(Buffer.concat(rec.received).equals(data)).toBe(true)
    // 400 writes; a full-segment count is 14. Allow for the first few writes leaving before the queue forms.
    expect(link.stats().up.segments).toBeLessThan(40)
    s.destroy()
    await link.close()
    await rec.close()
  })
})

describe('LinkEmulator outages', () => {
  const profile = customProfile('test-1mbit', {
    up: { rateBps: 1_000_000, delayMs: 10, jitterMs: 0, loss: 0 },
    down: { rateBps: 1_000_000, delayMs: 10, jitterMs: 0, loss: 0 }
  })

  it('stall: nothing arrives while down, everything arrives after, new connections are refused meanwhile', async () => {
    const rec = await startRecorder()
    const link = new LinkEmulator({
      target: { port: rec.port },
      profile,
      seed: SEED
    })
    const port = await link.start()
    const s = await dial(port)
    let sent = 0
    const timer = setInterval(() => {
      s.write(pattern(500))
      sent += 500
    }, 10)
    // The test brings the link down and up itself (the cut test below covers the schedule), so a
    // slow machine cannot make the outage end before the dial lands in it.
    await until(() => rec.arrivals.length > 0, 10_000)
    link.setLinkUp(false)
    const refused = await dial(port).then(
      async c =>
        await new Promise<boolean>(resolve => {
          c.on('error', () => resolve(true))
          c.on('close', () => resolve(true))
          c.on('data', () => resolve(false))
        }),
      () => true
    )
    // The outage lasts until 20 more writes (10 KB) have gone into the link, whatever the clock says:
    // what is checked below is that none of them arrived before the link came back.
    const sentWhenDown = sent
    await until(() => sent >= sentWhenDown + 10_000, 10_000)
    link.setLinkUp(true)
    clearInterval(timer)
    await until(() => rec.arrivals.reduce((a, x) => a + x.bytes, 0) >= sent, 10_000)
    const [down, up] = link.transitions()
    expect([down?.up, up?.up]).toEqual([false, true])
    const delivered = link.schedule().up.filter(g => g.size > 0)
    expect(delivered.filter(g => g.deliveredAt > down!.at && g.deliveredAt < up!.at)).toEqual([])
    expect(delivered.filter(g => g.deliveredAt >= up!.at).length).toBeGreaterThan(0)
    expect(refused).toBe(true)
    expect(link.stats().refused).toBe(1)
    expect(rec.arrivals.reduce((a, x) => a + x.bytes, 0)).toBe(sent)
    s.destroy()
    await link.close()
    await rec.close()
  })

  it('cut: open connections are closed when the link drops, and a new one works after it returns', async () => {
    const rec = await startRecorder(s => s.on('data', (d: Buffer) => s.write(d)))
    const link = new LinkEmulator({
      target: { port: rec.port },
      profile,
      seed: SEED,
      outageMode: 'cut',
      outages: [{ atMs: 200, forMs: 300 }]
    })
    const port = await link.start()
    const s = await dial(port)
    const closed = new Promise<void>(resolve => s.on('close', () => resolve()))
    s.on('error', () => {})
    await closed
    expect(link.elapsedMs()).toBeGreaterThanOrEqual(199)
    await until(() => link.isUp, 2_000)
    expect(await measureRtt(port, 3)).toBeGreaterThan(0)
    expect(link.stats().cut).toBe(1)
    await link.close()
    await rec.close()
  })
})

describe('LinkEmulator determinism', () => {
  it('the same seed gives the same outage schedule and the same per-segment draws; another seed differs', async () => {
    const a = planOutages(PROFILES['lwe-2g-vsat'].outages, new Prng(SEED), 7 * 24 * 3600_000)
    const b = planOutages(PROFILES['lwe-2g-vsat'].outages, new Prng(SEED), 7 * 24 * 3600_000)
    const c = planOutages(PROFILES['lwe-2g-vsat'].outages, new Prng(SEED + 1), 7 * 24 * 3600_000)
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    // "10% of minutes fully down" plus multi-hour outages: between 10% and 30% of a week.
    expect(downFraction(a, 7 * 24 * 3600_000)).toBeGreaterThan(0.09)
    expect(downFraction(a, 7 * 24 * 3600_000)).toBeLessThan(0.3)

    const traces = []
    for (const seed of [SEED, SEED, SEED + 1]) {
      const rec = await startRecorder()
      const link = new LinkEmulator({
        target: { port: rec.port },
        profile: PROFILES['bharatnet-fibre'],
        seed,
        outages: 'profile'
      })
      const port = await link.start()
      const s = await dial(port)
      // Writes in MSS multiples, so segmentation does not depend on how the socket coalesces.
      for (let i = 0; i < 20; i++) s.write(pattern(MSS * 10))
      await until(() => rec.arrivals.reduce((x, y) => x + y.bytes, 0) >= MSS * 200, 10_000)
      // The first 200 draws: how the socket splits the bytes may add a short segment at the end.
      traces.push({
        draws: link
          .trace()
          .up.slice(0, 200)
          .map(([, lost, delay]) => [lost, delay]),
        outages: link.outages
      })
      s.destroy()
      await link.close()
      await rec.close()
    }
    expect(traces[0]).toEqual(traces[1])
    expect(traces[0]).not.toEqual(traces[2])
  })

  it('names every profile of the field research, and rejects an unknown one with a named error', () => {
    for (const name of [
      'loopback',
      'bharatnet-fibre',
      '4g-rural-congested',
      '3g-rural',
      'vsat-geo',
      'edge',
      'lwe-2g-vsat',
      'offline-days'
    ]) {
      expect(linkProfile(name).name).toBe(name)
    }
    expect(() => linkProfile('5g')).toThrow(UnknownLinkProfileError)
  })
})
