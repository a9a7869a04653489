/**
 * The card protocol's libp2p side (`/pagdandi/card/1.0.0`, docs/PROTOCOL.md, "Health card"): a
 * length-prefixed frame channel over one stream, the handler that serves members, and the dial
 * that asks one. What is said on it is the card service's (app/CardService.ts).
 */
import type { Libp2p } from 'libp2p'
import type { Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_CARD_FRAME_BYTES } from '@pagdandi/core/card'
import type { FacilityId } from '@pagdandi/core/record'
import type { CardChannel } from '../ports.js'

/** The protocol id. */
export const CARD_PROTOCOL = '/pagdandi/card/1.0.0'

/** A frame channel over a libp2p stream: a length prefix above 1 MiB aborts it before allocating. */
export function cardChannel(stream: Stream): CardChannel {
  const lp = lpStream(stream, { maxDataLength: MAX_CARD_FRAME_BYTES, maxBufferSize: 2 * MAX_CARD_FRAME_BYTES })
  return {
    read: async () => (await lp.read()).subarray(),
    write: async bytes => {
      await lp.write(bytes)
    },
    close: () => {
      void stream.close().catch(() => stream.abort(new Error('card stream close failed')))
    }
  }
}

/** Serves the card protocol to members only (`facilityOf` names the asker; strangers are aborted). */
export async function handleCardProtocol(
  node: Libp2p,
  facilityOf: (peerId: string) => FacilityId | undefined,
  serve: (channel: CardChannel, from: FacilityId) => Promise<void>
): Promise<void> {
  await node.handle(
    CARD_PROTOCOL,
    (stream, connection) => {
      const from = facilityOf(connection.remotePeer.toString())
      if (from === undefined) {
        stream.abort(new Error('not a roster member'))
        return
      }
      const channel = cardChannel(stream)
      void serve(channel, from).finally(() => channel.close())
    },
    { maxInboundStreams: 4, maxOutboundStreams: 4 }
  )
}

/** Opens a card stream to a member, dialling its addresses first when no connection is up. */
export async function dialCard(node: Libp2p, peerId: string, addresses: readonly string[]): Promise<CardChannel> {
  const remote = peerIdFromString(peerId)
  if (node.getConnections(remote).length === 0 && addresses.length > 0)
    await node.dial(addresses.map(a => multiaddr(a.includes('/p2p/') ? a : `${a}/p2p/${peerId}`)))
  return cardChannel(await node.dialProtocol(remote, CARD_PROTOCOL))
}
