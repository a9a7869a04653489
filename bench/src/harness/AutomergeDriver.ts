/** Drives two (or three) automerge-repo peer processes; see `peers/automerge-peer.ts`. */
import { join } from 'node:path'
import { CACHE_DIR, changedKeys } from '../corpus.js'
import { PeerProcess, type Usage } from '../peers/rpc.js'
import type { Driver, RelayDriver, SyncOutcome } from './Driver.js'

/** automerge-repo 2.5.6 over its stock WebSocket adapter, default or tuned. */
export class AutomergeDriver implements Driver, RelayDriver {
  readonly name: string
  readonly #tuned: boolean
  #source: PeerProcess | undefined
  #sink: PeerProcess | undefined
  #extra: PeerProcess[] = []

  constructor(tuned: boolean) {
    this.#tuned = tuned
    this.name = tuned ? 'automerge-repo tuned' : 'automerge-repo default'
  }

  async startSource(corpusFile: string): Promise<number> {
    const p = (this.#source = PeerProcess.start('../peers/automerge-peer.ts', `${this.name} source`))
    await p.call('init', { role: 'source', tuned: this.#tuned })
    await p.call('load', { file: corpusFile })
    return (await p.call<{ port: number }>('listen', { deflate: this.#tuned })).port
  }

  async startSink(): Promise<void> {
    this.#sink = PeerProcess.start('../peers/automerge-peer.ts', `${this.name} sink`)
    await this.#sink.call('init', { role: 'sink', tuned: this.#tuned })
  }

  async preload(): Promise<void> {
    const file = join(CACHE_DIR, `am-export-${process.pid}.jsonl`)
    await this.#src().call('export', { file })
    await this.#snk().call('import', { file })
  }

  async mutate(fraction: number, seed: number): Promise<number> {
    const heads = await this.#src().call<Record<string, string>>('heads')
    const ids = changedKeys(Object.keys(heads).sort(), fraction, seed)
    await this.#src().call('mutate', { ids })
    return ids.length
  }

  async sync(port: number, timeoutMs: number): Promise<SyncOutcome> {
    const expected = await this.#src().call<Record<string, string>>('heads')
    await this.#snk().call('connect', { port })
    return await this.#snk().call<SyncOutcome>(
      'await',
      { expected, request: this.#tuned, timeoutMs },
      timeoutMs + 60_000
    )
  }

  async awaitCurrent(timeoutMs: number): Promise<SyncOutcome> {
    const expected = await this.#src().call<Record<string, string>>('heads')
    return await this.#snk().call<SyncOutcome>('await', { expected, request: false, timeoutMs }, timeoutMs + 60_000)
  }

  async usage(): Promise<{ source: Usage; sink: Usage }> {
    return { source: await this.#src().call<Usage>('usage'), sink: await this.#snk().call<Usage>('usage') }
  }

  async relay(
    corpusFile: string,
    link: (target: number, leg: 'chc-hub' | 'hub-dh') => Promise<number>,
    timeoutMs: number
  ): Promise<SyncOutcome & { usage: Usage[] }> {
    const hub = PeerProcess.start('../peers/automerge-peer.ts', `${this.name} hub`)
    const chc = PeerProcess.start('../peers/automerge-peer.ts', `${this.name} chc`)
    const dh = PeerProcess.start('../peers/automerge-peer.ts', `${this.name} dh`)
    this.#extra.push(hub, chc, dh)
    await hub.call('init', { role: 'source', tuned: this.#tuned })
    await chc.call('init', { role: 'sink', tuned: this.#tuned })
    await dh.call('init', { role: 'sink', tuned: this.#tuned })
    await chc.call('load', { file: corpusFile })
    const hubPort = (await hub.call<{ port: number }>('listen', { deflate: this.#tuned })).port
    const expected = await chc.call<Record<string, string>>('heads')
    // The CHC announces its documents to the hub; the DH asks the hub (tuned) or is told (default).
    await chc.call('connect', { port: await link(hubPort, 'chc-hub') })
    await dh.call('connect', { port: await link(hubPort, 'hub-dh') })
    const out = await dh.call<SyncOutcome>('await', { expected, request: this.#tuned, timeoutMs }, timeoutMs + 60_000)
    const usage = [await chc.call<Usage>('usage'), await hub.call<Usage>('usage'), await dh.call<Usage>('usage')]
    return { ...out, usage }
  }

  async stop(): Promise<void> {
    for (const p of [this.#source, this.#sink, ...this.#extra]) await p?.stop()
    this.#extra = []
  }

  #src(): PeerProcess {
    if (this.#source === undefined) throw new TypeError('source not started')
    return this.#source
  }

  #snk(): PeerProcess {
    if (this.#sink === undefined) throw new TypeError('sink not started')
    return this.#sink
  }
}
