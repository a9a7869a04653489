/**
 * The libp2p host: WebSockets, Noise, yamux, identify and ping, with a persistent peer id and a
 * connection gater that admits only current roster members.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import type { ConnectionGater, PeerId, Transport } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { getNetConfig } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p, type Libp2p } from 'libp2p'
import { Server } from 'node:net'
import {
  CONNECTION_MONITOR,
  CONNECTION_TIMEOUTS,
  INBOUND_LIMITS,
  MAX_CONNECTIONS_PER_PEER,
  PING_RESPONDER_TIMEOUT_MS,
  PING_STREAMS
} from './constants.js'
import { systemClock } from './clock.js'
import { InboundGuard } from './InboundGuard.js'

/** A new Ed25519 libp2p key as protobuf bytes: store it, and pass it to `Replicator` on every start. */
export async function generatePeerKey(): Promise<Uint8Array> {
  return privateKeyToProtobuf(await generateKeyPair('Ed25519'))
}

/** The peer id (`12D3Koo…`) of a stored key, for the facility's roster entry. */
export function peerIdOfKey(key: Uint8Array): string {
  return peerIdFromPrivateKey(privateKeyFromProtobuf(key)).toString()
}

/** Options of `createHost`. */
export interface HostOptions {
  privateKey: Uint8Array
  listen: string[]
  /** Whether a peer id may connect (in either direction). */
  admit: (peerId: string) => boolean
  /** Called for every refusal, for the audit log. */
  onRefused?: (peerId: string, where: 'dial' | 'inbound' | 'outbound') => void
  /**
   * Limits every accepted socket until it is a member's connection (InboundGuard.ts); by default
   * `INBOUND_LIMITS` on the system clock, with no addresses reserved.
   */
  guard?: InboundGuard
}

/** The listener's TCP server was not where @libp2p/websockets (pinned) keeps it: the guard cannot attach. */
export class GuardNotAttachedError extends Error {
  override readonly name = 'GuardNotAttachedError'
}

/**
 * The WebSocket transport with the guard in front of each listener's TCP server. The listener makes
 * its `net.Server` in its constructor and keeps it in the field `server` (not in its typings): it is
 * read by name and checked to be a `net.Server`, so a library update that moves it stops the node
 * at start instead of leaving it unguarded.
 */
function guardedWebSockets(
  guard: InboundGuard
): (components: Parameters<ReturnType<typeof webSockets>>[0]) => Transport {
  const make = webSockets()
  return components => {
    const transport = make(components)
    const create = transport.createListener.bind(transport)
    transport.createListener = options => {
      const listener = create(options)
      const server: unknown = Reflect.get(listener, 'server')
      if (!(server instanceof Server))
        throw new GuardNotAttachedError('the WebSocket listener has no net.Server to guard')
      guard.attach(server)
      // The server's close waits for every socket, and a silent one that never reached libp2p's
      // socket list would hold it open: the guard closes its own once the server stops accepting.
      const close = listener.close.bind(listener)
      listener.close = async () => {
        const closing = close()
        guard.closeAll()
        await closing
      }
      return listener
    }
    return transport
  }
}

/** Create (not start) a libp2p host whose gater refuses non-members before any stream opens. */
export async function createHost(o: HostOptions): Promise<Libp2p> {
  const deny =
    (where: 'dial' | 'inbound' | 'outbound') =>
    async (peerId: PeerId): Promise<boolean> => {
      const id = peerId.toString()
      if (o.admit(id)) return false
      o.onRefused?.(id, where)
      return true
    }
  const connectionGater: ConnectionGater = {
    denyDialPeer: deny('dial'),
    denyInboundEncryptedConnection: deny('inbound'),
    denyOutboundEncryptedConnection: deny('outbound')
  }
  const guard = o.guard ?? new InboundGuard(INBOUND_LIMITS, systemClock, () => new Set())
  const node = await createLibp2p({
    privateKey: privateKeyFromProtobuf(o.privateKey),
    addresses: { listen: o.listen },
    transports: [guardedWebSockets(guard)],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater,
    connectionMonitor: CONNECTION_MONITOR,
    connectionManager: {
      ...CONNECTION_TIMEOUTS,
      // The guard bounds unauthenticated sockets per address and in all; libp2p's single limit
      // (default 10, any address) is what ten silent sockets filled.
      maxIncomingPendingConnections: INBOUND_LIMITS.pool + INBOUND_LIMITS.reserved
    },
    services: {
      identify: identify(),
      ping: ping({
        timeout: PING_RESPONDER_TIMEOUT_MS,
        maxInboundStreams: PING_STREAMS,
        maxOutboundStreams: PING_STREAMS
      })
    },
    start: false
  })
  node.addEventListener('connection:open', evt => {
    const conn = evt.detail
    // Past the gater: a member. Its socket leaves the guard's limits…
    if (conn.direction === 'inbound') {
      const a = getNetConfig(conn.remoteAddr)
      if (a.port !== undefined) guard.authenticated(a.host, a.port)
    }
    // …but one member may not hold more than its share of connections.
    const mine = node.getConnections(conn.remotePeer)
    if (mine.length > MAX_CONNECTIONS_PER_PEER) void conn.close().catch(() => {})
  })
  return node
}
