/**
 * Connection limits in front of libp2p (issue 14, attack 5). Every TCP socket accepted by the
 * WebSocket listener is counted here before libp2p sees it, until it becomes a connection of a
 * roster member (Noise done, the gater admitted the peer id). Until then it is *unauthenticated*:
 *
 * - it must send its first byte within `firstByteMs` and become a member's connection within
 *   `preAuthMs`, or it is closed (a silent raw socket, or a WebSocket that never speaks Noise);
 * - at most `perHost` unauthenticated sockets per remote address: more are closed on arrival (an
 *   IPv6 address counts as its /64, an IPv4-mapped one as its IPv4 address: addressGroup.ts);
 * - at most `pool` unauthenticated sockets from other addresses in all: when the pool is full, a new
 *   socket closes the oldest one of the address holding the most, so a flood from a few addresses
 *   cannot keep out a member that dials from its own;
 * - `reserved` further places for addresses members are known by (the roster's addresses and the
 *   addresses members connected from), which only those addresses can use.
 *
 * Time comes from an injected `Clock`, so a test advances it instead of waiting.
 */
import type { Server, Socket } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { getNetConfig } from '@libp2p/utils'
import type { VerifiedRoster } from '@pagdandi/core/crypto'
import type { Clock } from '@pagdandi/core/sync'
import { addressGroup, plainHost } from './addressGroup.js'
import { PoolEvictionError, PreAuthTimeoutError } from './errors.js'

/** The limits; `DEFAULT_INBOUND_LIMITS` in constants.ts explains each value. */
export interface InboundLimits {
  firstByteMs: number
  preAuthMs: number
  perHost: number
  pool: number
  reserved: number
}

/** What the guard did since start (for status, tests and the bench). */
export interface InboundStats {
  /** Unauthenticated sockets open now. */
  pending: number
  /** Closed on arrival: their address already held `perHost`. */
  refusedPerHost: number
  /** Closed to make room in a full pool for an address holding fewer. */
  evicted: number
  /** Closed on arrival: the pool was full and no address held more than this one. */
  refusedFull: number
  /** Closed for sending nothing within `firstByteMs`, or not authenticating within `preAuthMs`. */
  timedOut: number
  /** Became a member's connection. */
  authenticated: number
}

interface Pending {
  socket: Socket
  host: string
  reserved: boolean
  cancel: () => void
}

/** Counts, times out and evicts unauthenticated sockets of one or more `net.Server`s. */
export class InboundGuard {
  readonly #limits: InboundLimits
  readonly #clock: Clock
  readonly #memberHosts: () => ReadonlySet<string>
  /** Addresses authenticated members connected from (kept for the reserve). */
  readonly #seenMembers = new Set<string>()
  /** Unauthenticated sockets by `host:port`, in arrival order. */
  readonly #pending = new Map<string, Pending>()
  readonly #perHost = new Map<string, number>()
  #general = 0
  #reservedUsed = 0
  readonly #stats: InboundStats = {
    pending: 0,
    refusedPerHost: 0,
    evicted: 0,
    refusedFull: 0,
    timedOut: 0,
    authenticated: 0
  }

  constructor(limits: InboundLimits, clock: Clock, memberHosts: () => ReadonlySet<string>) {
    this.#limits = limits
    this.#clock = clock
    this.#memberHosts = memberHosts
  }

  stats(): InboundStats {
    return { ...this.#stats, pending: this.#pending.size }
  }

  /**
   * Put the guard in front of a server's `connection` handlers: a refused socket never reaches
   * them. Call before the server listens.
   */
  attach(server: Server): void {
    const handlers = server.listeners('connection')
    server.removeAllListeners('connection')
    server.on('connection', (socket: Socket) => {
      if (!this.#admit(socket)) return
      for (const h of handlers) Reflect.apply(h, server, [socket])
    })
  }

  /** Close every unauthenticated socket (the listener is closing: its server waits for them). */
  closeAll(): void {
    for (const [key, p] of [...this.#pending]) {
      this.#release(key, p)
      p.socket.destroy()
    }
  }

  /** A member's connection opened from `host:port`: that socket is no longer limited. */
  authenticated(host: string, port: number): void {
    this.#seenMembers.add(plainHost(host))
    const p = this.#pending.get(`${host}:${port}`)
    if (p === undefined) return
    this.#stats.authenticated++
    this.#release(`${host}:${port}`, p)
  }

  #admit(socket: Socket): boolean {
    const remote = socket.remoteAddress
    const port = socket.remotePort
    if (remote === undefined || port === undefined) {
      socket.destroy()
      return false
    }
    // Counted by address group (an IPv6 /64, an IPv4 address however written); a member is known
    // by its own address.
    const host = addressGroup(remote)
    const exact = plainHost(remote)
    const l = this.#limits
    const count = this.#perHost.get(host) ?? 0
    if (count >= l.perHost) {
      this.#stats.refusedPerHost++
      socket.destroy()
      return false
    }
    const member = this.#seenMembers.has(exact) || this.#memberHosts().has(exact)
    const reserved = member && this.#reservedUsed < l.reserved
    if (!reserved && this.#general >= l.pool && !this.#evictFor(host)) {
      this.#stats.refusedFull++
      socket.destroy()
      return false
    }
    // Destroyed with an error below, so that whoever awaits the socket (the listener's wait for its
    // first byte) is woken; this listener keeps that error from being uncaught.
    socket.on('error', () => {})
    const key = `${remote}:${port}`
    const timeout = (): void => {
      const p = this.#pending.get(key)
      if (p === undefined) return
      this.#stats.timedOut++
      this.#release(key, p)
      socket.destroy(new PreAuthTimeoutError())
    }
    // Whichever deadline is near: the first byte, then the whole handshake.
    let cancel = this.#clock.schedule(l.firstByteMs, timeout)
    const cancelAuth = this.#clock.schedule(l.preAuthMs, timeout)
    // The listener accepts with pauseOnConnect and reads the first byte itself: watch readability
    // (a `data` listener would set the socket flowing and lose that byte).
    socket.once('readable', () => {
      cancel()
      cancel = () => {}
    })
    const p: Pending = {
      socket,
      host,
      reserved,
      cancel: () => {
        cancel()
        cancelAuth()
      }
    }
    this.#pending.set(key, p)
    this.#perHost.set(host, count + 1)
    if (reserved) this.#reservedUsed++
    else this.#general++
    socket.once('close', () => {
      const q = this.#pending.get(key)
      if (q !== undefined) this.#release(key, q)
    })
    return true
  }

  /** Close the oldest general-pool socket of the address holding the most; false if none is fairer to close. */
  #evictFor(host: string): boolean {
    let worst: string | undefined
    let most = (this.#perHost.get(host) ?? 0) + 1
    for (const [h, n] of this.#perHost)
      if (n > most) {
        worst = h
        most = n
      }
    if (worst === undefined) return false
    for (const [key, p] of this.#pending)
      if (p.host === worst && !p.reserved) {
        this.#stats.evicted++
        this.#release(key, p)
        p.socket.destroy(new PoolEvictionError())
        return true
      }
    return false
  }

  #release(key: string, p: Pending): void {
    this.#pending.delete(key)
    p.cancel()
    const n = (this.#perHost.get(p.host) ?? 1) - 1
    if (n <= 0) this.#perHost.delete(p.host)
    else this.#perHost.set(p.host, n)
    if (p.reserved) this.#reservedUsed--
    else this.#general--
  }
}

const hostsOf = new WeakMap<VerifiedRoster, Set<string>>()

/** The IP addresses the roster lists for its members (entries that name a host by IP). */
export function memberHosts(roster: VerifiedRoster): ReadonlySet<string> {
  const known = hostsOf.get(roster)
  if (known !== undefined) return known
  const out = new Set<string>()
  hostsOf.set(roster, out)
  for (const e of roster.body.entries)
    for (const a of e.addresses) {
      try {
        const c = getNetConfig(multiaddr(a))
        if (c.type === 'ip4' || c.type === 'ip6') out.add(plainHost(c.host))
      } catch {
        // An address that is not a multiaddr names no host to reserve for.
      }
    }
  return out
}
