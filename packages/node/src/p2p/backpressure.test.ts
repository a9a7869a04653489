import { afterEach, describe, expect, it } from 'vitest'
import nacl from 'tweetnacl'
import type { Libp2p } from 'libp2p'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { FacilityId } from '@pagdandi/core/record'
import {
  BATCH_TARGET_BYTES,
  MAX_ITEM_BYTES,
  MAX_RANGES_PER_REQUEST,
  MAX_REPAIR_RANGES,
  SEND_WINDOW_BYTES,
  cursorToken,
  decodeFrame,
  encodeFrame,
  type Frame,
  type SummaryRange
} from '@pagdandi/core/sync'
import { MAX_DATA_LENGTH, SYNC_PROTOCOL } from './constants.js'
import { createHost } from './host.js'
import { entry, eventually, heldIds, roster, sealedDoc, useTestNetwork, type Fac } from './testNetwork.js'

// A roster member driven by hand over real libp2p on 127.0.0.1: it speaks the frame codec but does
// not play fair. The node under test must keep what it holds for that peer under the documented cap
// and keep serving a well-behaved peer.

/** Session invariants 2 and 4: the send window, one batch overshooting it, one batch of read-ahead. */
const BUFFER_CAP = SEND_WINDOW_BYTES + 2 * (BATCH_TARGET_BYTES + MAX_ITEM_BYTES)

const net = useTestNetwork()
let hosts: Libp2p[] = []
// Registered after the network's, so it runs first: the hand-driven hosts stop before the nodes.
afterEach(async () => {
  for (const h of hosts) await h.stop()
  hosts = []
})

/** Open `/pagdandi/sync/1.0.0` to `target` as `who` and exchange hellos; the cursor asks for catch-up from 0. */
async function handshake(
  who: Fac,
  target: Fac,
  rosterVersion: number,
  catchUp: boolean
): Promise<{ stream: Stream; lp: ReturnType<typeof lpStream>; hello: Frame }> {
  const host = await createHost({ privateKey: who.key, listen: [], admit: () => true })
  await host.start()
  hosts.push(host)
  const stream = await host.dialProtocol(
    multiaddr(`/ip4/127.0.0.1/tcp/${target.port}/ws/p2p/${target.peerId}`),
    SYNC_PROTOCOL
  )
  const lp = lpStream(stream, { maxDataLength: MAX_DATA_LENGTH })
  const hello = decodeFrame((await lp.read()).subarray())
  if (hello.type !== 'hello') throw new Error(`expected hello, got ${hello.type}`)
  const mine: Frame = {
    type: 'hello',
    facility: who.id.facility,
    rosterVersion,
    epoch: nacl.randomBytes(16),
    lastSeq: 0
  }
  if (catchUp) mine.cursor = { seq: 0, token: cursorToken(hello.epoch, 0, undefined) }
  await lp.write(encodeFrame(mine))
  return { stream, lp, hello }
}

function statusOf(f: Fac, peer: FacilityId) {
  return f.rep!.status().find(s => s.facility === peer)!
}

describe('Replicator against a hostile roster member', () => {
  it('a peer that stops reading during catch-up of a large backlog holds the node to its send window; others are still served', async () => {
    const [bad, a, good] = await net.facilities(3)
    // The hostile peer has the smallest id, so the node never opens a stream to it; it has no address.
    const r = roster([{ ...entry(bad), addresses: [] }, entry(a), entry(good)])
    // 3,000 changes of 2 KB granted to the hostile peer: a backlog of several MB.
    const backlog = sealedDoc(a, r, 3000, [bad], 2048)
    const backlogBytes = backlog.items.reduce((n, it) => n + it.length, 0)
    expect(backlogBytes).toBeGreaterThan(6_000_000)
    const ra = await net.startNode(a, r)
    await a.store!.putItems(backlog.items)
    const errors: string[] = []
    ra.on('session-error', e => {
      errors.push(`${e.facility} ${e.error.name}`)
    })
    const rssBefore = process.memoryUsage().rss

    const { stream, lp } = await handshake(bad, a, r.body.version, true)
    // Read one batch so catch-up has provably started, then stop reading and never acknowledge.
    const first = decodeFrame((await lp.read()).subarray())
    expect(first.type).toBe('batch')
    stream.pause()

    // The node fills its window towards the stalled peer (a state it reports, not a wait); that it
    // then stops is checked below, after another peer has been served in full meanwhile.
    let most = 0
    const window = async (): Promise<boolean> => {
      most = Math.max(most, statusOf(a, bad.id.facility).bufferedBytes)
      return most >= SEND_WINDOW_BYTES
    }
    await eventually(window, 30_000, 'the send window towards the stalled peer to fill')
    const sentToBad = ra.metrics().itemBytesOut
    const rssGrowth = process.memoryUsage().rss - rssBefore
    console.log(
      `stalled peer: ${most} bytes held (cap ${BUFFER_CAP}), ${sentToBad} item bytes sent of ${backlogBytes}, RSS +${Math.round(rssGrowth / 1e6)} MB`
    )
    expect(most).toBeGreaterThan(0)
    expect(most).toBeLessThanOrEqual(BUFFER_CAP)
    expect(sentToBad).toBeLessThanOrEqual(BUFFER_CAP)
    // RSS is only printed: both peers share this process and the machine is shared, so it is too
    // noisy to assert. The bound that matters is the node's own accounting and what it actually sent.

    // Meanwhile a well-behaved peer is served in full.
    const doc = sealedDoc(a, r, 20, [good])
    await net.startNode(good, r)
    await a.store!.putItems(doc.items)
    ra.notifyLocalItems()
    await eventually(async () => (await heldIds(good.store!)).size === doc.items.length, 20_000, 'good peer served')
    expect(statusOf(a, bad.id.facility).bufferedBytes).toBeLessThanOrEqual(BUFFER_CAP)
    expect(errors.filter(e => e.startsWith(good.id.facility))).toEqual([])
  }, 60_000)

  it('a repair peer whose answers never converge is cut off with ProtocolViolationError after a bounded number of frames', async () => {
    const [bad, a] = await net.facilities(2)
    const r = roster([{ ...entry(bad), addresses: [] }, entry(a)])
    const ra = await net.startNode(a, r)
    const errors: string[] = []
    ra.on('session-error', e => {
      if (e.facility === bad.id.facility) errors.push(`${e.error.name}: ${e.error.message}`)
    })
    const { lp } = await handshake(bad, a, r.body.version, true)
    await lp.write(encodeFrame({ type: 'repair' }))
    let answers = 0
    try {
      for (;;) {
        const f = decodeFrame((await lp.read()).subarray())
        if (f.type !== 'summary-request') continue
        // Every requested range comes back as sixteen narrower ranges whose fingerprints never match.
        const ranges: SummaryRange[] = f.ranges.flatMap(q =>
          Array.from({ length: 16 }, (_, i) => ({
            lo: q.lo + String.fromCharCode(0x61 + i),
            hi: q.lo + String.fromCharCode(0x62 + i),
            kind: 'fp' as const,
            fp: nacl.randomBytes(16),
            count: 1
          }))
        )
        await lp.write(encodeFrame({ type: 'summary', ranges }))
        answers++
        if (answers > MAX_REPAIR_RANGES) break
      }
    } catch {
      // The node reset the stream: what the test waits for.
    }
    await eventually(() => errors.length > 0, 10_000, 'session error')
    expect(errors[0]).toMatch(/^ProtocolViolationError: .*does not converge/)
    expect(answers).toBeLessThanOrEqual(MAX_REPAIR_RANGES / MAX_RANGES_PER_REQUEST)
  }, 60_000)
})
