import { describe, expect, it } from 'vitest'
import { documentIdToBytes, openGrant, openItem } from '@pagdandi/core/crypto'
import { encodeFrame } from '@pagdandi/core/sync'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { SYNC_PROTOCOL } from './constants.js'
import { createHost } from './host.js'
import { entry, eventually, heldIds, roster, scheme, sealedDoc, useTestNetwork } from './testNetwork.js'

const net = useTestNetwork()

describe('Replicator: carriers, entitlement and gating', () => {
  it('relays CHC → hub DH → second CHC while the hub holds only ciphertext it cannot open', async () => {
    const [chc1, hub, chc2] = await net.facilities(3)
    // CHC1 and CHC2 cannot reach each other: their roster entries carry no addresses for each other,
    // so everything goes through the hub that carries for both.
    const e1 = { ...entry(chc1), addresses: [] }
    const e2 = { ...entry(chc2), addresses: [] }
    const r = roster([e1, entry(hub, [chc1, chc2]), e2])
    const doc = sealedDoc(chc1, r, 10, [chc2])
    await net.startNode(hub, r)
    const r1 = await net.startNode(chc1, r)
    await net.startNode(chc2, r)
    await chc1.store!.putItems(doc.items)
    r1.notifyLocalItems()
    await eventually(
      async () => (await heldIds(chc2.store!)).size === doc.items.length,
      20_000,
      'CHC2 receives via hub'
    )
    expect((await heldIds(hub.store!)).size).toBe(doc.items.length)
    // The hub holds every item but no grant addressed to it, and a document key reaches a facility
    // only inside a grant to it (I6.n2): it cannot open any of them.
    const held = await hub.store!.itemsForDoc(doc.docId)
    expect(held.filter(i => i.kind === 'access').map(i => i.grantRecipient)).toEqual(
      expect.arrayContaining([chc2.id.facility])
    )
    expect(held.filter(i => i.grantRecipient === hub.id.facility)).toEqual([])
    for (const it of held.filter(i => i.kind === 'access'))
      expect(() => openGrant(it.bytes, hub.id, r, undefined, scheme)).toThrow(
        expect.objectContaining({ name: 'ItemMovedError' })
      )
    // CHC2 can open them with its grant.
    const grant = held.find(i => i.grantRecipient === chc2.id.facility)!
    const key = openGrant(grant.bytes, chc2.id, r, undefined, scheme)
    const change = held.find(i => i.kind === 'change')!
    expect(openItem(change.bytes, key, undefined, scheme).kind).toBe('change')
  })

  it('a facility without a grant receives zero items and no document ids', async () => {
    const [a, b, c] = await net.facilities(3)
    const r = roster([entry(a), entry(b), entry(c)])
    const shared = sealedDoc(a, r, 5, [b])
    const ra = await net.startNode(a, r)
    await net.startNode(b, r)
    const rc = await net.startNode(c, r)
    const seen: Uint8Array[] = []
    rc.on('frame', e => seen.push(encodeFrame(e.frame)))
    await a.store!.putItems(shared.items)
    ra.notifyLocalItems()
    await eventually(async () => (await heldIds(b.store!)).size === shared.items.length, 20_000, 'B receives')
    // A has read its whole log for C: C holds a cursor of A's log at its end, every item skipped.
    const aEnd = await a.store!.lastSeq()
    await eventually(
      () => rc.status().find(s => s.facility === a.id.facility)?.cursor === aEnd,
      20_000,
      "C's cursor of A at the end of A's log"
    )
    expect((await heldIds(c.store!)).size).toBe(0)
    expect(await c.store!.docSummaries()).toEqual([])
    // C saw frames from A, but none carried the document id, as text or as its 16 bytes.
    expect(seen.length).toBeGreaterThan(0)
    const idText = new TextEncoder().encode(shared.docId)
    const idBytes = documentIdToBytes(shared.docId)!
    for (const f of seen) {
      expect(Buffer.from(f).indexOf(Buffer.from(idText))).toBe(-1)
      expect(Buffer.from(f).indexOf(Buffer.from(idBytes))).toBe(-1)
    }
  })

  it('a facility not on the roster opens no application stream: the handler never runs', async () => {
    const [member, stranger] = await net.facilities(2)
    const r = roster([entry(member)])
    const rm = await net.startNode(member, r)
    const host = await createHost({ privateKey: stranger.key, listen: [], admit: () => true })
    await host.start()
    try {
      const target = multiaddr(`/ip4/127.0.0.1/tcp/${member.port}/ws/p2p/${member.peerId}`)
      await expect(host.dialProtocol(target, SYNC_PROTOCOL)).rejects.toThrow()
      expect(rm.metrics().streams).toBe(0)
      expect(rm.metrics().refused).toBeGreaterThan(0)
    } finally {
      await host.stop()
    }
  })

  it('a revoked facility is disconnected and refused on redial', async () => {
    const [a, b] = await net.facilities(2)
    const r1 = roster([entry(a), entry(b)], 1)
    const ra = await net.startNode(a, r1)
    const rb = await net.startNode(b, r1)
    await eventually(() => ra.status()[0]?.connected === true, 10_000, 'connected')
    await eventually(() => rb.status()[0]?.connected === true, 10_000, 'B connected')
    const streamsBefore = ra.metrics().streams
    await ra.updateRoster(roster([entry(a)], 2))
    // B (which still holds the old roster) sees the connection drop, redials and is refused.
    await eventually(() => rb.status()[0]?.connected === false, 10_000, 'B disconnected')
    await eventually(() => ra.metrics().refused > 0, 20_000, 'B refused on redial')
    expect(rb.status()[0]?.connected).toBe(false)
    expect(ra.metrics().streams).toBe(streamsBefore)
  })

  it('a malformed and an oversized frame close that stream with a named error; the node keeps serving', async () => {
    const [a, bad, good] = await net.facilities(3)
    const r = roster([entry(a), { ...entry(bad), addresses: [] }, entry(good)])
    const ra = await net.startNode(a, r)
    const errors: string[] = []
    ra.on('session-error', e => {
      if (e.facility === bad.id.facility) errors.push(e.error.name)
    })
    const host = await createHost({ privateKey: bad.key, listen: [], admit: () => true })
    await host.start()
    try {
      const target = multiaddr(`/ip4/127.0.0.1/tcp/${a.port}/ws/p2p/${a.peerId}`)
      const s1 = await host.dialProtocol(target, SYNC_PROTOCOL)
      await lpStream(s1).write(new Uint8Array([1, 250, 0, 0]))
      await eventually(() => errors.includes('UnknownFrameTypeError'), 5_000, 'malformed frame error')
      const s2 = await host.dialProtocol(target, SYNC_PROTOCOL)
      // A length prefix claiming 64 MiB: refused before any allocation.
      s2.send(new Uint8Array([0x80, 0x80, 0x80, 0x20]))
      await eventually(() => errors.includes('FrameTooLargeError'), 5_000, 'oversized frame error')
      // Each bad frame closed its own stream.
      await eventually(() => s1.status !== 'open' && s2.status !== 'open', 5_000, 'both streams closed')
    } finally {
      await host.stop()
    }
    const doc = sealedDoc(a, r, 3, [good])
    await net.startNode(good, r)
    await a.store!.putItems(doc.items)
    ra.notifyLocalItems()
    await eventually(async () => (await heldIds(good.store!)).size === doc.items.length, 20_000, 'good peer served')
  })
})
