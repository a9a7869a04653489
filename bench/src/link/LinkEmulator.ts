/**
 * A userland link emulator: a TCP proxy on 127.0.0.1 that forwards to a target port through two
 * `DirectionPipe`s (bandwidth, delay with jitter, loss as stalls) and a schedule of outages. It
 * needs no root, unlike kernel netem, and is deterministic under a seed.
 *
 * Not modelled: TCP slow start and congestion control (the window is the proxy's high-water
 * mark), the time-of-day rate changes of congested cells, and the TCP handshake bytes (its
 * round trip is charged: a connection's first bytes leave one RTT after it opened).
 */
import net from 'node:net'
import { performance } from 'node:perf_hooks'
import { Prng } from '@pagdandi/core/testing'
import { DirectionPipe, MSS, type DirectionStats, type PipeEndpoint, type ScheduledSegment } from './DirectionPipe.js'
import { LinkNotRunningError } from './errors.js'
import { planOutages, type OutageWindow } from './outages.js'
import { profileRttMs, type LinkProfile } from './profiles.js'

/** What happens to open connections when the link goes down. New connections are refused in both. */
export type OutageMode = 'stall' | 'cut'

/** How to build a link emulator. */
export interface LinkEmulatorOptions {
  /** Where the proxy forwards to (the listening side, e.g. the hub or DH node). */
  target: { host?: string; port: number }
  profile: LinkProfile
  seed: number
  /** Outage windows relative to `start()`; `'profile'` draws them from the profile's model over `horizonMs`. */
  outages?: readonly OutageWindow[] | 'profile'
  /** Horizon for `'profile'` outages, ms (default one week). */
  horizonMs?: number
  outageMode?: OutageMode
  /** Port to listen on (default: any free port). */
  listenPort?: number
  /** Bind at `start()` but begin the outage schedule only at `startSchedule()`. */
  deferSchedule?: boolean
  /** Retransmission timeout charged per lost segment (default max(200 ms, RTT + 4 × jitter)). */
  rtoMs?: number
  /** IP + TCP header bytes charged per segment on the bottleneck (default 40). */
  headerBytes?: number
}

/** Counters of the link since start (or since `resetStats`). */
export interface LinkStats {
  up: DirectionStats
  down: DirectionStats
  connections: number
  refused: number
  cut: number
  /** Changes of direction among segments entering the link, halved: an estimate of round trips. */
  roundTrips: number
}

interface Conn {
  client: net.Socket
  server: net.Socket
  up: PipeEndpoint
  down: PipeEndpoint
}

/** A TCP proxy that behaves like a poor link. */
export class LinkEmulator {
  readonly profile: LinkProfile
  readonly outages: readonly OutageWindow[]
  readonly #opts: LinkEmulatorOptions
  readonly #up: DirectionPipe
  readonly #down: DirectionPipe
  readonly #conns = new Set<Conn>()
  readonly #timers: NodeJS.Timeout[] = []
  readonly #outageTimers: NodeJS.Timeout[] = []
  readonly #transitions: { at: number; up: boolean }[] = []
  #server: net.Server | undefined
  #port = 0
  #isUp = true
  #mode: OutageMode
  #counters = { connections: 0, refused: 0, cut: 0, turns: 0 }
  #lastDir: 'up' | 'down' | undefined
  #t0 = 0
  #firstConnectionMs: number | undefined

  constructor(opts: LinkEmulatorOptions) {
    this.#opts = opts
    this.profile = opts.profile
    this.#mode = opts.outageMode ?? 'stall'
    const prng = new Prng(opts.seed)
    // Fixed fork order: outages first, then each direction, so a schedule never depends on traffic.
    const outagePrng = prng.fork()
    const upPrng = prng.fork()
    const downPrng = prng.fork()
    this.outages =
      opts.outages === 'profile'
        ? planOutages(opts.profile.outages, outagePrng, opts.horizonMs ?? 7 * 24 * 3600_000)
        : [...(opts.outages ?? [])]
    const rtt = profileRttMs(opts.profile)
    const jitter = Math.hypot(opts.profile.up.jitterMs, opts.profile.down.jitterMs)
    const pipeOpts = {
      rtoMs: opts.rtoMs ?? Math.max(200, rtt + 4 * jitter),
      headerBytes: opts.headerBytes ?? 40,
      now: () => performance.now()
    }
    this.#up = new DirectionPipe(opts.profile.up, upPrng, pipeOpts)
    this.#down = new DirectionPipe(opts.profile.down, downPrng, pipeOpts)
  }

  /** Listen on 127.0.0.1 and start the outage schedule. Resolves with the port to dial. */
  async start(): Promise<number> {
    const server = net.createServer({ allowHalfOpen: true }, sock => this.#accept(sock))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.#opts.listenPort ?? 0, '127.0.0.1', () => resolve())
    })
    this.#server = server
    this.#port = (server.address() as net.AddressInfo).port
    if (this.#opts.deferSchedule !== true) this.startSchedule()
    return this.#port
  }

  /**
   * Start the outage schedule (and the clock `elapsedMs` counts from). `start()` does it unless
   * `deferSchedule` was given: a run that binds its ports long before its clock starts.
   */
  startSchedule(): void {
    this.#t0 = performance.now()
    for (const w of this.outages) {
      this.#outageTimers.push(setTimeout(() => this.setLinkUp(false), w.atMs))
      this.#outageTimers.push(setTimeout(() => this.setLinkUp(true), w.atMs + w.forMs))
    }
  }

  /** The port the proxy listens on. */
  get port(): number {
    if (this.#server === undefined) throw new LinkNotRunningError()
    return this.#port
  }

  /** Whether the link is up now. */
  get isUp(): boolean {
    return this.#isUp
  }

  /** Ms since `start()`. */
  elapsedMs(): number {
    return performance.now() - this.#t0
  }

  /** Ms from `start()` to the first accepted connection, if any. */
  get firstConnectionMs(): number | undefined {
    return this.#firstConnectionMs
  }

  /** Bring the link up or down by hand (outage schedules call this too). */
  setLinkUp(up: boolean, mode: OutageMode = this.#mode): void {
    if (up === this.#isUp) return
    this.#isUp = up
    this.#transitions.push({ at: performance.now(), up })
    this.#up.setUp(up)
    this.#down.setUp(up)
    if (!up && mode === 'cut') {
      for (const c of [...this.#conns]) {
        this.#counters.cut++
        this.#destroy(c)
      }
    }
  }

  /** Cancel the rest of the outage schedule and bring the link up (a run's quiescence phase). */
  endOutages(): void {
    for (const t of this.#outageTimers) clearTimeout(t)
    this.#outageTimers.length = 0
    this.setLinkUp(true)
  }

  /** Counters since start. */
  stats(): LinkStats {
    return {
      up: { ...this.#up.stats },
      down: { ...this.#down.stats },
      connections: this.#counters.connections,
      refused: this.#counters.refused,
      cut: this.#counters.cut,
      roundTrips: Math.ceil(this.#counters.turns / 2)
    }
  }

  /** When the link went down and up, on the emulator's clock (the same as `schedule()`'s). */
  transitions(): ReadonlyArray<{ at: number; up: boolean }> {
    return this.#transitions
  }

  /** What each direction scheduled for each segment so far, on the emulator's clock (ms since start). */
  schedule(): { up: ReadonlyArray<ScheduledSegment>; down: ReadonlyArray<ScheduledSegment>; t0: number } {
    return { up: this.#up.schedule, down: this.#down.schedule, t0: this.#t0 }
  }

  /** The random draws made so far per direction, for checking determinism. */
  trace(): { up: ReadonlyArray<[number, boolean, number]>; down: ReadonlyArray<[number, boolean, number]> } {
    return { up: this.#up.trace, down: this.#down.trace }
  }

  /** Stop listening, cut every connection, stop every timer. */
  async close(): Promise<void> {
    for (const t of [...this.#timers, ...this.#outageTimers]) clearTimeout(t)
    for (const c of [...this.#conns]) this.#destroy(c)
    this.#up.close()
    this.#down.close()
    const server = this.#server
    this.#server = undefined
    if (server !== undefined) await new Promise<void>(resolve => server.close(() => resolve()))
  }

  #accept(client: net.Socket): void {
    if (!this.#isUp) {
      // A down link answers nothing; refusing at once keeps the dialler's retry loop honest and fast.
      this.#counters.refused++
      client.resetAndDestroy()
      return
    }
    this.#counters.connections++
    this.#firstConnectionMs ??= this.elapsedMs()
    client.setNoDelay(true)
    // The TCP handshake costs one round trip before the first byte may leave: hold the client's
    // bytes (they wait in its socket buffer) and open the far side only then.
    client.pause()
    const server = new net.Socket({ allowHalfOpen: true })
    server.setNoDelay(true)
    const highWater = this.#highWater()
    const conn: Conn = {
      client,
      server,
      up: this.#endpoint(server, client, highWater),
      down: this.#endpoint(client, server, highWater)
    }
    this.#conns.add(conn)
    const open = (): void => {
      if (!this.#conns.has(conn)) return
      server.connect({ host: this.#opts.target.host ?? '127.0.0.1', port: this.#opts.target.port })
      client.resume()
    }
    const rtt = profileRttMs(this.profile)
    if (rtt > 0) this.#timers.push(setTimeout(open, rtt))
    else open()
    client.on('data', (d: Buffer) => this.#ingress('up', conn, d))
    server.on('data', (d: Buffer) => this.#ingress('down', conn, d))
    client.on('end', () => this.#up.enqueueEnd(conn.up))
    server.on('end', () => this.#down.enqueueEnd(conn.down))
    const fail = (): void => this.#destroy(conn)
    client.on('error', fail)
    server.on('error', fail)
    client.on('close', () => this.#maybeFinish(conn))
    server.on('close', () => this.#maybeFinish(conn))
  }

  /** One side's view: bytes flow from `source` into the pipe and come out on `dest`. */
  #endpoint(dest: net.Socket, source: net.Socket, highWater: number): PipeEndpoint {
    const ep: PipeEndpoint = {
      queued: 0,
      closed: false,
      deliver: data => {
        if (!dest.destroyed) dest.write(data)
      },
      deliverEnd: () => {
        if (!dest.destroyed) dest.end()
      },
      drained: () => {
        if (ep.queued < highWater / 2 && source.isPaused()) source.resume()
      }
    }
    return ep
  }

  #ingress(dir: 'up' | 'down', conn: Conn, data: Buffer): void {
    if (this.#lastDir !== dir) {
      this.#counters.turns++
      this.#lastDir = dir
    }
    const ep = dir === 'up' ? conn.up : conn.down
    ;(dir === 'up' ? this.#up : this.#down).enqueue(ep, data)
    // Back-pressure: like a TCP window, the sender may have about two bandwidth-delay products queued.
    if (ep.queued > this.#highWater()) (dir === 'up' ? conn.client : conn.server).pause()
  }

  #highWater(): number {
    const rate = Math.min(this.profile.up.rateBps, this.profile.down.rateBps)
    const bdp = Number.isFinite(rate) ? ((rate / 8) * profileRttMs(this.profile)) / 1000 : Infinity
    return Math.max(64 * 1024, Math.min(4 * 1024 * 1024, 2 * bdp), 4 * MSS)
  }

  #maybeFinish(conn: Conn): void {
    if (conn.client.destroyed && conn.server.destroyed) this.#forget(conn)
  }

  #destroy(conn: Conn): void {
    conn.client.destroy()
    conn.server.destroy()
    this.#forget(conn)
  }

  #forget(conn: Conn): void {
    if (!this.#conns.delete(conn)) return
    conn.up.closed = true
    conn.down.closed = true
    this.#up.drop(conn.up)
    this.#down.drop(conn.down)
  }
}
