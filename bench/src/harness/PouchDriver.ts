/** Drives PouchDB peer processes (see `peers/pouch-peer.ts`): CouchDB replication over HTTP. */
import { changedKeys } from '../corpus.js'
import { PeerProcess, type Usage } from '../peers/rpc.js'
import type { Driver, RelayDriver, SyncOutcome } from './Driver.js'

/** PouchDB 9 (memory adapter) replicating from an express-pouchdb endpoint. */
export class PouchDriver implements Driver, RelayDriver {
  readonly name = 'PouchDB'
  #source: PeerProcess | undefined
  #sink: PeerProcess | undefined
  #extra: PeerProcess[] = []
  #livePort: number | undefined

  async startSource(corpusFile: string): Promise<number> {
    const p = (this.#source = PeerProcess.start('../peers/pouch-peer.ts', 'pouch source'))
    await p.call('init')
    await p.call('load', { file: corpusFile })
    return (await p.call<{ port: number }>('listen')).port
  }

  async startSink(): Promise<void> {
    this.#sink = PeerProcess.start('../peers/pouch-peer.ts', 'pouch sink')
    await this.#sink.call('init')
  }

  async preload(
    _sourcePort: number,
    viaPort: () => Promise<{ port: number; close: () => Promise<void> }>
  ): Promise<void> {
    // A real replication through the same address, so the sink keeps PouchDB's checkpoint.
    const via = await viaPort()
    await this.#snk().call('await', { port: via.port, timeoutMs: 30 * 60_000 })
    await via.close()
  }

  async mutate(fraction: number, seed: number): Promise<number> {
    const heads = await this.#src().call<Record<string, string>>('heads')
    const ids = changedKeys(Object.keys(heads).sort(), fraction, seed)
    await this.#src().call('mutate', { ids })
    return ids.length
  }

  async sync(port: number, timeoutMs: number, live = false): Promise<SyncOutcome> {
    this.#livePort = live ? port : undefined
    if (!live) return await this.#snk().call<SyncOutcome>('await', { port, timeoutMs }, timeoutMs + 60_000)
    const expected = await this.#src().call<Record<string, string>>('heads')
    return await this.#snk().call<SyncOutcome>('await', { port, timeoutMs, live: true, expected }, timeoutMs + 60_000)
  }

  async awaitCurrent(timeoutMs: number): Promise<SyncOutcome> {
    const expected = await this.#src().call<Record<string, string>>('heads')
    return await this.#snk().call<SyncOutcome>(
      'await',
      { port: this.#livePort, timeoutMs, live: true, expected },
      timeoutMs + 60_000
    )
  }

  async usage(): Promise<{ source: Usage; sink: Usage }> {
    return { source: await this.#src().call<Usage>('usage'), sink: await this.#snk().call<Usage>('usage') }
  }

  async relay(
    corpusFile: string,
    link: (target: number, leg: 'chc-hub' | 'hub-dh') => Promise<number>,
    timeoutMs: number
  ): Promise<SyncOutcome & { usage: Usage[] }> {
    const chc = PeerProcess.start('../peers/pouch-peer.ts', 'pouch chc')
    const hub = PeerProcess.start('../peers/pouch-peer.ts', 'pouch hub')
    const dh = PeerProcess.start('../peers/pouch-peer.ts', 'pouch dh')
    this.#extra.push(chc, hub, dh)
    await chc.call('init')
    await chc.call('load', { file: corpusFile })
    const hubPort = (await hub.call<{ port: number }>('listen')).port
    const chcPort = (await chc.call<{ port: number }>('listen')).port
    // CouchDB-style relays are pulls: the hub pulls from the CHC, then the DH pulls from the hub.
    // Sequential, because a one-shot pull ends when it has caught up with what is there.
    const t0 = performance.now()
    const a = await hub.call<SyncOutcome>(
      'await',
      { port: await link(chcPort, 'chc-hub'), timeoutMs },
      timeoutMs + 60_000
    )
    const b = a.done
      ? await dh.call<SyncOutcome>('await', { port: await link(hubPort, 'hub-dh'), timeoutMs }, timeoutMs + 60_000)
      : a
    const usage = [await chc.call<Usage>('usage'), await hub.call<Usage>('usage'), await dh.call<Usage>('usage')]
    return { done: a.done && b.done, ms: performance.now() - t0, usage }
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
