import { describe, expect, it } from 'vitest'
import { Prng } from '@pagdandi/core/testing'
import { LinkEmulator } from './LinkEmulator.js'
import { PROFILES, customProfile, linkProfile, profileRttMs, withoutLoss, type LinkProfile } from './profiles.js'
import { planOutages, downFraction } from './outages.js'
import { MSS } from './DirectionPipe.js'
import { UnknownLinkProfileError } from './errors.js'
import { achievedRate, dial, measureRtt, pattern, startRecorder, until } from './testkit.js'

const SEED = 20261126

/** Payload rate the profile allows once the 40-byte headers per full segment are paid. */
function goodputBytesPerSec(bps: number): number {
  return ((bps / 8) * MSS) / (MSS + 40)
}

async function uploadRate(
  profile: LinkProfile,
  bytes: number
): Promise<{ rate: number; intact: boolean; link: LinkEmulator }> {
  const rec = await startRecorder()
  const link = new LinkEmulator({ target: { port: rec.port }, profile, seed: SEED })
  const port = await link.start()
  try {
    const s = await dial(port)
    const data = pattern(bytes)
    s.write(data)
    await until(() => rec.arrivals.reduce((a, x) => a + x.bytes, 0) >= bytes, 60_000)
    s.destroy()
    return { rate: achievedRate(rec.arrivals), intact: Buffer.concat(rec.received).equals(data), link }
  } finally {
    await link.close()
    await rec.close()
  }
}

async function downloadRate(profile: LinkProfile, bytes: number): Promise<number> {
  const data = pattern(bytes)
  const rec = await startRecorder(s => s.write(data))
  const link = new LinkEmulator({ target: { port: rec.port }, profile, seed: SEED })
  const port = await link.start()
  const arrivals: Array<{ at: number; bytes: number }> = []
  try {
    const s = await dial(port)
    s.on('data', (d: Buffer) => arrivals.push({ at: performance.now(), bytes: d.length }))
    await until(() => arrivals.reduce((a, x) => a + x.bytes, 0) >= bytes, 60_000)
    s.destroy()
    return achievedRate(arrivals)
  } finally {
    await link.close()
    await rec.close()
  }
}

async function rttThrough(profile: LinkProfile, n: number): Promise<number> {
  const rec = await startRecorder(s => s.on('data', (d: Buffer) => s.write(d)))
  const link = new LinkEmulator({ target: { port: rec.port }, profile, seed: SEED })
  const port = await link.start()
  try {
    return await measureRtt(port, n)
  } finally {
    await link.close()
    await rec.close()
  }
}

// Transfers are a second or two each and the profiles run concurrently, to keep the file short.
// Sample counts are chosen so that the jitter's sampling error (2 sd of the mean) is under 10%.
describe.concurrent('LinkEmulator matches its profile (±10%)', () => {
  const cases: Array<{ profile: LinkProfile; upBytes: number; downBytes: number; pings: number }> = [
    { profile: PROFILES['bharatnet-fibre'], upBytes: 2_500_000, downBytes: 2_500_000, pings: 20 },
    { profile: PROFILES['3g-rural'], upBytes: 120_000, downBytes: 120_000, pings: 16 },
    { profile: PROFILES['4g-rural-congested'], upBytes: 60_000, downBytes: 250_000, pings: 30 },
    { profile: PROFILES['vsat-geo'], upBytes: 150_000, downBytes: 150_000, pings: 6 },
    { profile: PROFILES.edge, upBytes: 50_000, downBytes: 50_000, pings: 14 }
  ]
  for (const c of cases) {
    const p = withoutLoss(c.profile)
    it(`${c.profile.name}: upload throughput, bytes intact and in order`, async () => {
      const { rate, intact } = await uploadRate(p, c.upBytes)
      expect(intact).toBe(true)
      expect(rate / goodputBytesPerSec(p.up.rateBps)).toBeGreaterThan(0.9)
      expect(rate / goodputBytesPerSec(p.up.rateBps)).toBeLessThan(1.1)
    })
    it(`${c.profile.name}: download throughput`, async () => {
      const rate = await downloadRate(p, c.downBytes)
      expect(rate / goodputBytesPerSec(p.down.rateBps)).toBeGreaterThan(0.9)
      expect(rate / goodputBytesPerSec(p.down.rateBps)).toBeLessThan(1.1)
    })
    it(`${c.profile.name}: round-trip time`, async () => {
      const rtt = await rttThrough(p, c.pings)
      expect(rtt / profileRttMs(p)).toBeGreaterThan(0.9)
      expect(rtt / profileRttMs(p)).toBeLessThan(1.1)
    })
  }

  it('edge with 10% upstream loss: every lost segment costs one stall and no data', async () => {
    const profile = customProfile('lossy', { base: PROFILES.edge, up: { ...PROFILES.edge.up, loss: 0.1 } })
    const bytes = 60_000
    const { rate, intact, link } = await uploadRate(profile, bytes)
    expect(intact).toBe(true)
    const st = link.stats().up
    expect(st.lostSegments).toBeGreaterThan(0)
    // Time = serialisation + stalls; the measured rate agrees with that account within 10%.
    const serialMs = ((bytes + st.segments * 40) * 8 * 1000) / profile.up.rateBps
    const expected = bytes / ((serialMs + st.stallMs) / 1000)
    expect(rate / expected).toBeGreaterThan(0.9)
    expect(rate / expected).toBeLessThan(1.1)
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
      seed: SEED,
      outages: [{ atMs: 300, forMs: 600 }]
    })
    const port = await link.start()
    const s = await dial(port)
    const t0 = performance.now()
    let sent = 0
    const timer = setInterval(() => {
      s.write(pattern(500))
      sent += 500
    }, 10)
    await new Promise(resolve => setTimeout(resolve, 500))
    // During the outage a new dial is reset.
    const refused = await dial(port).then(
      async c =>
        await new Promise<boolean>(resolve => {
          c.on('error', () => resolve(true))
          c.on('close', () => resolve(true))
          c.on('data', () => resolve(false))
        }),
      () => true
    )
    await new Promise(resolve => setTimeout(resolve, 700))
    clearInterval(timer)
    await until(() => rec.arrivals.reduce((a, x) => a + x.bytes, 0) >= sent, 5_000)
    const during = rec.arrivals.filter(a => a.at - t0 > 350 && a.at - t0 < 880)
    const after = rec.arrivals.filter(a => a.at - t0 >= 900)
    expect(refused).toBe(true)
    expect(link.stats().refused).toBe(1)
    expect(during).toHaveLength(0)
    expect(after.length).toBeGreaterThan(0)
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
      traces.push({ draws: link.trace().up.map(([, lost, delay]) => [lost, delay]), outages: link.outages })
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
