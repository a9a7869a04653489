/**
 * `pnpm bench --scenarios division [--quick]`: the Bastar division end to end. 49 `pagdandi start`
 * processes, one link emulator per link, a compressed OPD day (quick) or week of core/synth load
 * written through the HTTP API, the three events, then quiescence and the checks.
 */
import os from 'node:os'
import { join } from 'node:path'
import type { FacilityId } from '@pagdandi/core/record'
import { generateFacilities } from '@pagdandi/core/synth'
import { DataDir, openStore } from '@pagdandi/node'
import { CACHE_DIR } from '../corpus.js'
import { procUsage } from '../harness/pagdandiNodes.js'
import { LoadDriver } from './driver.js'
import { Ledger, checkConvergence, lostWrites, type Holding, type Observation } from './ledger.js'
import { planLoad } from './load.js'
import { DivisionNetwork } from './network.js'
import { planDivision } from './plan.js'
import { measure, type Sample } from './measure.js'
import { writeDivisionReport, type DivisionResult } from './report.js'

const HOUR = 3_600_000

/** Options of a division run. */
export interface DivisionOptions {
  quick: boolean
  seed: number
  /** Run only this many facilities (development); default all 49. */
  facilities?: number
  /** Simulated ms per wall ms; default 180 (quick: a 12 h day in 4 min) or 1,200 (week: 8.4 min). */
  factor?: number
  /** Multiplies the published volumes (default 1). */
  volume?: number
  outDir: string
  log: (s: string) => void
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Runs the division and writes its report; returns the closing line. */
export async function runDivision(o: DivisionOptions): Promise<string> {
  const started = new Date()
  const load0 = os.loadavg()
  const factor = o.factor ?? (o.quick ? 180 : 1200)
  const horizonMs = o.quick ? 12 * HOUR : 7 * 24 * HOUR
  // The OPD day opens at 09:00 IST; the run's clock starts at 08:00 IST (02:30 UTC) of a monsoon Tuesday.
  const from = o.quick ? '2025-07-15' : '2025-07-14'
  const startMs = Date.parse(`${from}T02:30:00Z`)
  const all = generateFacilities(o.seed)
  const plan = planDivision({ seed: o.seed, facilities: all, limit: o.facilities, factor, horizonMs })
  const writes = planLoad({
    seed: o.seed,
    facilities: plan.facilities,
    all,
    from,
    startMs,
    days: o.quick ? 1 : 7,
    horizonMs,
    volume: o.volume ?? 1
  })
  o.log(
    `division: ${plan.facilities.length} facilities, ${plan.links.length} links, ${writes.length} planned writes, ` +
      `${factor}x compression (${(horizonMs / factor / 1000).toFixed(0)} s of load)`
  )
  process.env.PAGDANDI_BENCH_MAX_REDIAL_S = String(Math.max(1, Math.round(60 / factor)))
  const root = join(CACHE_DIR, `division-${process.pid}`)
  const net = new DivisionNetwork(root, plan)
  const ledger = new Ledger()
  try {
    await net.prepare(o.seed)
    const tStart = performance.now()
    await net.startAll(8, o.log)
    const startupS = (performance.now() - tStart) / 1000
    o.log(`${net.nodes.size} nodes up in ${startupS.toFixed(0)} s; links start now`)
    net.startLinks()
    const t0 = performance.now()
    const desks = new Map(plan.facilities.map(f => [f.id, Math.max(1, Math.ceil(f.opdPerDay / 150))]))
    const driver = new LoadDriver(writes, net, ledger, { factor, t0, desks })
    const samples: Sample[] = []
    const events: { atS: number; what: string }[] = []
    const downs = new Map<FacilityId, { at: number; until?: number }[]>()
    const ev = plan.events
    let dhDownDone = false
    let dhUpDone = false
    let revokedDone = false
    const loadEnd = horizonMs / factor
    let nextSample = 0
    let nextPoll = 0
    let nextLog = 0
    for (;;) {
      const now = driver.elapsed()
      driver.tick()
      if (ev.dhDown !== undefined && !dhDownDone && now >= ev.dhDown.atMs) {
        dhDownDone = true
        events.push({ atS: now / 1000, what: `${ev.dhDown.facility} killed (SIGKILL): DH down` })
        downs.set(ev.dhDown.facility, [{ at: performance.now() }])
        void net.stop(ev.dhDown.facility, 'SIGKILL')
      }
      if (ev.dhDown !== undefined && dhDownDone && !dhUpDone && now >= ev.dhDown.atMs + ev.dhDown.forMs) {
        dhUpDone = true
        await net.start(ev.dhDown.facility)
        downs.get(ev.dhDown.facility)![0]!.until = performance.now()
        events.push({ atS: driver.elapsed() / 1000, what: `${ev.dhDown.facility} restarted` })
      }
      if (ev.revoke !== undefined && !revokedDone && now >= ev.revoke.atMs) {
        revokedDone = true
        driver.revoked.add(ev.revoke.facility)
        const n = await net.revoke(ev.revoke.facility)
        events.push({
          atS: driver.elapsed() / 1000,
          what: `${ev.revoke.facility} revoked; roster installed at ${n} nodes`
        })
      }
      if (now >= nextPoll) {
        nextPoll = now + 1000
        await driver.pollDeliveries()
      }
      if (now >= nextSample) {
        nextSample = now + 5000
        samples.push(await measure.sample(net, driver))
      }
      if (now >= nextLog) {
        nextLog = now + 30_000
        const c = ledger.counts()
        o.log(
          `${(now / 1000).toFixed(0)} s: ${c.acknowledged} acknowledged, ${c.refused} refused, ${driver.outstanding} outstanding, ${driver.undelivered().length} referrals in flight`
        )
      }
      const settled = driver.outstanding - driver.awaitingDelivery === 0
      if (now >= loadEnd && settled && dhUpDone === (ev.dhDown !== undefined)) break
      if (now >= loadEnd * 3) {
        o.log(`load did not finish: ${driver.outstanding} writes outstanding`)
        break
      }
      await sleep(50)
    }
    const loadS = driver.elapsed() / 1000
    events.push({ atS: loadS, what: 'load done; every link up (quiescence)' })
    o.log(
      `load done in ${loadS.toFixed(0)} s: ${ledger.counts().acknowledged} writes acknowledged; waiting for quiescence`
    )
    for (const l of net.links) l.emulator.endOutages()
    const quiet = await measure.quiesce(net, driver, o.quick ? 900_000 : 1_800_000, samples)
    events.push({ atS: driver.elapsed() / 1000, what: quiet ? 'quiescent' : 'quiescence timed out' })
    o.log(quiet ? `quiescent at ${(driver.elapsed() / 1000).toFixed(0)} s` : 'quiescence timed out')
    // Resources before anything stops; then what each facility shows of each acknowledged write.
    const usage = new Map(
      [...net.nodes.values()].map(n => {
        const u = procUsage(n.running?.proc.pid)
        return [
          n.facility,
          { maxRssMb: Math.max(u.maxRssMb, n.usageBefore.maxRssMb), cpuMs: u.cpuMs + n.usageBefore.cpuMs }
        ]
      })
    )
    const traffic = await measure.traffic(net)
    const revoked = driver.revoked
    const observed = await observeWrites(net, ledger, revoked)
    const lost = lostWrites(ledger, (f, id) => observed.get(`${f}|${id}`), revoked)
    await net.close()
    const holdings = await readHoldings(net)
    const carriersOf = (f: FacilityId): FacilityId[] =>
      [...plan.carries].filter(([, list]) => list.includes(f)).map(([c]) => c)
    const expected = ledger.expectedHolders(carriersOf, revoked)
    const convergence = checkConvergence(expected, holdings, revoked)
    const result: DivisionResult = {
      started,
      finished: new Date(),
      loadavg: { start: load0, end: os.loadavg() },
      quick: o.quick,
      seed: o.seed,
      factor,
      horizonMs,
      from,
      plan,
      writesPlanned: writes.length,
      counts: ledger.counts(),
      dropped: driver.dropped,
      lags: driver.lags,
      serviceMs: driver.serviceMs,
      cpuS: {
        harness: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
        nodes: [...usage.values()].reduce((a, u) => a + u.cpuMs, 0) / 1000
      },
      lost,
      convergence,
      quiescent: quiet,
      startupS,
      loadS,
      referrals: measure.latencies(net, driver, downs),
      usage,
      disk: new Map([...net.nodes.keys()].map(f => [f, net.diskBytes(f)])),
      traffic,
      samples,
      events,
      itemsHeld: new Map([...holdings].map(([f, docs]) => [f, [...docs.values()].reduce((a, h) => a + h.count, 0)])),
      revokedFate: measure.revokedFate(ledger, holdings, ev.revoke?.facility, carriersOf),
      abha: measure.abhaShares(writes, new Map(plan.facilities.map(f => [f.id, f.kind])))
    }
    const line = writeDivisionReport(o.outDir, result)
    return line
  } finally {
    await net.close().catch(() => {})
  }
}

/** What each facility shows of the patients the ledger says it must hold. */
async function observeWrites(
  net: DivisionNetwork,
  ledger: Ledger,
  revoked: ReadonlySet<FacilityId>
): Promise<Map<string, Observation>> {
  const want = new Set<string>()
  for (const e of ledger.entries) {
    if (!e.acknowledged || e.patientId === undefined) continue
    const author = ledger.patient(e.patientKey)?.author
    for (const f of [e.facility, author, e.to]) if (f !== undefined && !revoked.has(f)) want.add(`${f}|${e.patientId}`)
  }
  const out = new Map<string, Observation>()
  const queue = [...want]
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
        const [f, id] = k.split('|') as [FacilityId, string]
        const api = net.nodes.get(f)?.running?.staff
        if (api === undefined) continue
        const res = await api.call('GET', `/api/patients/${id}`).catch(() => undefined)
        const doc = (res?.status === 200 ? res.json : undefined) as
          { doc: { encounters?: object; referrals?: object } } | undefined
        if (doc !== undefined)
          out.set(k, {
            entryIds: new Set([...Object.keys(doc.doc.encounters ?? {}), ...Object.keys(doc.doc.referrals ?? {})])
          })
      }
    })
  )
  return out
}

/** Each stopped node's store, read directly: document → item count and fingerprint. */
async function readHoldings(net: DivisionNetwork): Promise<Map<FacilityId, Map<string, Holding>>> {
  const out = new Map<FacilityId, Map<string, Holding>>()
  for (const n of net.nodes.values()) {
    const store = await openStore(new DataDir(n.dir).itemsDir)
    try {
      const docs = new Map<string, Holding>()
      for (const s of await store.docSummaries())
        docs.set(s.docId, { count: s.count, fp: Buffer.from(s.fp).toString('hex') })
      out.set(n.facility, docs)
    } finally {
      await store.close()
    }
  }
  return out
}
