/**
 * A seeded, deterministic simulated network of sync sessions (after Yjs's TestConnector and
 * TigerBeetle's simulator). Virtual time, one event queue, every random choice drawn from one
 * `Prng`: the same seed replays the same run and the same trace hash.
 *
 * The fault model is `SimFaults`'s (simTypes.ts).
 *
 * The network owns no invariant: a `SimObserver` (the checker) sees every frame sent and delivered
 * and every durable write, and judges them.
 */
import type { FacilityId } from '../record/types.js'
import { decodeFrame } from '../sync/frames.js'
import { SyncSession } from '../sync/SyncSession.js'
import type { Entitlement, ItemStore, StoredItem } from '../sync/types.js'
import { Prng } from './prng.js'
import { SimEvents, TraceHash } from './simEvents.js'
import { SimOutbox } from './simOutbox.js'
import { SimStore } from './SimStore.js'
import { DEAD_LINK_MS, type SimFaults, type SimNetworkOptions, type SimNodeView } from './simTypes.js'

export { CALM, DEAD_LINK_MS, randomPayload } from './simTypes.js'
export type { SimFaults, SimNetworkOptions, SimNodeView, SimObserver } from './simTypes.js'

interface SimNode extends SimNodeView {
  sessionStore: ItemStore
  up: boolean
  revoked: boolean
  sessions: Set<SyncSession>
  entitled: Entitlement
}

interface Link {
  a: SimNode
  b: SimNode
  /** Whether frames from a reach b, and from b reach a. */
  ab: boolean
  ba: boolean
  sessions: Set<SyncSession>
  connecting: boolean
  /** Streams whose next frame waits for a dead direction to return (TCP retransmits it then). */
  held: (() => void | Promise<void>)[]
}

/** A simulated network of nodes with journalled in-memory stores. */
export class SimNetwork {
  readonly prng: Prng
  #faults: SimFaults
  readonly #options: SimNetworkOptions
  readonly #nodes = new Map<FacilityId, SimNode>()
  readonly #links: Link[] = []
  readonly #events = new SimEvents()
  #pairs = 0
  readonly #trace = new TraceHash()
  /** What happened, for assertions about cost and coverage. */
  readonly counters = {
    frames: 0,
    bytes: 0,
    resets: 0,
    sessions: 0,
    crashes: 0,
    restores: 0,
    writeErrors: 0
  }
  /** Every open session, in the order they opened. */
  readonly #open = new Set<SyncSession>()

  constructor(options: SimNetworkOptions) {
    this.#options = options
    this.prng = new Prng(options.seed)
    this.#faults = options.faults
  }

  /** Current virtual time in ms. */
  get now(): number {
    return this.#events.now
  }

  /** A 64-bit hash (hex) of every frame delivered and every crash, restore and revocation. */
  get traceHash(): string {
    return this.#trace.hex
  }

  /** Change the fault rates from now on (healing sets `CALM`). */
  setFaults(faults: SimFaults): void {
    this.#faults = faults
  }

  /** Add a node with an empty store (a deterministic epoch derived from the seed). */
  addNode(facility: FacilityId): SimNodeView {
    const epoch = Uint8Array.from({ length: 16 }, () => this.prng.int(0, 255))
    const node = { facility } as SimNode
    node.store = new SimStore(facility, this.#options.inspect, epoch, {
      fate: () => this.#fate(),
      crashed: () => {
        this.crash(facility)
      },
      failed: () => {
        // The node notices its store refuses writes; its operator (or supervisor) restarts it.
        this.#events.schedule(this.#events.now + this.prng.int(1_000, 5_000), () => {
          this.crash(facility, this.prng.int(200, 2_000))
        })
      },
      stored: (options, fresh) => this.#options.observer?.stored(node, options, fresh)
    })
    node.sessionStore = this.#options.storeFor?.(facility, node.store) ?? node.store
    node.up = true
    node.revoked = false
    node.sessions = new Set()
    node.entitled = this.#options.entitlement(node)
    this.#nodes.set(facility, node)
    return node
  }

  /** Every node. */
  nodes(): SimNodeView[] {
    return [...this.#nodes.values()]
  }

  /** A node by facility. */
  node(facility: FacilityId): SimNodeView {
    return this.#node(facility)
  }

  /** Whether a facility has been revoked. */
  revoked(facility: FacilityId): boolean {
    return this.#node(facility).revoked
  }

  /** Join every pair of nodes with a link that starts up. */
  fullMesh(): void {
    const nodes = [...this.#nodes.values()]
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const link: Link = {
          a: nodes[i]!,
          b: nodes[j]!,
          ab: false,
          ba: false,
          sessions: new Set(),
          connecting: false,
          held: []
        }
        this.#links.push(link)
        this.setLink(link.a.facility, link.b.facility, true)
      }
    }
  }

  /** Links as [a, b] facility pairs. */
  links(): [FacilityId, FacilityId][] {
    return this.#links.map(l => [l.a.facility, l.b.facility])
  }

  /** Bring both directions of a link up or down. */
  setLink(a: FacilityId, b: FacilityId, up: boolean): void {
    this.setDirection(a, b, up)
    this.setDirection(b, a, up)
  }

  /**
   * Whether frames from `from` reach `to`. While a direction is down its frames wait (TCP keeps
   * retransmitting them) and the other direction still delivers; the sessions on the link reset
   * when the connection monitor notices (`DEAD_LINK_MS`), and no connection opens meanwhile.
   */
  setDirection(from: FacilityId, to: FacilityId, up: boolean): void {
    const link = this.#link(from, to)
    const forward = link.a.facility === from
    if ((forward ? link.ab : link.ba) === up) return
    if (forward) link.ab = up
    else link.ba = up
    if (!up) {
      if (!link.ab && !link.ba) this.#closeAll(link)
      else
        this.#events.schedule(this.#events.now + DEAD_LINK_MS, () => {
          if (!(forward ? link.ab : link.ba)) this.#closeAll(link)
        })
      return
    }
    for (const resume of link.held.splice(0)) this.#events.schedule(this.#events.now + this.prng.int(1, 50), resume)
    this.#connectLater(link)
  }

  /** The node's process dies: its sessions reset; it restarts after `restartMs`. */
  crash(facility: FacilityId, restartMs = 1_000): void {
    const node = this.#node(facility)
    if (!node.up) return
    this.counters.crashes++
    this.#trace.mix(`crash ${facility}`)
    node.up = false
    for (const s of [...node.sessions]) s.close()
    this.#events.schedule(this.#events.now + restartMs, () => this.#restart(node))
  }

  /** Take a backup of a node's store now; pass the result to `restore`. */
  backup(facility: FacilityId): number {
    return this.#node(facility).store.backup()
  }

  /**
   * The node goes down and comes back from `backup` (its store as it was then, same identity and
   * epoch). Returns what it held that no other node holds, which the restore lost for good: a
   * revoked facility's store counts for nothing, as it never connects again.
   */
  async restore(facility: FacilityId, backup: number): Promise<StoredItem[]> {
    const node = this.#node(facility)
    this.crash(facility)
    const before = [...node.store.items]
    await node.store.restore(backup)
    this.counters.restores++
    this.#trace.mix(`restore ${facility} ${backup}`)
    return before.filter(
      it =>
        !node.store.has(it.id) && ![...this.#nodes.values()].some(n => n !== node && !n.revoked && n.store.has(it.id))
    )
  }

  /** Every node cuts the facility off at once; it never connects again. */
  revoke(facility: FacilityId): void {
    const node = this.#node(facility)
    node.revoked = true
    this.#trace.mix(`revoke ${facility}`)
    for (const s of [...node.sessions]) s.close()
  }

  /**
   * Write items at a node as a local change. Returns the newly stored (acknowledged) ones; throws
   * when the store fails or the node dies during the write (nothing is acknowledged then).
   */
  async write(facility: FacilityId, items: Uint8Array[]): Promise<StoredItem[]> {
    const node = this.#node(facility)
    if (!node.up) throw new TypeError(`node ${facility} is down`)
    const fresh = await node.store.putItems(items)
    this.notify(facility)
    return fresh
  }

  /** The node stored items by itself (the node layer seals through its own store): push them. */
  notify(facility: FacilityId): void {
    for (const s of this.#node(facility).sessions) s.logGrew()
  }

  /** Whether a node is up (not crashed or restarting). */
  isUp(facility: FacilityId): boolean {
    return this.#node(facility).up
  }

  /** Schedule `fn` at virtual time `at`. */
  at(at: number, fn: () => void | Promise<void>): void {
    this.#events.schedule(at, fn)
  }

  /** Process events until virtual time `until` or until nothing is left to do. */
  async run(until: number): Promise<void> {
    await this.#events.run(until, () => this.#settle())
  }

  /** Whether no frame is in flight and no event is scheduled. */
  get quiescent(): boolean {
    return this.#events.empty
  }

  #node(f: FacilityId): SimNode {
    const n = this.#nodes.get(f)
    if (n === undefined) throw new TypeError(`unknown node ${f}`)
    return n
  }

  #link(a: FacilityId, b: FacilityId): Link {
    const link = this.#links.find(
      l => (l.a.facility === a && l.b.facility === b) || (l.a.facility === b && l.b.facility === a)
    )
    if (link === undefined) throw new TypeError(`no link ${a}-${b}`)
    return link
  }

  #fate(): { fate: 'ok' | 'crash' | 'error'; applied: boolean } {
    const r = this.prng.next()
    if (r < this.#faults.crashInWrite) return { fate: 'crash', applied: this.prng.chance(0.5) }
    if (r < this.#faults.crashInWrite + this.#faults.writeError) {
      this.counters.writeErrors++
      return { fate: 'error', applied: this.prng.chance(0.5) }
    }
    return { fate: 'ok', applied: true }
  }

  #restart(node: SimNode): void {
    if (node.up) return
    node.up = true
    node.store.reopen()
    this.#trace.mix(`restart ${node.facility}`)
    const restarted = this.#options.onRestart?.(node)
    if (restarted !== undefined) this.#events.track(restarted)
    for (const l of this.#links) if (l.a === node || l.b === node) this.#connectLater(l)
  }

  /** Let every session and event handler finish what the last event started. */
  async #settle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      const opened = this.counters.sessions
      const waits: Promise<void>[] = [...this.#events.pending]
      for (const s of this.#open) waits.push(s.idle())
      await Promise.all(waits)
      await Promise.resolve()
      if (this.#events.pending.size === 0 && this.counters.sessions === opened) {
        const again: Promise<void>[] = []
        for (const s of this.#open) again.push(s.idle())
        await Promise.all(again)
        if (this.#events.pending.size === 0 && this.counters.sessions === opened) return
      }
    }
  }

  #closeAll(link: Link): void {
    for (const s of [...link.sessions]) s.close()
  }

  #canConnect(link: Link): boolean {
    return link.ab && link.ba && link.a.up && link.b.up && !link.a.revoked && !link.b.revoked
  }

  #connectLater(link: Link): void {
    if (link.connecting || !this.#canConnect(link)) return
    link.connecting = true
    this.#events.schedule(this.#events.now + this.prng.int(50, 500), () => {
      link.connecting = false
      if (!this.#canConnect(link) || link.sessions.size > 0) return
      this.#openPair(link)
      if (this.prng.chance(this.#faults.duplicate)) this.#openPair(link)
    })
  }

  #deliverable(link: Link, from: SimNode): boolean {
    return link.a === from ? link.ab : link.ba
  }

  #openPair(link: Link): void {
    this.counters.sessions++
    const pairNo = ++this.#pairs
    const pair: SyncSession[] = []
    const mk = (me: SimNode, peer: SimNode, other: () => SyncSession): SyncSession => {
      const outbox = new SimOutbox({
        events: this.#events,
        prng: this.prng,
        faults: () => this.#faults,
        up: () => this.#deliverable(link, me),
        hold: resume => link.held.push(resume),
        target: other,
        deliver: bytes => {
          this.counters.frames++
          this.counters.bytes += bytes.length
          this.#trace.mix(`${this.#events.now}|${me.facility}|${peer.facility}|`)
          for (const b of bytes) this.#trace.mixByte(b)
          return other().receive(bytes)
        }
      })
      const session: SyncSession = new SyncSession({
        store: me.sessionStore,
        me: me.facility,
        peer: peer.facility,
        rosterVersion: 1,
        entitled: me.entitled,
        verify: this.#options.verify,
        inspect: this.#options.inspect,
        onItems: items => {
          const applied = this.#options.onItems?.(me, items)
          if (applied !== undefined) this.#events.track(applied)
          for (const s of me.sessions) s.logGrew()
        },
        onClose: error => {
          if (error !== undefined) this.#options.onSessionError?.(me, error)
          me.sessions.delete(session)
          this.#open.delete(session)
          link.sessions.delete(session)
          other().close()
          if (link.sessions.size === 0) this.#connectLater(link)
        },
        channel: {
          send: async bytes => {
            this.#options.observer?.sent(me, peer, pairNo, decodeFrame(bytes))
            if (this.prng.chance(this.#faults.drop)) {
              this.counters.resets++
              this.#events.schedule(this.#events.now + 1, () => session.close())
              return
            }
            outbox.push(bytes)
          },
          close: () => {}
        }
      })
      me.sessions.add(session)
      this.#open.add(session)
      link.sessions.add(session)
      return session
    }
    const a = mk(link.a, link.b, () => pair[1]!)
    const b = mk(link.b, link.a, () => pair[0]!)
    pair.push(a, b)
    void a.start()
    void b.start()
  }
}
