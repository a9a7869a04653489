/**
 * The facility's replicator: a libp2p host that admits only roster members, dials them with
 * exponential backoff and jitter, and runs one `SyncSession` per peer over `/pagdandi/sync/1.0.0`.
 *
 * Of two facilities, the one with the smaller id opens the sync stream; both dial, so whichever side
 * is reachable brings the link up.
 */
import { EventEmitter } from 'node:events'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import type { VerifiedRoster } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { FrameTooLargeError, SyncSession, type AdmitItems, type Clock, type Random } from '@pagdandi/core/sync'
import {
  DEFAULT_BACKOFF,
  DIAL_TICK_MS,
  MAX_BUFFERED_BYTES,
  MAX_DATA_LENGTH,
  INBOUND_LIMITS,
  MAX_STREAMS_PER_PEER,
  SYNC_PROTOCOL_1_1,
  SYNC_PROTOCOLS
} from './constants.js'
import { systemClock } from './clock.js'
import { ADMISSION_LIMITS, AdmissionBudget } from './AdmissionBudget.js'
import { EntitlementCache } from './entitlement.js'
import { NotAMemberError, ReplicatorNotRunningError } from './errors.js'
import { dialCard, handleCardProtocol } from './cardStream.js'
import { createHost } from './host.js'
import type { CardChannel } from '../ports.js'
import { InboundGuard, memberHosts, type InboundStats } from './InboundGuard.js'
import { cryptoInspector, cryptoVerifier } from './items.js'
import type {
  PeerState,
  PeerStatus,
  ReplicatorEvents,
  ReplicatorMetrics,
  ReplicatorOptions
} from './replicatorTypes.js'

export type { PeerStatus, ReplicatorEvents, ReplicatorMetrics, ReplicatorOptions } from './replicatorTypes.js'

/** Replicates the facility's sealed items with the other roster members over libp2p. */
export class Replicator extends EventEmitter<ReplicatorEvents> {
  readonly #options: ReplicatorOptions
  #roster: VerifiedRoster
  readonly #entitlement: EntitlementCache
  readonly #peers = new Map<FacilityId, PeerState>()
  readonly #metrics: ReplicatorMetrics = {
    streams: 0,
    refused: 0,
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    itemBytesOut: 0,
    dials: 0,
    dialsFailed: 0
  }
  readonly #clock: Clock
  readonly #random: Random
  readonly #budget: AdmissionBudget
  #node: Libp2p | undefined
  #guard: InboundGuard | undefined
  #cancelTick: (() => void) | undefined

  constructor(options: ReplicatorOptions) {
    super()
    this.#options = options
    this.#roster = options.roster
    this.#clock = options.clock ?? systemClock
    this.#random = options.random ?? Math.random
    this.#budget = new AdmissionBudget(
      options.admission?.clock ?? this.#clock,
      options.admission?.limits ?? ADMISSION_LIMITS
    )
    this.#entitlement = new EntitlementCache(options.store, () => this.#roster)
  }

  /** Multiaddrs the host listens on (with `/p2p/<peer id>`). */
  get multiaddrs(): string[] {
    return this.#node?.getMultiaddrs().map(m => m.toString()) ?? []
  }

  /** This host's peer id. */
  get peerId(): string {
    if (this.#node === undefined) throw new ReplicatorNotRunningError()
    return this.#node.peerId.toString()
  }

  /** Counters since start. */
  metrics(): ReplicatorMetrics {
    return { ...this.#metrics }
  }

  /** What the inbound guard did (unauthenticated sockets open, refused, evicted, timed out). */
  inboundStats(): InboundStats | undefined {
    return this.#guard?.stats()
  }

  /** Start listening and dialling. */
  async start(): Promise<void> {
    if (this.#node !== undefined) return
    this.#guard = new InboundGuard(
      this.#options.inbound?.limits ?? INBOUND_LIMITS,
      this.#options.inbound?.clock ?? this.#clock,
      () => memberHosts(this.#roster)
    )
    const node = await createHost({
      guard: this.#guard,
      privateKey: this.#options.privateKey,
      listen: this.#options.listen,
      admit: peerId => this.#facilityOf(peerId) !== undefined,
      onRefused: () => {
        this.#metrics.refused++
      }
    })
    await node.handle(
      SYNC_PROTOCOLS,
      (stream, connection) => {
        this.#onStream(stream, connection)
      },
      {
        maxInboundStreams: MAX_STREAMS_PER_PEER,
        maxOutboundStreams: MAX_STREAMS_PER_PEER
      }
    )
    if (this.#options.serveCard !== undefined)
      await handleCardProtocol(node, peerId => this.#facilityOf(peerId), this.#options.serveCard)
    node.addEventListener('connection:open', evt => {
      this.#onConnection(evt.detail)
    })
    node.addEventListener('peer:disconnect', evt => {
      const f = this.#facilityOf(evt.detail.toString())
      if (f !== undefined) this.#peers.get(f)?.session?.close()
    })
    await node.start()
    this.#node = node
    this.#tick()
  }

  /** Close every session and stop the host. */
  async stop(): Promise<void> {
    const node = this.#node
    if (node === undefined) return
    this.#node = undefined
    this.#cancelTick?.()
    for (const peer of this.#peers.values()) peer.session?.close()
    await node.stop()
  }

  /** A card-protocol stream to member `f` (health card, app/CardService.ts). */
  async openCard(f: FacilityId): Promise<CardChannel> {
    const e = this.#entryOf(f)
    if (this.#node === undefined) throw new ReplicatorNotRunningError()
    if (e === undefined || f === this.#options.facility) throw new NotAMemberError(f)
    return await dialCard(this.#node, e.peerId, this.#options.routes?.get(f) ?? e.addresses)
  }

  /** Adopt a newer roster: members no longer on it are disconnected at once. */
  async updateRoster(roster: VerifiedRoster): Promise<void> {
    this.#roster = roster
    this.#entitlement.clear()
    const node = this.#node
    if (node === undefined) return
    for (const conn of node.getConnections()) {
      const f = this.#facilityOf(conn.remotePeer.toString())
      if (f === undefined) await node.hangUp(conn.remotePeer).catch(() => {})
    }
    for (const [f, peer] of this.#peers) {
      if (this.#entryOf(f) === undefined) peer.session?.close()
      else peer.session?.rosterChanged(roster.body.version)
    }
  }

  /** A 1.1 session's roster exchange: ours as signed, and adoption of a peer's newer one. */
  #rosterExchange(adopt: (roster: Uint8Array) => Promise<VerifiedRoster>): {
    current(): Uint8Array
    adopt(roster: Uint8Array): Promise<number>
  } {
    return {
      current: () => this.#roster.bytes,
      adopt: async bytes => (await adopt(bytes)).body.version
    }
  }

  /**
   * New local items were stored: push them to connected peers now (live push). Pass the newly
   * stored items (their bytes suffice): a grant among them makes its receiver entitled before the
   * log is read past it, and the older items of its document are then offered. Without items,
   * every cached entitlement is dropped.
   */
  notifyLocalItems(items: readonly { bytes: Uint8Array }[] = []): void {
    if (items.length === 0) this.#entitlement.clear()
    else this.#entitlement.invalidate(items)
    for (const peer of this.#peers.values()) peer.session?.logGrew()
  }

  /** Replication state with every other roster member. */
  status(): PeerStatus[] {
    const held = new Set(this.#budget.held)
    return this.#roster.body.entries
      .filter(e => e.facility !== this.#options.facility)
      .map(e => {
        const peer = this.#peers.get(e.facility)
        const s = peer?.session !== undefined && !peer.session.closed ? peer.session.status() : undefined
        const last = s ?? peer?.last
        const out: PeerStatus = {
          facility: e.facility,
          connected: s?.open === true,
          heard: last !== undefined,
          itemsToSend: last?.itemsToSend ?? 0,
          itemsToReceive: last?.itemsToReceive ?? 0,
          cursor: last?.cursor ?? 0,
          bufferedBytes: s?.bufferedBytes ?? 0
        }
        if (peer?.lastSeen !== undefined) out.lastSeen = peer.lastSeen
        if (held.has(e.facility)) out.held = true
        return out
      })
  }

  #entryOf(f: FacilityId) {
    return this.#roster.body.entries.find(e => e.facility === f)
  }

  #facilityOf(peerId: string): FacilityId | undefined {
    const e = this.#roster.body.entries.find(x => x.peerId === peerId)
    return e === undefined || e.facility === this.#options.facility ? undefined : e.facility
  }

  #peer(f: FacilityId): PeerState {
    let peer = this.#peers.get(f)
    if (peer === undefined) {
      peer = {
        delay: (this.#options.backoff ?? DEFAULT_BACKOFF).initialMs,
        nextDial: 0,
        dialing: false,
        opening: false
      }
      this.#peers.set(f, peer)
    }
    return peer
  }

  #tick(): void {
    const node = this.#node
    if (node === undefined) return
    this.#cancelTick = this.#clock.schedule(DIAL_TICK_MS, () => {
      this.#tick()
    })
    const now = this.#clock.now()
    for (const e of this.#roster.body.entries) {
      if (e.facility === this.#options.facility) continue
      const addresses = this.#options.routes?.get(e.facility) ?? e.addresses
      const known = this.#peers.get(e.facility)
      // A peer we cannot dial (no address) is still served over a connection it made to us.
      if (addresses.length === 0 && known === undefined) continue
      const peer = known ?? this.#peer(e.facility)
      if (peer.dialing || peer.opening || (peer.session !== undefined && !peer.session.closed) || now < peer.nextDial)
        continue
      const remote = peerIdFromString(e.peerId)
      if (node.getConnections(remote).length > 0) {
        // The lower id opens the stream. After a session ends on a connection that stays up, this
        // reopens it, also for a peer without an address (it dialled us, and will not dial again).
        if (this.#options.facility < e.facility) void this.#openStream(e.facility, remote)
        continue
      }
      if (addresses.length > 0) void this.#dial(e.facility, remote, addresses)
    }
  }

  #backoff(peer: PeerState): void {
    const { maxMs } = this.#options.backoff ?? DEFAULT_BACKOFF
    // Equal jitter in [delay/2, delay): peers that lost a shared link do not all redial in step.
    peer.nextDial = this.#clock.now() + peer.delay / 2 + (this.#random() * peer.delay) / 2
    peer.delay = Math.min(maxMs, peer.delay * 2)
  }

  async #dial(f: FacilityId, remote: PeerId, addresses: readonly string[]): Promise<void> {
    const node = this.#node
    const peer = this.#peer(f)
    if (node === undefined) return
    peer.dialing = true
    this.#metrics.dials++
    try {
      const addrs = addresses.map(a => multiaddr(a.includes('/p2p/') ? a : `${a}/p2p/${remote.toString()}`))
      await node.dial(addrs)
      if (this.#options.facility < f) await this.#openStream(f, remote)
      else peer.nextDial = this.#clock.now() + (this.#options.backoff ?? DEFAULT_BACKOFF).initialMs
    } catch {
      this.#metrics.dialsFailed++
      this.#backoff(peer)
    } finally {
      peer.dialing = false
    }
  }

  #onConnection(conn: Connection): void {
    const f = this.#facilityOf(conn.remotePeer.toString())
    if (f === undefined || this.#options.facility > f) return
    const peer = this.#peer(f)
    if (peer.session !== undefined && !peer.session.closed) return
    void this.#openStream(f, conn.remotePeer)
  }

  async #openStream(f: FacilityId, remote: PeerId): Promise<void> {
    const node = this.#node
    const peer = this.#peer(f)
    // One stream at a time: a second connection opening while the first stream is still being
    // negotiated (a redial on a slow link) must not open another, or the peer replaces the first
    // session and everything in flight on it is sent again.
    if (node === undefined || peer.opening) return
    if (peer.session !== undefined && !peer.session.closed) return
    try {
      peer.opening = true
      const stream = await node.dialProtocol(remote, SYNC_PROTOCOLS)
      this.#run(f, stream)
    } catch {
      this.#backoff(peer)
    } finally {
      peer.opening = false
    }
  }

  #onStream(stream: Stream, connection: Connection): void {
    this.#metrics.streams++
    const f = this.#facilityOf(connection.remotePeer.toString())
    if (f === undefined) {
      stream.abort(new NotAMemberError(connection.remotePeer.toString()))
      return
    }
    this.#peer(f).session?.close()
    this.#run(f, stream, true)
  }

  /** `admit` for the batches of member `f`, held while its refused items exceed its budget. */
  #budgeted(f: FacilityId, admit: AdmitItems): AdmitItems {
    return async items => {
      await this.#budget.ready(f, items)
      const verdicts = await admit(items)
      this.#budget.spend(items, verdicts)
      return verdicts
    }
  }

  #run(f: FacilityId, stream: Stream, inbound = false): void {
    if (!inbound) this.#metrics.streams++
    const peer = this.#peer(f)
    const lp = lpStream(stream, { maxDataLength: MAX_DATA_LENGTH, maxBufferSize: MAX_BUFFERED_BYTES })
    const store = this.#options.store
    const session = new SyncSession({
      store,
      me: this.#options.facility,
      peer: f,
      rosterVersion: this.#roster.body.version,
      entitled: this.#entitlement.entitled,
      verify: cryptoVerifier(() => this.#roster, this.#options.signatures),
      inspect: cryptoInspector(this.#options.signatures),
      ...(this.#options.admit === undefined ? {} : { admit: this.#budgeted(f, this.#options.admit) }),
      ...(this.#options.withhold === undefined ? {} : { withhold: this.#options.withhold }),
      ...(stream.protocol === SYNC_PROTOCOL_1_1 && this.#options.adoptRoster !== undefined
        ? { rosters: this.#rosterExchange(this.#options.adoptRoster) }
        : {}),
      onRefused: refused => this.emit('refused', refused, f),
      onItems: items => {
        this.#entitlement.invalidate(items)
        this.emit('items', items, f)
        // Every session learns that the log grew, this one too: its reader then skips these
        // echoes and sends only a cursor mark, so the peer holds a cursor of our log even when all
        // of it came from the peer (a hub of one CHC). Without one, the next session repairs.
        for (const other of this.#peers.values()) other.session?.logGrew()
      },
      onFrame: (dir, frame, n) => {
        if (dir === 'in') {
          this.#metrics.framesIn++
          this.#metrics.bytesIn += n
          peer.lastSeen = this.#clock.now()
          this.emit('frame', { facility: f, frame, bytes: n })
        } else {
          this.#metrics.framesOut++
          this.#metrics.bytesOut += n
          if (frame.type === 'batch') for (const it of frame.items) this.#metrics.itemBytesOut += it.length
        }
      },
      onClose: error => {
        if (peer.session === session) {
          peer.last = session.status()
          delete peer.session
          this.emit('peer', { facility: f, connected: false })
          this.#backoff(peer)
        }
        if (error === undefined) return
        // A store write that failed may still have stored a grant, and no `items` event told the
        // cache: judging by the stale entry would pass the peer's cursor over what it may now have.
        this.#entitlement.clear()
        this.emit('session-error', { facility: f, error })
      },
      channel: {
        send: async bytes => {
          await lp.write(bytes)
        },
        close: error => {
          if (error === undefined) void stream.close().catch(() => stream.abort(new Error('close failed')))
          else stream.abort(error)
        }
      }
    })
    peer.session = session
    peer.delay = (this.#options.backoff ?? DEFAULT_BACKOFF).initialMs
    this.emit('peer', { facility: f, connected: true })
    void session.start()
    void (async () => {
      try {
        while (!session.closed) {
          const buf = await lp.read()
          await session.receive(buf.subarray())
        }
      } catch (err) {
        session.close(toNamed(err))
      }
    })()
  }
}

function toNamed(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err))
  if (
    e.name === 'InvalidDataLengthError' ||
    e.name === 'InvalidDataLengthLengthError' ||
    e.name === 'StreamBufferError'
  ) {
    const claimed = /(\d+) >/.exec(e.message)
    return new FrameTooLargeError('frame', claimed === null ? MAX_DATA_LENGTH + 1 : Number(claimed[1]), MAX_DATA_LENGTH)
  }
  return e
}
