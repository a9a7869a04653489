/**
 * The Pagdandi nodes the bench drives, as `pagdandi` CLI processes (packages/node/dist/cli.js, or
 * another build's): the seeded CHC/DH template built once per (size, seed), node start-up with the
 * bench's staff account, and each process's status and resource use.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CACHE_DIR, UNIQUE_LIMIT } from '../corpus.js'
import { ApiClient, DataDir, StaffStore } from '@pagdandi/node'
import type { Usage } from '../peers/rpc.js'

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

/** The build in this checkout. */
export const THIS_BUILD: PagdandiBuild = { cli: CLI, name: 'Pagdandi', label: 'pagdandi-s3' }
const SECRET = 'bench-operator-secret'
/** The seeded CHC, its district hospital, and the second hospital of the relay scenario. */
export const CHC_ID = 'IN2210000101'
export const DH_ID = 'IN2210000001'
export const HUB_ID = 'IN2210000002'

/** Whether the node's CLI is built and offers what the bench needs. */
export function pagdandiAvailable(build: PagdandiBuild = THIS_BUILD): boolean {
  if (!existsSync(build.cli)) return false
  try {
    return execFileSync(process.execPath, [build.cli, '--help'], { encoding: 'utf8' }).includes('seed')
  } catch {
    return false
  }
}

/** Runs a `pagdandi` command of `build` with the bench's operator secret; its stdout. */
export function cliOf(build: PagdandiBuild): (args: string[]) => string {
  return args => cliRun(build.cli, args)
}

function cliRun(path: string, args: string[]): string {
  return execFileSync(process.execPath, [path, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PAGDANDI_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', () => resolve()))
  const port = (s.address() as net.AddressInfo).port
  await new Promise<void>(resolve => s.close(() => resolve()))
  return port
}

/** A seeded pair of data directories, copied for each run. */
export interface Template {
  dir: string
  proxyPort: number
  items: number
  /** How long `pagdandi seed` took to build it (absent in templates cached before it was recorded). */
  seedMs?: number
}

/** The libp2p WebSocket address of a loopback port. */
export const wsAddr = (port: number): string => `/ip4/127.0.0.1/tcp/${port}/ws`

/** A node's local routes (docs/PROTOCOL.md, Data directory): facility id → addresses, [] = never dial. */
export function writeRoutes(dataDir: string, routes: Record<string, string[]>): void {
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

/** A `pagdandi start` process the bench started. */
export interface RunningNode {
  proc: ChildProcess
  url: string
  /** From spawn to the node's "listening on" line: opening the store and rebuilding what it serves. */
  startMs: number
  /** A registration clerk signed in over HTTP, as the CHC's counter would be. */
  staff: ApiClient
}

/** The staff account a benchmark signs in as. */
export interface BenchStaff {
  username: string
  password: string
  name: string
  role: 'registration-clerk' | 'medical-officer'
  /** Required for a medical officer (docs/ROLES.md). */
  hprId?: string
}

const BENCH_STAFF: BenchStaff = {
  username: 'bench.clerk',
  password: 'bench-staff-password',
  name: 'Bench clerk',
  role: 'registration-clerk'
}

/** Adds the benchmark's account through the node's staff service (a cached template may predate it). */
async function addBenchStaff(dataDir: string, account: BenchStaff): Promise<void> {
  const staff = new StaffStore(dataDir, (await new DataDir(dataDir).readFacility()).facility)
  if ((await staff.list()).some(a => a.username === account.username)) return
  await staff.add({ ...account })
}

/** Starts `pagdandi start` on `dataDir`, waits for its address and signs the bench account in. */
export async function startNode(
  dataDir: string,
  build: PagdandiBuild = THIS_BUILD,
  account: BenchStaff = BENCH_STAFF
): Promise<RunningNode> {
  await addBenchStaff(dataDir, account)
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
  return { proc, url, startMs, staff: await ApiClient.signIn(url, account.username, account.password) }
}

/** The part of `/api/status` the bench reads. */
interface Status {
  items: number
  sealed: { items: number; bytes: number }
  traffic?: { streams: number; itemBytesOut: number; bytesOut: number }
}

/** The node's `/api/status`. */
export async function status(n: RunningNode): Promise<Status> {
  return await n.staff.get<Status>('/api/status')
}

/** Peak RSS and CPU of a process, from /proc (Linux). */
export function procUsage(pid: number | undefined): Usage {
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
