/**
 * Drives real Pagdandi nodes through the `pagdandi` CLI (packages/node/dist/cli.js): a CHC seeded
 * with synthetic patients dials its district hospital (the CHC's hub, a carrier for it) through
 * the emulated link. The DH's roster address is the emulator's port; its own data directory is
 * patched to listen on the real port behind it, so every byte between them crosses the link.
 *
 * A seeded pair of data directories is built once per (size, seed) and copied for each run:
 * building the patients' Automerge histories costs far more than the sync being measured.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CACHE_DIR } from '../corpus.js'
import type { LinkEmulator } from '../link/index.js'
import type { Usage } from '../peers/rpc.js'
import type { Driver, RelayDriver, SyncOutcome } from './Driver.js'
import {
  CHC_ID,
  DH_ID,
  HUB_ID,
  THIS_BUILD,
  cliOf,
  freePort,
  prepareTemplate,
  procUsage,
  startNode,
  status,
  writeRoutes,
  wsAddr,
  type PagdandiBuild,
  type RunningNode,
  type Template
} from './pagdandiNodes.js'

export { pagdandiAvailable, THIS_BUILD, type PagdandiBuild } from './pagdandiNodes.js'

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
