/**
 * The libp2p host: WebSockets, Noise, yamux, identify and ping, with a persistent peer id and a
 * connection gater that admits only current roster members.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p, type Libp2p } from 'libp2p'
import { CONNECTION_MONITOR, CONNECTION_TIMEOUTS, PING_RESPONDER_TIMEOUT_MS, PING_STREAMS } from './constants.js'

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
  return await createLibp2p({
    privateKey: privateKeyFromProtobuf(o.privateKey),
    addresses: { listen: o.listen },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater,
    connectionMonitor: CONNECTION_MONITOR,
    connectionManager: CONNECTION_TIMEOUTS,
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
}
