/**
 * A seeded, deterministic simulated network for sync sessions (after Yjs's TestConnector). Virtual
 * time, one event queue, every random choice drawn from one `Prng`: the same seed replays the same
 * run and the same trace hash.
 *
 * Fault model, matching what the real transport (yamux over WebSockets/TCP) can do:
 * - delay: every frame takes a random time; frames of one stream stay in order, frames of different
 *   streams and links interleave freely (reordering across streams);
 * - drop: a lost packet surfaces as a reset stream: both sessions close, frames in flight are lost;
 * - duplicate: a second, concurrent session between the same pair (simultaneous dials);
 * - partition: a link goes down (sessions close) and later comes back (a new session).
 * In-stream duplication and reordering cannot happen on an ordered transport; the session's reaction
 * to them (a `ProtocolViolationError` and a closed stream) is unit-tested on the state machine.
 */
import type { FacilityId } from '../record/types.js'
import { MemoryItemStore } from '../sync/MemoryItemStore.js'
import { SyncSession } from '../sync/SyncSession.js'
import type { Entitlement, ItemId, StoredItem } from '../sync/types.js'
import { Prng } from './prng.js'
import { inspectTestItem, verifyTestItem } from './testItems.js'

/** Fault rates and timings of a simulated network (probabilities per frame or per link step). */
export interface SimFaults {
  /** Probability that a frame is lost, which resets its stream. */
  drop: number
  /** Probability that a new connection is accompanied by a duplicate concurrent session. */
  duplicate: number
  /** Frame delay range in virtual milliseconds. */
  minDelay: number
  maxDelay: number
}

interface SimNode {
  facility: FacilityId
  store: MemoryItemStore
  sessions: Set<SyncSession>
}

interface Link {
  a: SimNode
  b: SimNode
  up: boolean
  sessions: Set<SyncSession>
  lastDelivery: Map<SyncSession, number>
}

interface SimEvent {
  at: number
  order: number
  run: () => void
}

/** A simulated network of nodes with in-memory stores. */
export class SimNetwork {
  readonly prng: Prng
  readonly #faults: SimFaults
  readonly #nodes = new Map<FacilityId, SimNode>()
  readonly #links: Link[] = []
  readonly #queue: SimEvent[] = []
  readonly #entitled: Entitlement
  #now = 0
  #order = 0
  #trace = 0xcbf29ce484222325n
  /** Frames and bytes delivered, for assertions about cost. */
  readonly counters = { frames: 0, bytes: 0, resets: 0, sessions: 0 }

  constructor(seed: number, faults: SimFaults, entitled: Entitlement = async () => true) {
    this.prng = new Prng(seed)
    this.#faults = faults
    this.#entitled = entitled
  }

  /** Current virtual time in ms. */
  get now(): number {
    return this.#now
  }

  /** FNV-1a hash (hex) over every frame delivered: its time, endpoints and bytes. */
  get traceHash(): string {
    return this.#trace.toString(16).padStart(16, '0')
  }

  /** Add a node with an empty store (a deterministic epoch derived from the seed). */
  addNode(facility: FacilityId): MemoryItemStore {
    const epoch = Uint8Array.from({ length: 16 }, () => this.prng.int(0, 255))
    const store = new MemoryItemStore(inspectTestItem, epoch)
    this.#nodes.set(facility, { facility, store, sessions: new Set() })
    return store
  }

  /** Join every pair of nodes with a link that starts up. */
  fullMesh(): void {
    const nodes = [...this.#nodes.values()]
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const link: Link = { a: nodes[i]!, b: nodes[j]!, up: false, sessions: new Set(), lastDelivery: new Map() }
        this.#links.push(link)
        this.setLink(link.a.facility, link.b.facility, true)
      }
    }
  }

  /** Bring a link up (a session starts after a short connect delay) or down (its sessions close). */
  setLink(a: FacilityId, b: FacilityId, up: boolean): void {
    const link = this.#links.find(
      l => (l.a.facility === a && l.b.facility === b) || (l.a.facility === b && l.b.facility === a)
    )
    if (link === undefined) throw new TypeError(`no link ${a}-${b}`)
    if (link.up === up) return
    link.up = up
    if (!up) {
      for (const s of [...link.sessions]) s.close()
      return
    }
    this.#connectLater(link)
  }

  /** Links as [a, b] facility pairs. */
  links(): [FacilityId, FacilityId][] {
    return this.#links.map(l => [l.a.facility, l.b.facility])
  }

  /** Write items at a node as a local change; returns the newly stored ones (acknowledged). */
  async write(facility: FacilityId, items: Uint8Array[]): Promise<StoredItem[]> {
    const node = this.#node(facility)
    const fresh = await node.store.putItems(items)
    for (const s of node.sessions) s.logGrew()
    await this.#settle()
    return fresh
  }

  /** Schedule `fn` at virtual time `at`. */
  at(at: number, fn: () => void | Promise<void>): void {
    this.#schedule(at, () => {
      void fn()
    })
  }

  /** Process events until virtual time `until` or until nothing is left to do. */
  async run(until: number): Promise<void> {
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!
      if (next.at > until) break
      this.#queue.shift()
      this.#now = next.at
      next.run()
      await this.#settle()
    }
    if (this.#queue.length === 0 && this.#now < until) this.#now = until
  }

  /** Whether no frame is in flight and no event is scheduled. */
  get quiescent(): boolean {
    return this.#queue.length === 0
  }

  /** Ids of the items each node holds. */
  async itemSets(): Promise<Map<FacilityId, Set<ItemId>>> {
    const out = new Map<FacilityId, Set<ItemId>>()
    for (const n of this.#nodes.values()) {
      const log = await n.store.logSince(0, Number.MAX_SAFE_INTEGER)
      out.set(n.facility, new Set(log.map(i => i.id)))
    }
    return out
  }

  /** The store of a node. */
  store(facility: FacilityId): MemoryItemStore {
    return this.#node(facility).store
  }

  #node(f: FacilityId): SimNode {
    const n = this.#nodes.get(f)
    if (n === undefined) throw new TypeError(`unknown node ${f}`)
    return n
  }

  #schedule(at: number, run: () => void): void {
    const ev = { at, order: this.#order++, run }
    let i = this.#queue.length
    while (i > 0 && this.#queue[i - 1]!.at > at) i--
    this.#queue.splice(i, 0, ev)
  }

  async #settle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      const all = [...this.#nodes.values()].flatMap(n => [...n.sessions])
      await Promise.all(all.map(s => s.idle()))
      await Promise.resolve()
      const again = [...this.#nodes.values()].flatMap(n => [...n.sessions])
      if (again.length === all.length && again.every((s, i) => s === all[i])) {
        await Promise.all(again.map(s => s.idle()))
        return
      }
    }
  }

  #connectLater(link: Link): void {
    this.#schedule(this.#now + this.prng.int(50, 500), () => {
      if (!link.up || link.sessions.size > 0) return
      this.#openPair(link)
      if (this.prng.chance(this.#faults.duplicate)) this.#openPair(link)
    })
  }

  #hashFrame(from: FacilityId, to: FacilityId, bytes: Uint8Array): void {
    const mix = (b: number): void => {
      this.#trace = ((this.#trace ^ BigInt(b & 0xff)) * 0x100000001b3n) & 0xffffffffffffffffn
    }
    for (const c of `${this.#now}|${from}|${to}|`) mix(c.charCodeAt(0))
    for (const b of bytes) mix(b)
  }

  #openPair(link: Link): void {
    this.counters.sessions++
    const pair: SyncSession[] = []
    const mk = (me: SimNode, peer: SimNode, other: () => SyncSession): SyncSession => {
      const session: SyncSession = new SyncSession({
        store: me.store,
        me: me.facility,
        peer: peer.facility,
        rosterVersion: 1,
        entitled: this.#entitled,
        verify: verifyTestItem,
        inspect: inspectTestItem,
        onItems: () => {
          for (const s of me.sessions) if (s !== session) s.logGrew()
        },
        onClose: () => {
          me.sessions.delete(session)
          link.sessions.delete(session)
          other().close()
          if (link.up && link.sessions.size === 0) this.#connectLater(link)
        },
        channel: {
          send: async bytes => {
            if (this.prng.chance(this.#faults.drop)) {
              this.counters.resets++
              this.#schedule(this.#now + 1, () => session.close())
              return
            }
            const last = link.lastDelivery.get(session) ?? 0
            const at = Math.max(last, this.#now + this.prng.int(this.#faults.minDelay, this.#faults.maxDelay))
            link.lastDelivery.set(session, at)
            const copy = bytes.slice()
            this.#schedule(at, () => {
              const target = other()
              if (target.closed) return
              this.counters.frames++
              this.counters.bytes += copy.length
              this.#hashFrame(me.facility, peer.facility, copy)
              void target.receive(copy)
            })
          },
          close: () => {}
        }
      })
      me.sessions.add(session)
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

/** A random payload of `n` bytes from `prng` (distinct items for a simulation). */
export function randomPayload(prng: Prng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => prng.int(0, 255))
}
