/**
 * Drives real Pagdandi nodes through the `pagdandi` CLI (packages/node/dist/cli.js): a CHC seeded
 * with synthetic patients dials its district hospital (the CHC's hub, a carrier for it) through
 * the emulated link. The DH's roster address is the emulator's port; its own data directory is
 * patched to listen on the real port behind it, so every byte between them crosses the link.
 *
 * A seeded pair of data directories is built once per (size, seed) and copied for each run:
 * building the patients' Automerge histories costs far more than the sync being measured.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CACHE_DIR, UNIQUE_LIMIT } from '../corpus.js'
import { ApiClient, DataDir, StaffStore } from '@pagdandi/node'
import type { LinkEmulator } from '../link/index.js'
import type { Usage } from '../peers/rpc.js'
import type { Driver, RelayDriver, SyncOutcome } from './Driver.js'

const CLI = fileURLToPath(new URL('../../../packages/node/dist/cli.js', import.meta.url))

/**
 * Which build of Pagdandi a driver runs: this tree's, or another checkout's (`--base-cli`, to
 * measure a change side by side with the commit before it). Each has its own seeded templates, as
 * a store written by one build need not open in the other.
 */
export interface PagdandiBuild {
  cli: string
  name: string
  /** Part of the template directory's name. */
  label: string
}

export const THIS_BUILD: PagdandiBuild = { cli: CLI, name: 'Pagdandi', label: 'pagdandi' }
const SECRET = 'bench-operator-secret'
const CHC_ID = 'IN2210000101'
const DH_ID = 'IN2210000001'
const HUB_ID = 'IN2210000002'

/** Whether the node's CLI is built and offers what the bench needs. */
export function pagdandiAvailable(build: PagdandiBuild = THIS_BUILD): boolean {
  if (!existsSync(build.cli)) return false
  try {
    return execFileSync(process.execPath, [build.cli, '--help'], { encoding: 'utf8' }).includes('seed')
  } catch {
    return false
  }
}

function cliOf(build: PagdandiBuild): (args: string[]) => string {
  return args => cliRun(build.cli, args)
}

function cliRun(path: string, args: string[]): string {
  return execFileSync(process.execPath, [path, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PAGDANDI_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', () => resolve()))
  const port = (s.address() as net.AddressInfo).port
  await new Promise<void>(resolve => s.close(() => resolve()))
  return port
}

interface Template {
  dir: string
  proxyPort: number
  items: number
  /** How long `pagdandi seed` took to build it (absent in templates cached before it was recorded). */
  seedMs?: number
}

const wsAddr = (port: number): string => `/ip4/127.0.0.1/tcp/${port}/ws`

/** A node's local routes (docs/PROTOCOL.md, Data directory): facility id → addresses, [] = never dial. */
function writeRoutes(dataDir: string, routes: Record<string, string[]>): void {
  writeFileSync(join(dataDir, 'routes.json'), JSON.stringify({ routes }, null, 2))
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Build (or reuse) the seeded CHC + empty DH pair for this size; waits if another process is seeding it. */
export async function prepareTemplate(
  patients: number,
  seed: number,
  log: (s: string) => void,
  build: PagdandiBuild = THIS_BUILD
): Promise<Template> {
  const cli = cliOf(build)
  const dir = join(CACHE_DIR, `${build.label}-${patients}-${seed}`)
  const meta = join(dir, 'meta.json')
  const marker = join(dir, 'seeding.pid')
  while (!existsSync(meta) && existsSync(marker) && alive(Number(readFileSync(marker, 'utf8')))) {
    await new Promise(resolve => setTimeout(resolve, 2000))
  }
  if (existsSync(meta)) return JSON.parse(readFileSync(meta, 'utf8')) as Template
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(marker, String(process.pid))
  const proxyPort = await freePort()
  const d = (x: string): string => join(dir, x)
  cli(['roster', 'create', '--data', d('authority'), '--network', 'bench'])
  cli([
    'init',
    '--data',
    d('chc'),
    '--facility',
    CHC_ID,
    '--name',
    'CHC Bench',
    '--kind',
    'CHC',
    '--district',
    'Bastar'
  ])
  cli([
    'init',
    '--data',
    d('dh'),
    '--facility',
    DH_ID,
    '--name',
    'DH Bench',
    '--kind',
    'DH',
    '--district',
    'Bastar',
    '--listen',
    `/ip4/127.0.0.1/tcp/${proxyPort}/ws`
  ])
  cli(['roster', 'add', '--data', d('authority'), '--member', d('chc/facility.json')])
  cli(['roster', 'add', '--data', d('authority'), '--member', d('dh/facility.json'), '--carries-for', CHC_ID])
  cli(['roster', 'export', '--data', d('authority'), '--out', d('roster.json')])
  cli(['roster', 'import', d('roster.json'), '--data', d('chc')])
  cli(['roster', 'import', d('roster.json'), '--data', d('dh')])
  log(`seeding ${patients} patients into a ${build.name} CHC (once; cached in ${dir})`)
  const seedStart = performance.now()
  // Like the baselines' corpora, above UNIQUE_LIMIT the distinct patients repeat under new ids and keys.
  const out = cli([
    'seed',
    '--data',
    d('chc'),
    '--count',
    String(patients),
    '--seed',
    String(seed),
    '--unique',
    String(Math.min(patients, UNIQUE_LIMIT))
  ])
  const items = Number(/(\d+) items sealed/.exec(out)?.[1] ?? NaN)
  const t: Template = { dir, proxyPort, items, seedMs: performance.now() - seedStart }
  writeFileSync(meta, JSON.stringify(t))
  return t
}

interface RunningNode {
  proc: ChildProcess
  url: string
  /** From spawn to the node's "listening on" line: opening the store and rebuilding what it serves. */
  startMs: number
  /** A registration clerk signed in over HTTP, as the CHC's counter would be. */
  staff: ApiClient
}

const BENCH_STAFF = { username: 'bench.clerk', password: 'bench-staff-password' }

/** Adds the benchmark's clerk through the node's staff service (a cached template may predate it). */
async function addBenchStaff(dataDir: string): Promise<void> {
  const staff = new StaffStore(dataDir, (await new DataDir(dataDir).readFacility()).facility)
  if ((await staff.list()).some(a => a.username === BENCH_STAFF.username)) return
  await staff.add({ ...BENCH_STAFF, name: 'Bench clerk', role: 'registration-clerk' })
}

export async function startNode(dataDir: string, build: PagdandiBuild = THIS_BUILD): Promise<RunningNode> {
  await addBenchStaff(dataDir)
  const t0 = performance.now()
  // A time-compressed run compresses the node's redial ceiling with its schedule (run.ts sets it).
  const redial = process.env.PAGDANDI_BENCH_MAX_REDIAL_S
  const extra = redial === undefined ? [] : ['--max-redial-seconds', redial]
  const proc = spawn(process.execPath, [build.cli, 'start', '--data', dataDir, '--port', '0', ...extra], {
    env: { ...process.env, PAGDANDI_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let text = ''
  const url = await new Promise<string>((resolve, reject) => {
    const logFile = process.env.PAGDANDI_BENCH_NODE_LOG
    const onData = (b: Buffer): void => {
      text += b.toString()
      if (logFile !== undefined) appendFileSync(logFile, `[${dataDir.split('/').pop()}] ${b.toString()}`)
      const m = /listening on (http:\/\/\S+?)\/?\s/.exec(text)
      if (m !== null) resolve(m[1]!)
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', onData)
    proc.once('exit', code => reject(new Error(`pagdandi start exited with ${code}: ${text.slice(-300)}`)))
  })
  const startMs = performance.now() - t0
  return { proc, url, startMs, staff: await ApiClient.signIn(url, BENCH_STAFF.username, BENCH_STAFF.password) }
}

interface Status {
  items: number
  sealed: { items: number; bytes: number }
  traffic?: { streams: number; itemBytesOut: number; bytesOut: number }
}

async function status(n: RunningNode): Promise<Status> {
  return await n.staff.get<Status>('/api/status')
}

/** Peak RSS and CPU of a process, from /proc (Linux). */
function procUsage(pid: number | undefined): Usage {
  if (pid === undefined) return { maxRssMb: 0, cpuMs: 0 }
  try {
    const st = readFileSync(`/proc/${pid}/status`, 'utf8')
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(st)?.[1] ?? 0)
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return { maxRssMb: hwm / 1024, cpuMs: ticks * 10 }
  } catch {
    return { maxRssMb: 0, cpuMs: 0 }
  }
}

/** Pagdandi: encrypted, signed items over libp2p (websockets, noise, yamux). */
export class PagdandiDriver implements Driver, RelayDriver {
  readonly name: string
  readonly #build: PagdandiBuild
  readonly #log: (s: string) => void
  #run: string | undefined
  #tpl: Template | undefined
  #chc: RunningNode | undefined
  #dh: RunningNode | undefined
  #hub: RunningNode | undefined
  #link: LinkEmulator | undefined
  #dhPort = 0
  #patients = 0
  #want: number | undefined
  #sealedChanged: number | undefined

  constructor(log: (s: string) => void = () => {}, build: PagdandiBuild = THIS_BUILD) {
    this.#log = log
    this.#build = build
    this.name = build.name
  }

  get linkPort(): number | undefined {
    return this.#tpl?.proxyPort
  }

  attachLink(link: LinkEmulator): void {
    this.#link = link
  }

  /** Prepares the seeded pair; the "source" data is at the CHC, and the port to forward to is the DH's. */
  async startSource(corpusFile: string): Promise<number> {
    const patients = Number(/corpus-(\d+)-(\d+)\.jsonl$/.exec(corpusFile)?.[2] ?? NaN)
    const seed = Number(/corpus-(\d+)-/.exec(corpusFile)?.[1] ?? 1)
    this.#tpl = await prepareTemplate(patients, seed, this.#log, this.#build)
    this.#run = join(CACHE_DIR, `pagdandi-run-${process.pid}`)
    rmSync(this.#run, { recursive: true, force: true })
    cpSync(this.#tpl.dir, this.#run, { recursive: true })
    this.#dhPort = await freePort()
    const fj = join(this.#run, 'dh', 'facility.json')
    const f = JSON.parse(readFileSync(fj, 'utf8')) as { addresses: string[] }
    f.addresses = [wsAddr(this.#dhPort)]
    writeFileSync(fj, JSON.stringify(f, null, 2))
    this.#patients = patients
    return this.#dhPort
  }

  async startSink(): Promise<void> {}

  /** Both nodes start and replicate everything over a fast link, which is then taken away. */
  async preload(
    _sourcePort: number,
    viaPort: () => Promise<{ port: number; close: () => Promise<void> }>
  ): Promise<void> {
    const via = await viaPort()
    await this.#startNodes()
    const out = await this.#until(this.#tpl!.items, 30 * 60_000)
    await via.close()
    if (!out.done) throw new Error(`preload did not converge (${out.missing} items missing)`)
  }

  /**
   * New registrations at the CHC through its HTTP API, `fraction` of the corpus. (The API has no
   * encounter endpoint: clinical edits arrive over automerge-repo from the browser.) The sealed
   * bytes they added are the growth of the CHC's `sealed` counter in its status.
   */
  async mutate(fraction: number, seed: number): Promise<number> {
    const n = Math.max(1, Math.round(this.#patients * fraction))
    const before = (await status(this.#chc!)).sealed.bytes
    for (let i = 0; i < n; i++) {
      const input = {
        name: `Bench Patient ${seed}-${i}`,
        sex: i % 2 === 0 ? 'female' : 'male',
        birth: { kind: 'approx-age', years: 20 + (i % 50), asOf: '2025-11-01' },
        village: 'Kilepal',
        block: 'Tokapal',
        district: 'Bastar',
        uhid: `BENCH-${seed}-${i}`
      }
      const res = await this.#chc!.staff.call('POST', '/api/patients', input)
      if (res.status !== 201)
        throw new Error(`register answered ${res.status}: ${JSON.stringify(res.json).slice(0, 200)}`)
    }
    const after = await status(this.#chc!)
    this.#want = after.items
    this.#sealedChanged = after.sealed.bytes - before
    return n
  }

  /** Sealed bytes of the items the last `mutate` added, for the catch-up target. */
  get sealedBytesOfChanges(): number | undefined {
    return this.#sealedChanged
  }

  /**
   * Starts both nodes and waits until the DH holds every CHC item. The clock starts at the first
   * connection through the link: node start-up (rebuilding documents from the store) and the
   * CHC's first dial are not part of replication.
   */
  async sync(_port: number, timeoutMs: number): Promise<SyncOutcome> {
    if (this.#dh === undefined) await this.#startNodes()
    return await this.#until(this.#want ?? this.#tpl!.items, timeoutMs)
  }

  async #startNodes(): Promise<void> {
    this.#dh = await startNode(join(this.#run!, 'dh'), this.#build)
    this.#chc = await startNode(join(this.#run!, 'chc'), this.#build)
  }

  async #until(want: number, timeoutMs: number): Promise<SyncOutcome> {
    if (this.#dh === undefined) throw new TypeError('nodes not started')
    const t0 = performance.now()
    const linkStart = performance.now() - (this.#link?.elapsedMs() ?? 0)
    let have = 0
    while (performance.now() - t0 < timeoutMs) {
      have = (await status(this.#dh)).items
      if (have >= want) {
        const first = this.#link?.firstConnectionMs
        const from = first === undefined ? t0 : linkStart + first
        return { done: true, ms: performance.now() - from, missing: 0 }
      }
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    return { done: false, ms: performance.now() - t0, missing: want - have }
  }

  async awaitCurrent(timeoutMs: number): Promise<SyncOutcome> {
    const t0 = performance.now()
    const want = this.#want ?? (await status(this.#chc!)).items
    while (performance.now() - t0 < timeoutMs) {
      if ((await status(this.#dh!)).items >= want) return { done: true, ms: performance.now() - t0, missing: 0 }
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    return { done: false, ms: performance.now() - t0 }
  }

  async usage(): Promise<{ source: Usage; sink: Usage }> {
    return { source: procUsage(this.#chc?.proc.pid), sink: procUsage(this.#dh?.proc.pid) }
  }

  /** What the CHC's replicator counted: the sync streams it needed and the item bytes it sent. */
  async extras(): Promise<Record<string, number>> {
    if (this.#chc === undefined) return {}
    const t = (await status(this.#chc)).traffic
    const starts = {
      'start-up ms (CHC)': Math.round(this.#chc.startMs),
      ...(this.#dh === undefined ? {} : { 'start-up ms (DH)': Math.round(this.#dh.startMs) })
    }
    return t === undefined
      ? starts
      : {
          ...starts,
          'sync streams (CHC)': t.streams,
          'item bytes sent (CHC)': t.itemBytesOut,
          'sync frame bytes sent (CHC)': t.bytesOut
        }
  }

  /**
   * CHC → hub → DH. The run copy gains a hub (a DH-kind facility carrying for the CHC). The CHC and
   * the DH each reach only the hub, through their own emulated links (`routes.json`), and never
   * dial each other. The DH carries for the CHC as well (say, the district archive), so it is
   * entitled to the whole corpus, as the baselines' DH is. The clock starts once all three nodes
   * are up (the CHC has rebuilt its documents) and stops when the DH holds every CHC item.
   */
  async relay(
    corpusFile: string,
    link: (target: number, leg: 'chc-hub' | 'hub-dh') => Promise<number>,
    timeoutMs: number
  ): Promise<SyncOutcome & { usage: Usage[] }> {
    await this.startSource(corpusFile)
    const d = (x: string): string => join(this.#run!, x)
    const cli = cliOf(this.#build)
    const hubPort = await freePort()
    cli([
      'init',
      '--data',
      d('hub'),
      '--facility',
      HUB_ID,
      '--name',
      'Hub Bench',
      '--kind',
      'DH',
      '--district',
      'Bastar',
      '--listen',
      wsAddr(hubPort)
    ])
    cli(['roster', 'add', '--data', d('authority'), '--member', d('hub/facility.json'), '--carries-for', CHC_ID])
    cli(['roster', 'export', '--data', d('authority'), '--out', d('roster-relay.json')])
    for (const f of ['chc', 'dh', 'hub']) cli(['roster', 'import', d('roster-relay.json'), '--data', d(f)])
    const toHub = await link(hubPort, 'chc-hub')
    const toDh = await link(this.#dhPort, 'hub-dh')
    writeRoutes(d('chc'), { [HUB_ID]: [wsAddr(toHub)], [DH_ID]: [] })
    writeRoutes(d('hub'), { [DH_ID]: [wsAddr(toDh)] })
    writeRoutes(d('dh'), { [HUB_ID]: [], [CHC_ID]: [] })
    this.#link = undefined
    this.#hub = await startNode(d('hub'), this.#build)
    this.#dh = await startNode(d('dh'), this.#build)
    this.#chc = await startNode(d('chc'), this.#build)
    const out = await this.#until(this.#tpl!.items, timeoutMs)
    const usage = [this.#chc, this.#hub, this.#dh].map(n => procUsage(n.proc.pid))
    return { ...out, usage }
  }

  async #stopNode(n: RunningNode | undefined): Promise<void> {
    if (n === undefined || n.proc.exitCode !== null) return
    const done = new Promise<void>(resolve => n.proc.once('exit', () => resolve()))
    n.proc.kill('SIGTERM')
    const t = setTimeout(() => n.proc.kill('SIGKILL'), 3000)
    await done
    clearTimeout(t)
  }

  async stop(): Promise<void> {
    await this.#stopNode(this.#chc)
    await this.#stopNode(this.#hub)
    await this.#stopNode(this.#dh)
    this.#chc = undefined
    this.#hub = undefined
    this.#dh = undefined
    this.#want = undefined
    this.#sealedChanged = undefined
    if (this.#run !== undefined) rmSync(this.#run, { recursive: true, force: true })
  }
}

// `tsx --conditions=source src/harness/PagdandiDriver.ts 10000` seeds a template ahead of a run.
if (process.argv[1]?.endsWith('PagdandiDriver.ts')) {
  await prepareTemplate(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 1), s => console.log(s))
}
