/**
 * The benchmark scenarios. Each runs one system through one emulated link and returns a row of
 * measurements; the runner calls every system in turn on the same link, in the same run.
 */
import net from 'node:net'
import { LinkEmulator, intermittent, profileRttMs, PROFILES, type LinkProfile, type LinkStats } from '../link/index.js'
import type { Usage } from '../peers/rpc.js'
import type { Driver, RelayDriver, SyncOutcome } from './Driver.js'

/** One measured run of one system in one scenario. */
export interface Row {
  scenario: 'initial' | 'catch-up' | 'referral' | 'multi-hop'
  system: string
  profile: string
  /** Patients in the corpus. */
  size: number
  /** Documents changed (catch-up, referral). */
  changed?: number
  done: boolean
  /** Time to convergence (for referral: from the change to delivery), ms. */
  ms: number
  bytesUp: number
  bytesDown: number
  roundTrips: number
  /** Highest peak RSS among the processes, MB. */
  peakRssMb: number
  /** CPU used by all processes during the measured part, ms. */
  cpuMs: number
  /** payload ÷ bandwidth (busier direction) + one RTT, ms; 0 on an unshaped link. */
  limitMs: number
  /** Time the link spent stalled on lost segments in the busier direction, ms (the limit ignores loss). */
  stallMs?: number
  note?: string
  /** Extra per-scenario figures (e.g. sealed bytes of the changed items). */
  extra?: Record<string, number | string>
}

/** Settings shared by every scenario in a run. */
export interface RunSettings {
  seed: number
  timeoutMs: number
  log: (s: string) => void
}

/** The physical limit of moving these bytes over this link: payload ÷ bandwidth + one RTT. */
export function physicalLimitMs(profile: LinkProfile, bytesUp: number, bytesDown: number): number {
  const up = Number.isFinite(profile.up.rateBps) ? (bytesUp * 8000) / profile.up.rateBps : 0
  const down = Number.isFinite(profile.down.rateBps) ? (bytesDown * 8000) / profile.down.rateBps : 0
  if (up === 0 && down === 0) return 0
  return Math.max(up, down) + profileRttMs(profile)
}

function rowOf(
  base: Pick<Row, 'scenario' | 'system' | 'profile' | 'size'>,
  out: SyncOutcome,
  stats: LinkStats,
  profile: LinkProfile,
  usage: Usage[],
  cpu0: number
): Row {
  const bytesUp = stats.up.bytes
  const bytesDown = stats.down.bytes
  return {
    ...base,
    done: out.done,
    ms: out.ms,
    bytesUp,
    bytesDown,
    roundTrips: stats.roundTrips,
    peakRssMb: Math.max(...usage.map(u => u.maxRssMb)),
    cpuMs: usage.reduce((a, u) => a + u.cpuMs, 0) - cpu0,
    limitMs: physicalLimitMs(profile, bytesUp, bytesDown),
    stallMs: bytesUp >= bytesDown ? stats.up.stallMs : stats.down.stallMs,
    ...(out.done ? {} : { note: `timed out, ${out.missing ?? '?'} still missing (documents; items for Pagdandi)` })
  }
}

function withExtras(row: Row, extra: Record<string, number | string> | undefined): Row {
  return extra === undefined || Object.keys(extra).length === 0 ? row : { ...row, extra: { ...row.extra, ...extra } }
}

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', () => resolve()))
  const port = (s.address() as net.AddressInfo).port
  await new Promise<void>(resolve => s.close(() => resolve()))
  return port
}

const cpuOf = (u: { source: Usage; sink: Usage }): number => u.source.cpuMs + u.sink.cpuMs

/** Initial replication: the sink starts empty and must receive the whole corpus. */
export async function initial(
  d: Driver,
  corpusFile: string,
  size: number,
  profile: LinkProfile,
  s: RunSettings
): Promise<Row> {
  const target = await d.startSource(corpusFile)
  await d.startSink()
  const link = new LinkEmulator({
    target: { port: target },
    profile,
    seed: s.seed,
    ...(d.linkPort === undefined ? {} : { listenPort: d.linkPort })
  })
  const port = await link.start()
  d.attachLink?.(link)
  try {
    const cpu0 = cpuOf(await d.usage())
    const out = await d.sync(port, s.timeoutMs)
    const u = await d.usage()
    const row = rowOf(
      { scenario: 'initial', system: d.name, profile: profile.name, size },
      out,
      link.stats(),
      profile,
      [u.source, u.sink],
      cpu0
    )
    return withExtras(row, await d.extras?.())
  } finally {
    await link.close()
    await d.stop()
  }
}

/** Catch-up: the sink held the corpus, then `fraction` of it changed at the source. */
export async function catchUp(
  d: Driver,
  corpusFile: string,
  size: number,
  fraction: number,
  profile: LinkProfile,
  s: RunSettings
): Promise<Row> {
  const target = await d.startSource(corpusFile)
  await d.startSink()
  const linkPort = d.linkPort ?? (await freePort())
  await d.preload(target, async () => {
    const fast = new LinkEmulator({
      target: { port: target },
      profile: PROFILES.loopback,
      seed: s.seed,
      listenPort: linkPort
    })
    return { port: await fast.start(), close: async () => await fast.close() }
  })
  const changed = await d.mutate(fraction, s.seed)
  const link = new LinkEmulator({ target: { port: target }, profile, seed: s.seed, listenPort: linkPort })
  await link.start()
  d.attachLink?.(link)
  try {
    const cpu0 = cpuOf(await d.usage())
    const out = await d.sync(linkPort, s.timeoutMs)
    const u = await d.usage()
    const sealed = (d as { sealedBytesOfChanges?: number }).sealedBytesOfChanges
    const row = rowOf(
      { scenario: 'catch-up', system: d.name, profile: profile.name, size },
      out,
      link.stats(),
      profile,
      [u.source, u.sink],
      cpu0
    )
    return withExtras(
      { ...row, changed },
      { ...(sealed === undefined ? {} : { 'sealed bytes of changed items': sealed }), ...(await d.extras?.()) }
    )
  } finally {
    await link.close()
    await d.stop()
  }
}

/**
 * A referral over an intermittent link: up `upMs`, down `downMs`, repeating. The sink is in sync
 * and connected; the referral (a change to one patient) is made one second after the link drops,
 * the worst case. Measured: from the change until the sink holds it.
 */
export async function referral(
  d: Driver,
  corpusFile: string,
  size: number,
  profile: LinkProfile,
  upMs: number,
  downMs: number,
  s: RunSettings
): Promise<Row> {
  const target = await d.startSource(corpusFile)
  await d.startSink()
  const linkPort = d.linkPort ?? (await freePort())
  await d.preload(target, async () => {
    const fast = new LinkEmulator({
      target: { port: target },
      profile: PROFILES.loopback,
      seed: s.seed,
      listenPort: linkPort
    })
    return { port: await fast.start(), close: async () => await fast.close() }
  })
  const link = new LinkEmulator({
    target: { port: target },
    profile,
    seed: s.seed,
    listenPort: linkPort,
    outageMode: 'cut',
    outages: intermittent(upMs, downMs, 20)
  })
  await link.start()
  d.attachLink?.(link)
  try {
    const first = await d.sync(linkPort, upMs, true)
    if (!first.done) s.log(`${d.name}: not in sync before the first outage (continuing)`)
    await new Promise(resolve => setTimeout(resolve, Math.max(0, upMs + 1000 - link.elapsedMs())))
    const before = link.stats()
    const cpu0 = cpuOf(await d.usage())
    const changed = await d.mutate(1 / size, s.seed + 1)
    const out = await d.awaitCurrent(s.timeoutMs)
    const u = await d.usage()
    const after = link.stats()
    const stats: LinkStats = {
      ...after,
      up: { ...after.up, bytes: after.up.bytes - before.up.bytes },
      down: { ...after.down, bytes: after.down.bytes - before.down.bytes },
      roundTrips: after.roundTrips - before.roundTrips
    }
    const row = rowOf(
      { scenario: 'referral', system: d.name, profile: profile.name, size },
      out,
      stats,
      profile,
      [u.source, u.sink],
      cpu0
    )
    // Delivery cannot start before the link is back; what the system adds is the rest.
    const backAt = upMs + downMs - (upMs + 1000)
    return withExtras(
      { ...row, changed },
      { 'after link up, ms': Math.round(out.ms - backAt), ...(await d.extras?.()) }
    )
  } finally {
    await link.close()
    await d.stop()
  }
}

/** CHC → hub → DH: the DH must receive the CHC's corpus through the hub, each leg its own link. */
export async function multiHop(
  d: RelayDriver,
  corpusFile: string,
  size: number,
  legs: { chcHub: LinkProfile; hubDh: LinkProfile },
  s: RunSettings
): Promise<Row> {
  const links: LinkEmulator[] = []
  try {
    const out = await d.relay(
      corpusFile,
      async (target, leg) => {
        const profile = leg === 'chc-hub' ? legs.chcHub : legs.hubDh
        const link = new LinkEmulator({ target: { port: target }, profile, seed: s.seed + links.length })
        links.push(link)
        return await link.start()
      },
      s.timeoutMs
    )
    const stats = links.map(l => l.stats())
    const sum = (f: (x: LinkStats) => number): number => stats.reduce((a, x) => a + f(x), 0)
    const limit = links.reduce((a, l) => a + physicalLimitMs(l.profile, l.stats().up.bytes, l.stats().down.bytes), 0)
    return {
      scenario: 'multi-hop',
      system: d.name,
      profile: `${legs.chcHub.name} + ${legs.hubDh.name}`,
      size,
      done: out.done,
      ms: out.ms,
      bytesUp: sum(x => x.up.bytes),
      bytesDown: sum(x => x.down.bytes),
      roundTrips: sum(x => x.roundTrips),
      peakRssMb: Math.max(...out.usage.map(u => u.maxRssMb)),
      cpuMs: out.usage.reduce((a, u) => a + u.cpuMs, 0),
      limitMs: limit,
      ...(out.done ? {} : { note: 'timed out' })
    }
  } finally {
    for (const l of links) await l.close()
    await d.stop()
  }
}
