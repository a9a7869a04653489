/**
 * `pnpm bench`: runs the scenarios against every system, side by side on the same emulated link,
 * and writes `results/report.md` with SVG charts. `--help` lists the flags; `--quick` runs in a
 * few minutes.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { corpusFile } from './corpus.js'
import { AutomergeDriver } from './harness/AutomergeDriver.js'
import type { Driver, RelayDriver } from './harness/Driver.js'
import { PagdandiDriver, pagdandiAvailable, type PagdandiBuild } from './harness/PagdandiDriver.js'
import { PouchDriver } from './harness/PouchDriver.js'
import { catchUp, initial, multiHop, referral, type Row, type RunSettings } from './harness/scenarios.js'
import { targetsSection } from './harness/targets.js'
import { linkProfile, customProfile } from './link/index.js'
import { chart, groups, markdown } from './report.js'

const HELP = `pnpm bench [flags]

  --scenarios LIST       initial,catch-up,referral,multi-hop (default: all); or division (the
                         Bastar division, 49 nodes: --quick is one compressed OPD day, else a week)
  --facilities N         division: run only N facilities (development)
  --factor N             division: time compression (default 180 quick, 1200 week)
  --volume X             division: multiply the published OPD volumes (default 1)
  --systems LIST         pagdandi,automerge-default,automerge-tuned,pouchdb (default: all)
  --profile NAME         link for initial and catch-up (default edge); also: ${'issue4-2g'} (256 kbit/s, 300 ms RTT)
  --initial-sizes LIST   patients for initial replication (default 1000,10000)
  --catchup-sizes LIST   corpus sizes for catch-up (default 10000,100000)
  --catchup-profile NAME link for catch-up (default: --profile)
  --fraction F           share of documents changed before catch-up (default 0.01)
  --compress N           referral: the 5 min up / 55 min down cycle divided by N (default 60)
  --multihop-size N      patients for CHC → hub → DH (default 1000)
  --timeout S            per system and scenario, seconds (default 900)
  --seed N               link and corpus seed (default 1)
  --out DIR              report directory (default results)
  --base-cli PATH        also run another build of Pagdandi (its packages/node/dist/cli.js) side by side,
                         as "Pagdandi (base)"; its templates are cached apart
  --quick                initial 1000 on edge, catch-up 1000 and 10000 on loopback, referral, multi-hop 200
`

const { values } = parseArgs({
  options: {
    scenarios: { type: 'string' },
    systems: { type: 'string' },
    profile: { type: 'string' },
    'initial-sizes': { type: 'string' },
    'catchup-sizes': { type: 'string' },
    'catchup-profile': { type: 'string' },
    fraction: { type: 'string' },
    compress: { type: 'string' },
    'multihop-size': { type: 'string' },
    timeout: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'base-cli': { type: 'string' },
    facilities: { type: 'string' },
    factor: { type: 'string' },
    volume: { type: 'string' },
    quick: { type: 'boolean' },
    help: { type: 'boolean' }
  }
})
if (values.help === true) {
  console.log(HELP)
  process.exit(0)
}

const quick = values.quick === true
if (values.scenarios === 'division') {
  const { runDivision } = await import('./division/division.js')
  const line = await runDivision({
    quick,
    seed: Number(values.seed ?? 1),
    ...(values.facilities === undefined ? {} : { facilities: Number(values.facilities) }),
    ...(values.factor === undefined ? {} : { factor: Number(values.factor) }),
    ...(values.volume === undefined ? {} : { volume: Number(values.volume) }),
    outDir: values.out ?? join('results', 'division', quick ? 'quick' : 'week'),
    log: s => console.log(`  ${s}`)
  })
  console.log(line)
  process.exit(0)
}
const list = (s: string | undefined, d: string): string[] =>
  (s ?? d)
    .split(',')
    .map(x => x.trim())
    .filter(x => x !== '')
const nums = (s: string | undefined, d: string): number[] => list(s, d).map(Number)
const profileOf = (name: string) =>
  name === 'issue4-2g'
    ? customProfile('issue4-2g', {
        up: { rateBps: 256_000, delayMs: 150, jitterMs: 0, loss: 0 },
        down: { rateBps: 256_000, delayMs: 150, jitterMs: 0, loss: 0 },
        note: 'the 2G link of issue 4: 256 kbit/s, 300 ms RTT'
      })
    : linkProfile(name)

const scenarios = list(values.scenarios, 'initial,catch-up,referral,multi-hop')
const systems = list(values.systems, 'pagdandi,automerge-default,automerge-tuned,pouchdb')
const profile = profileOf(values.profile ?? 'edge')
const catchProfile = profileOf(values['catchup-profile'] ?? (quick ? 'loopback' : profile.name))
const initialSizes = nums(values['initial-sizes'], quick ? '1000' : '1000,10000')
const catchSizes = nums(values['catchup-sizes'], quick ? '1000,10000' : '10000,100000')
const fraction = Number(values.fraction ?? 0.01)
const compress = Number(values.compress ?? 60)
// The referral cycle is compressed; so is Pagdandi's redial ceiling (60 s in real time), or a node
// would compare a compressed link schedule with an uncompressed wait. Only matters while a link is down.
process.env.PAGDANDI_BENCH_MAX_REDIAL_S = String(Math.max(1, Math.round(60 / compress)))
const multiSize = Number(values['multihop-size'] ?? (quick ? 200 : 1000))
const seed = Number(values.seed ?? 1)
const outDir = values.out ?? 'results'
const settings: RunSettings = {
  seed,
  timeoutMs: Number(values.timeout ?? 900) * 1000,
  log: s => console.log(`  ${s}`)
}

const pagdandiReady = systems.includes('pagdandi') && pagdandiAvailable()
const baseBuild: PagdandiBuild | undefined =
  values['base-cli'] === undefined
    ? undefined
    : { cli: values['base-cli'], name: 'Pagdandi (base)', label: 'pagdandi-base' }
if (baseBuild !== undefined && !pagdandiAvailable(baseBuild))
  throw new Error(`--base-cli ${baseBuild.cli} does not run`)
const notes: string[] = []
if (pagdandiReady) {
  notes.push(
    'Pagdandi: two `pagdandi start` processes (CHC seeded with `pagdandi seed`, its DH as hub and carrier), libp2p websockets + noise + yamux, every item sealed and signed. Its clock starts at the first connection through the link, so node start-up and the first dial are not counted; its CPU figure does include node start-up (opening and indexing the stored documents). Its catch-up changes are new registrations through the HTTP API (the API has no encounter endpoint); the baselines add an encounter to existing documents. "Sealed bytes of changed items" is the growth of the CHC\'s `sealed.bytes` counter (`GET /api/status`). "Sync streams" counts the CHC\'s sessions since it started, including the preload session in catch-up and referral.'
  )
}
if (systems.includes('pagdandi') && !pagdandiReady)
  notes.push('Pagdandi rows are missing: packages/node/dist/cli.js was not built (run `pnpm build`).')

/** Write the report with the rows so far (after every row, so an interrupted run still leaves one). */
function writeReport(): void {
  mkdirSync(outDir, { recursive: true })
  const charts: string[] = []
  for (const [i, g] of groups(rows).entries()) {
    const file = `chart-${i + 1}.svg`
    writeFileSync(join(outDir, file), chart(g.title, g.rows))
    charts.push(file)
  }
  const cpus = os.cpus()
  const info = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpu: cpus[0]?.model ?? 'unknown CPU',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(),
    notes: [
      `Links: ${profile.name} (${profile.note}); catch-up over ${catchProfile.name}. The emulator is bench/src/link (userland TCP proxy, 40 B header per segment charged, loss as retransmission stalls).`,
      'Baselines hold each synthetic patient as one document created from its JSON (one Automerge change; one PouchDB revision). Corpora above 10,000 repeat the 10,000 distinct synthetic patients under new keys.',
      'automerge-repo tuned: immutable strings for every non-prose field, permessage-deflate on the WebSocket, and a source that announces nothing (the sink requests each document by id). PouchDB: express-pouchdb with its gzip middleware.',
      ...notes
    ]
  }
  writeFileSync(join(outDir, 'report.md'), markdown(info, rows, charts, targetsSection(rows, profile.name)))
  writeFileSync(join(outDir, 'rows.json'), JSON.stringify({ info, rows }, null, 2) + '\n')
}

function drivers(): Driver[] {
  const out: Driver[] = []
  if (baseBuild !== undefined) out.push(new PagdandiDriver(settings.log, baseBuild))
  if (pagdandiReady) out.push(new PagdandiDriver(settings.log))
  if (systems.includes('automerge-tuned')) out.push(new AutomergeDriver(true))
  if (systems.includes('automerge-default')) out.push(new AutomergeDriver(false))
  if (systems.includes('pouchdb')) out.push(new PouchDriver())
  return out
}

const rows: Row[] = []
async function each(label: string, fn: (d: Driver) => Promise<Row>): Promise<void> {
  for (const d of drivers()) {
    console.log(`${label}: ${d.name}`)
    try {
      const r = await fn(d)
      rows.push(r)
      writeReport()
      console.log(
        `  ${r.done ? 'converged' : 'DID NOT converge'} in ${(r.ms / 1000).toFixed(2)} s, ${r.bytesUp} B up, ${r.bytesDown} B down, ${r.roundTrips} round trips`
      )
    } catch (e) {
      console.log(`  failed: ${e instanceof Error ? e.message : String(e)}`)
      notes.push(`${label}, ${d.name}: failed (${e instanceof Error ? e.message.slice(0, 200) : String(e)})`)
      await d.stop().catch(() => {})
    }
  }
}

const corpus = (n: number): string => corpusFile(n, seed, s => console.log(`  ${s}`))

if (scenarios.includes('initial')) {
  for (const n of initialSizes)
    await each(`initial ${n} over ${profile.name}`, async d => await initial(d, corpus(n), n, profile, settings))
}
if (scenarios.includes('catch-up')) {
  for (const n of catchSizes)
    await each(
      `catch-up ${n} (${fraction * 100}% changed) over ${catchProfile.name}`,
      async d => await catchUp(d, corpus(n), n, fraction, catchProfile, settings)
    )
}
if (scenarios.includes('referral')) {
  const up = (5 * 60_000) / compress
  const down = (55 * 60_000) / compress
  notes.push(
    `Referral: the link is up ${up / 1000} s and down ${down / 1000} s (the 5 min / 55 min cycle compressed ${compress}×, link parameters unchanged); the referral is made 1 s after the link drops, so delivery cannot start before ${(down - 1000) / 1000} s. Open connections are cut when the link drops.`
  )
  await each(
    `referral over ${profile.name}, intermittent`,
    async d => await referral(d, corpus(100), 100, profile, up, down, settings)
  )
}
if (scenarios.includes('multi-hop')) {
  const legs = { chcHub: profile, hubDh: linkProfile('vsat-geo') }
  const relays = drivers().filter((d): d is Driver & RelayDriver => 'relay' in d)
  for (const d of relays) {
    console.log(`multi-hop ${multiSize}: ${d.name}`)
    try {
      rows.push(await multiHop(d, corpus(multiSize), multiSize, legs, settings))
      writeReport()
    } catch (e) {
      notes.push(`multi-hop, ${d.name}: failed (${e instanceof Error ? e.message.slice(0, 200) : String(e)})`)
      await d.stop().catch(() => {})
    }
  }
}

writeReport()
console.log(`report: ${join(outDir, 'report.md')}`)
