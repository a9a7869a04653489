/** The division report: `report.md`, three SVG charts and `result.json`, and the closing line. */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import type { FacilityId } from '@pagdandi/core/record'
import { bytesChart, latencyChart, timelineChart } from './charts.js'
import { quantile, type Convergence, type LedgerCounts, type LedgerEntry } from './ledger.js'
import type { ReferralLatency, Sample, Traffic } from './measure.js'
import type { DivisionPlan } from './plan.js'

/** Everything a run measured. */
export interface DivisionResult {
  started: Date
  finished: Date
  loadavg: { start: number[]; end: number[] }
  quick: boolean
  seed: number
  factor: number
  horizonMs: number
  from: string
  plan: DivisionPlan
  writesPlanned: number
  counts: LedgerCounts
  dropped: Record<string, number>
  lags: number[]
  serviceMs: number[]
  /** CPU seconds of the harness process and of every node process. */
  cpuS: { harness: number; nodes: number }
  lost: { entry: LedgerEntry; at: FacilityId }[]
  convergence: Convergence
  quiescent: boolean
  startupS: number
  loadS: number
  referrals: ReferralLatency[]
  usage: Map<FacilityId, { maxRssMb: number; cpuMs: number }>
  disk: Map<FacilityId, number>
  traffic: Map<FacilityId, Traffic>
  samples: Sample[]
  events: { atS: number; what: string }[]
  /** Items each facility's store held at the end. */
  itemsHeld: Map<FacilityId, number>
  revokedFate?: { facility: FacilityId; registrations: number; heldByCarrier: number }
  abha: { dh: number; ch: number; chc: number; all: number }
}

const s1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '—')
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—')
const kB = (b: number): string => `${(b / 1e3).toFixed(1)} kB`

/** The one closing line the scenario prints. */
export function closingLine(nodes: number, writes: number, lost: number, p95: number): string {
  return `division: ${nodes} nodes, ${writes} writes, ${lost} lost, referral p95 ${Number.isFinite(p95) ? p95.toFixed(1) : 'n/a'} s after link-up`
}

/** Mean sealed item size, disk per held item, and items per acknowledged write: the state-scale inputs. */
function perItem(r: DivisionResult): string {
  const t = [...r.traffic.values()]
  const sealedItems = t.reduce((a, x) => a + x.sealedItems, 0)
  const sealedBytes = t.reduce((a, x) => a + x.sealedBytes, 0)
  const held = [...r.itemsHeld.values()].reduce((a, x) => a + x, 0)
  const disk = [...r.disk.values()].reduce((a, x) => a + x, 0)
  const wire = t.reduce((a, x) => a + x.out, 0)
  return (
    `Per item: the nodes sealed ${sealedItems} items of ${s1(sealedBytes / Math.max(1, sealedItems))} B on average ` +
    `(${s1(sealedItems / Math.max(1, r.counts.acknowledged))} items per acknowledged write, counting self-grants, grants and receipts); ` +
    `the stores held ${held} items in ${s1(disk / 1e6)} MB of data directories, ${s1(disk / Math.max(1, held))} B of disk per held item (LevelDB, indexes, audit log, keys); ` +
    `${s1(wire / 1e6)} MB crossed the links in all, ${s1(wire / Math.max(1, held))} B per held item.`
  )
}

/** Writes the report files; returns the closing line. */
export function writeDivisionReport(outDir: string, r: DivisionResult): string {
  mkdirSync(outDir, { recursive: true })
  const names = new Map(r.plan.facilities.map(f => [f.id as string, f.name]))
  const kinds = new Map(r.plan.facilities.map(f => [f.id as string, f.kind]))
  const lostEntries = new Set(r.lost.map(l => l.entry.seq)).size
  const after = r.referrals.filter(x => x.afterLinkUpS !== undefined).map(x => x.afterLinkUpS!)
  const total = r.referrals.filter(x => x.totalS !== undefined).map(x => x.totalS!)
  const p95 = quantile(after, 0.95)
  const line = closingLine(r.plan.facilities.length, r.counts.acknowledged, lostEntries, p95)
  writeFileSync(join(outDir, 'latency.svg'), latencyChart(r.referrals))
  writeFileSync(join(outDir, 'bytes.svg'), bytesChart(r.traffic, names))
  writeFileSync(join(outDir, 'timeline.svg'), timelineChart(r.samples, r.events))
  const days = r.horizonMs / 86_400_000
  const cpus = os.cpus()
  const perKind = (k: string): string => {
    const fs = r.plan.facilities.filter(f => f.kind === k).map(f => f.id)
    if (fs.length === 0) return ''
    const t = fs.map(f => r.traffic.get(f)!)
    const out = t.reduce((a, x) => a + x.out, 0) / fs.length / days
    const inn = t.reduce((a, x) => a + x.in, 0) / fs.length / days
    const items = t.reduce((a, x) => a + x.itemBytesOut, 0)
    const wire = t.reduce((a, x) => a + x.out, 0)
    const rss = fs.map(f => r.usage.get(f)!.maxRssMb)
    const cpu = fs.map(f => r.usage.get(f)!.cpuMs / 1000)
    const disk = fs.map(f => r.disk.get(f)! / 1e6)
    const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length
    return `| ${k} | ${fs.length} | ${kB(out)} | ${kB(inn)} | ${pct(wire === 0 ? NaN : 1 - items / wire)} | ${s1(mean(rss))} / ${s1(Math.max(...rss))} MB | ${s1(mean(cpu))} / ${s1(Math.max(...cpu))} s | ${s1(mean(disk))} / ${s1(Math.max(...disk))} MB |`
  }
  const byKindRef = (k: string): string => {
    const xs = r.referrals.filter(x => x.kind === k)
    const a = xs.filter(x => x.afterLinkUpS !== undefined).map(x => x.afterLinkUpS!)
    return `| ${k} | ${xs.length} | ${a.length} | ${s1(quantile(a, 0.5))} | ${s1(quantile(a, 0.95))} | ${s1(Math.max(...a, NaN))} |`
  }
  const c = r.convergence
  const counts = r.counts.byKind
  const referrals = counts.referral ?? 0
  const md = [
    `# Bastar division, ${r.quick ? 'one compressed OPD day (--quick)' : 'one compressed week'}`,
    '',
    `Command: \`pnpm bench --scenarios division${r.quick ? ' --quick' : ''}\` (seed ${r.seed}). ${r.started.toISOString().slice(0, 16).replace('T', ' ')}–${r.finished.toISOString().slice(11, 16)} UTC.`,
    `Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}. ` +
      `Load average (1/5/15 min) ${r.loadavg.start.map(x => x.toFixed(1)).join('/')} at the start and ${r.loadavg.end.map(x => x.toFixed(1)).join('/')} at the end: other engineers' builds and tests shared the machine. This run's processes ran at nice ${os.getPriority()}.`,
    '',
    `**${line}**`,
    '',
    '## The run',
    '',
    `- ${r.plan.facilities.length} \`pagdandi start\` processes at once (${r.plan.facilities.filter(f => f.kind === 'DH').length} DH, ${r.plan.facilities.filter(f => f.kind === 'CH').length} CH, ${r.plan.facilities.filter(f => f.kind === 'CHC').length} CHC), each with its own LevelDB store and libp2p host; one harness process holds the ${r.plan.links.length} link emulators (${r.plan.links.filter(l => kinds.get(l.listener) === 'DH' && kinds.get(l.dialer) === 'DH').length} DH-to-DH), the load driver and the ledger. They share the machine's 2 cores, its disk and loopback.`,
    `- Time compressed ${r.factor}×: ${s1(days * 24)} simulated hours from ${r.from} 08:00 IST in ${s1(r.horizonMs / r.factor / 1000)} s. Outage schedules are compressed by the same factor; link rate, delay, jitter and loss are not. Redial ceiling ${Math.max(1, Math.round(60 / r.factor))} s.`,
    `- Nodes started in ${s1(r.startupS)} s (8 at a time); the load took ${s1(r.loadS)} s of wall time; ${r.quiescent ? 'quiescence reached' : '**quiescence NOT reached**'}. Writes ran behind their compressed due time by p50 ${s1(quantile(r.lags, 0.5) / 1000)} s, p95 ${s1(quantile(r.lags, 0.95) / 1000)} s (one desk per 150 daily patients at each facility); a node answered a write in p50 ${s1(quantile(r.serviceMs, 0.5))} ms, p95 ${s1(quantile(r.serviceMs, 0.95))} ms.`,
    `- CPU: ${s1(r.cpuS.nodes)} s in the node processes and ${s1(r.cpuS.harness)} s in the harness (emulators, driver, checks), ${s1((r.cpuS.nodes + r.cpuS.harness) / 60 / os.cpus().length)} min of the whole machine's ${os.cpus().length} cores: on an idle machine the run would take about that long plus the compressed day's wall time where the cores are not saturated.`,
    `- Load (core/synth at published volumes): ${r.writesPlanned} planned writes. Acknowledged: ${Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}. Refused or unreachable: ${r.counts.refused}. Not attempted: ${Object.entries(r.dropped)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    `- Referrals: ${referrals} CHC → DH (${pct(referrals / Math.max(1, counts.registration ?? 0))} of all new registrations); back-referrals ${counts['back-referral'] ?? 0} (${pct((counts['back-referral'] ?? 0) / Math.max(1, referrals))} of referrals); onward DH/CH → DH ${counts['onward-referral'] ?? 0}.`,
    `- Unreferred arrivals: ${counts['unreferred-registration'] ?? 0} patients turned up at a facility they were never referred to. The record-request and health-card work of issue 18 had not landed on main when this ran, so each is registered anew (a second record).`,
    `- ABHA number at registration: DH ${pct(r.abha.dh)}, CH ${pct(r.abha.ch)}, CHC ${pct(r.abha.chc)} (all ${pct(r.abha.all)}). core/synth draws 41% at hospitals (published 40–54%) and 23% at CHCs (domain.md §5.3 assumes 20–40%).`,
    `- Encounters carry the visit's diagnoses, lab orders and prescriptions; the lab-and-pharmacy write is a second encounter naming results and units dispensed (the HTTP API has no lab-result or dispensing endpoint). A back-referral is a referral from the DH back to the CHC (no care-summary endpoint).`,
    '',
    '## Writes and convergence',
    '',
    `- Acknowledged ${r.counts.acknowledged}, lost **${lostEntries}** (an acknowledged write missing at its facility, its patient's registering facility or a facility the patient was referred to, read back through the API at quiescence).`,
    `- Convergence at quiescence, read from each stopped node's LevelDB store: ${c.documents} documents; missing at a holder ${c.missing.length}, held where not entitled ${c.extra.length}, holders disagreeing on the items ${c.diverged.length}. Holders are the registering facility, every facility an acknowledged referral went to, and their carriers (each DH carries for its CHCs and CHs).`,
    ...(c.missing.length + c.extra.length + c.diverged.length > 0
      ? [
          `- First problems: ${JSON.stringify([...c.missing.slice(0, 3), ...c.extra.slice(0, 3), ...c.diverged.slice(0, 2)])}`
        ]
      : []),
    ...(r.lost.length > 0
      ? [
          `- First lost: ${JSON.stringify(r.lost.slice(0, 5).map(l => ({ kind: l.entry.kind, facility: l.entry.facility, at: l.at })))}`
        ]
      : []),
    '',
    '## Referral delivery (seconds, wall clock)',
    '',
    'From the acknowledgement at the sender until the receiver lists it in its inbox (polled every second), counted from the moment the link and both nodes were up after the acknowledgement. "Total" includes the time the link was down.',
    '',
    '| kind | sent | delivered | p50 after link-up | p95 | max |',
    '|---|---:|---:|---:|---:|---:|',
    byKindRef('referral'),
    byKindRef('back-referral'),
    byKindRef('onward-referral'),
    '',
    `All: p50 ${s1(quantile(after, 0.5))} s, p95 ${s1(p95)} s, max ${s1(Math.max(...after, NaN))} s after link-up; total p50 ${s1(quantile(total, 0.5))} s, p95 ${s1(quantile(total, 0.95))} s, max ${s1(Math.max(...total, NaN))} s.`,
    '',
    '![latency](latency.svg)',
    '',
    '## Bytes and resources per facility',
    '',
    `Bytes through each facility's links per simulated day (payload through the emulators, 40 B per segment not included), the share that is protocol (everything but sealed items: frames, yamux, Noise, WebSocket, hellos, acknowledgements), peak RSS, CPU and disk, mean / max per kind.`,
    '',
    '| kind | n | sent / day | received / day | protocol share of sent | RSS | CPU | disk |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    perKind('DH'),
    perKind('CH'),
    perKind('CHC'),
    '',
    perItem(r),
    '',
    '![bytes](bytes.svg)',
    '',
    '## Events',
    '',
    ...r.events.map(e => `- ${s1(e.atS)} s: ${e.what}`),
    ...(r.plan.events.chcOffline !== undefined
      ? [
          `- ${names.get(r.plan.events.chcOffline.facility)} was offline from ${s1(r.plan.events.chcOffline.atMs / 1000)} s for ${s1(r.plan.events.chcOffline.forMs / 1000)} s (${r.quick ? 'the whole day' : 'four days'}), profile offline-days.`
        ]
      : []),
    ...(r.revokedFate !== undefined
      ? [
          `- Revoked: ${names.get(r.revokedFate.facility)}. Of its ${r.revokedFate.registrations} acknowledged registrations its carrier holds ${r.revokedFate.heldByCarrier}; the rest were still at the facility when it was revoked and no member accepts them now. Its writes are left out of "lost" and of the convergence check; what it wrote after revocation (nothing: its desk stopped) would reach nobody.`
        ]
      : []),
    '',
    '![timeline](timeline.svg)',
    ''
  ].join('\n')
  writeFileSync(join(outDir, 'report.md'), md)
  writeFileSync(
    join(outDir, 'result.json'),
    JSON.stringify(
      {
        line,
        started: r.started,
        counts: r.counts,
        dropped: r.dropped,
        lost: lostEntries,
        convergence: {
          documents: c.documents,
          missing: c.missing.length,
          extra: c.extra.length,
          diverged: c.diverged.length
        },
        referrals: r.referrals,
        traffic: Object.fromEntries(r.traffic),
        usage: Object.fromEntries(r.usage),
        disk: Object.fromEntries(r.disk),
        samples: r.samples,
        events: r.events
      },
      null,
      1
    ) + '\n'
  )
  return line
}
