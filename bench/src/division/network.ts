/**
 * The division's processes: a data directory per facility (identity, the signed roster with each
 * DH carrying for its CHCs and CHs, local routes that reach every peer only through its emulated
 * link), one `pagdandi start` process per facility, and one link emulator per planned link.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import type { FacilityId } from '@pagdandi/core/record'
import {
  ApiClient,
  StaffStore,
  addMember,
  createAuthority,
  importRoster,
  initFacility,
  revokeMember,
  rosterFile
} from '@pagdandi/node'
import { nodeSignatureScheme } from '@pagdandi/node/crypto'
import { synthHprId } from '@pagdandi/core/synth'
import { Prng } from '@pagdandi/core/testing'
import { LinkEmulator, linkProfile } from '../link/index.js'
import {
  procUsage,
  startNode,
  THIS_BUILD,
  writeRoutes,
  wsAddr,
  type BenchStaff,
  type RunningNode
} from '../harness/pagdandiNodes.js'
import type { DivisionPlan, PlannedLink } from './plan.js'

// The operator secret `startNode` runs every node with (pagdandiNodes.ts).
const SECRET = 'bench-operator-secret'
const ADMIN = { username: 'bench.admin', password: 'bench-admin-password' }

/** One facility's node: its data directory, ports and, while it runs, its process. */
export interface DivisionNode {
  facility: FacilityId
  dir: string
  p2pPort: number
  running?: RunningNode
  /** Status traffic counters of earlier processes (a restarted node counts from zero). */
  trafficBefore: { itemBytesOut: number; bytesOut: number }
  /** Peak RSS and CPU of earlier processes. */
  usageBefore: { maxRssMb: number; cpuMs: number }
}

/** One emulated link and what it joins. */
export interface DivisionLink {
  plan: PlannedLink
  emulator: LinkEmulator
  port: number
}

/** Every process and link of a run. */
export class DivisionNetwork {
  readonly nodes = new Map<FacilityId, DivisionNode>()
  readonly links: DivisionLink[] = []
  readonly #root: string
  readonly #plan: DivisionPlan
  readonly #accounts = new Map<FacilityId, BenchStaff>()

  constructor(root: string, plan: DivisionPlan) {
    this.#root = root
    this.#plan = plan
  }

  /** Creates every identity, the authority and roster, and the routes through the emulators. */
  async prepare(seed: number): Promise<void> {
    rmSync(this.#root, { recursive: true, force: true })
    mkdirSync(this.#root, { recursive: true })
    const scheme = nodeSignatureScheme()
    const auth = join(this.#root, 'authority')
    await createAuthority(auth, 'bastar-division', SECRET, scheme)
    const prng = new Prng(seed)
    const ports = portsBelowEphemeral()
    let latest: Awaited<ReturnType<typeof addMember>> | undefined
    for (const f of this.#plan.facilities) {
      const dir = join(this.#root, f.id)
      const p2pPort = await ports.next()
      const file = await initFacility({
        dir,
        facility: f.id,
        name: f.name,
        kind: f.kind,
        district: f.district,
        addresses: [wsAddr(p2pPort)],
        secret: SECRET
      })
      latest = await addMember(auth, SECRET, scheme, file, this.#plan.carries.get(f.id) ?? [])
      this.nodes.set(f.id, {
        facility: f.id,
        dir,
        p2pPort,
        trafficBefore: { itemBytesOut: 0, bytesOut: 0 },
        usageBefore: { maxRssMb: 0, cpuMs: 0 }
      })
      this.#accounts.set(f.id, {
        username: 'bench.mo',
        password: 'bench-mo-password',
        name: 'Bench Medical Officer',
        role: 'medical-officer',
        hprId: synthHprId(prng)
      })
    }
    if (latest === undefined) throw new RangeError('a division needs at least one facility')
    const roster = rosterFile(latest)
    for (const n of this.nodes.values()) await importRoster(n.dir, roster, scheme)
    // Every peer is reached only through its emulator: the dialler's route names the proxy, and
    // every other pair is "never dial" ([]), so no byte between nodes bypasses a link.
    // Each emulator binds its port now (a port merely picked could be taken before the nodes are
    // up); its outage schedule starts with the run's clock (`startLinks`).
    for (const l of this.#plan.links) {
      const target = this.nodes.get(l.listener)!.p2pPort
      const emulator = new LinkEmulator({
        target: { port: target },
        profile: linkProfile(l.profile),
        seed: seed + this.links.length,
        outages: l.outages,
        outageMode: 'cut',
        deferSchedule: true
      })
      this.links.push({ plan: l, port: await emulator.start(), emulator })
    }
    for (const n of this.nodes.values()) {
      const routes: Record<string, string[]> = {}
      for (const other of this.nodes.keys()) if (other !== n.facility) routes[other] = []
      for (const l of this.links) if (l.plan.dialer === n.facility) routes[l.plan.listener] = [wsAddr(l.port)]
      writeRoutes(n.dir, routes)
    }
  }

  /** Starts the node of `f` (signed in as its medical officer). */
  async start(f: FacilityId): Promise<void> {
    const n = this.nodes.get(f)!
    await addAdmin(n.dir, f)
    n.running = await startNode(n.dir, THIS_BUILD, this.#accounts.get(f)!)
  }

  /** Starts every node, `parallel` at a time. */
  async startAll(parallel: number, log: (s: string) => void): Promise<void> {
    const queue = [...this.nodes.keys()]
    let done = 0
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
          await this.start(f)
          if (++done % 10 === 0) log(`${done}/${this.nodes.size} nodes started`)
        }
      })
    )
  }

  /** Starts every emulator's schedule: the compressed outages count from now. */
  startLinks(): void {
    for (const l of this.links) l.emulator.startSchedule()
  }

  /** Stops the node of `f`: SIGKILL for a crash (a DH losing power), else SIGTERM. */
  async stop(f: FacilityId, signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> {
    const n = this.nodes.get(f)!
    const r = n.running
    if (r === undefined) return
    try {
      const t = (await r.staff.get<{ traffic?: { itemBytesOut: number; bytesOut: number } }>('/api/status')).traffic
      if (t !== undefined) {
        n.trafficBefore.itemBytesOut += t.itemBytesOut
        n.trafficBefore.bytesOut += t.bytesOut
      }
    } catch {
      // A node that does not answer keeps the counters it had.
    }
    const u = procUsage(r.proc.pid)
    n.usageBefore.maxRssMb = Math.max(n.usageBefore.maxRssMb, u.maxRssMb)
    n.usageBefore.cpuMs += u.cpuMs
    n.running = undefined
    if (r.proc.exitCode !== null) return
    const exited = new Promise<void>(resolve => r.proc.once('exit', () => resolve()))
    r.proc.kill(signal)
    const t = setTimeout(() => r.proc.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(t)
  }

  /** Revokes `f` at the authority and installs the new roster in every other node (running or not). */
  async revoke(f: FacilityId): Promise<number> {
    const scheme = nodeSignatureScheme()
    const auth = join(this.#root, 'authority')
    const roster = rosterFile(await revokeMember(auth, SECRET, scheme, f))
    let installed = 0
    for (const n of this.nodes.values()) {
      if (n.facility === f) continue
      if (n.running === undefined) await importRoster(n.dir, roster, scheme)
      else {
        const admin = await ApiClient.signIn(n.running.url, ADMIN.username, ADMIN.password)
        await admin.post('/api/roster', roster)
      }
      installed++
    }
    return installed
  }

  /** Bytes of a node's data directory on disk. */
  diskBytes(f: FacilityId): number {
    return duBytes(this.nodes.get(f)!.dir)
  }

  async close(): Promise<void> {
    await Promise.all([...this.nodes.keys()].map(f => this.stop(f)))
    for (const l of this.links) await l.emulator.close()
  }
}

async function addAdmin(dir: string, f: FacilityId): Promise<void> {
  const staff = new StaffStore(dir, f)
  if ((await staff.list()).some(a => a.username === ADMIN.username)) return
  await staff.add({ ...ADMIN, name: 'Bench admin', role: 'facility-admin' })
}

/**
 * Listen ports for the nodes, below the kernel's ephemeral range (32768 up), in a block chosen by
 * the harness's pid: a node binds its port minutes after it is picked (49 nodes start slowly on a
 * loaded machine), and an outgoing connection could take an ephemeral one meanwhile.
 */
function portsBelowEphemeral(): { next: () => Promise<number> } {
  let p = 20_000 + (process.pid % 100) * 120
  return {
    next: async () => {
      for (; ; p++) {
        if (await bindable(p)) return p++
      }
    }
  }
}

async function bindable(port: number): Promise<boolean> {
  const s = net.createServer()
  return await new Promise<boolean>(resolve => {
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

function duBytes(path: string): number {
  let total = 0
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name)
    total += e.isDirectory() ? duBytes(p) : statSync(p).size
  }
  return total
}
