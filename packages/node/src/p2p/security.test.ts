import { afterEach, describe, expect, it } from 'vitest'
import { openGrant, openItem } from '@pagdandi/core/crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { SYNC_PROTOCOL } from './constants.js'
import { createHost } from './host.js'
import {
  cleanup,
  entry,
  eventually,
  facilities,
  heldIds,
  roster,
  scheme,
  sealedDoc,
  startNode,
  type Fac
} from './testNetwork.js'

let fs: Fac[] = []
afterEach(async () => {
  await cleanup(fs)
  fs = []
})

describe('Replicator: carriers, entitlement and gating', () => {
  it('relays CHC → hub DH → second CHC while the hub holds only ciphertext it cannot open', async () => {
    fs = await facilities(3)
    const [chc1, hub, chc2] = fs as [Fac, Fac, Fac]
    // CHC1 and CHC2 cannot reach each other: their roster entries carry no addresses for each other,
    // so everything goes through the hub that carries for both.
    const e1 = { ...entry(chc1), addresses: [] }
    const e2 = { ...entry(chc2), addresses: [] }
    const r = roster([e1, entry(hub, [chc1, chc2]), e2])
    const doc = sealedDoc(chc1, r, 10, [chc2])
    await startNode(hub, r)
    const r1 = await startNode(chc1, r)
    await startNode(chc2, r)
    await chc1.store!.putItems(doc.items)
    r1.notifyLocalItems()
    await eventually(
      async () => (await heldIds(chc2.store!)).size === doc.items.length,
      20_000,
      'CHC2 receives via hub'
    )
    expect((await heldIds(hub.store!)).size).toBe(doc.items.length)
    // The hub holds every item but no grant addressed to it: it cannot open any of them.
    const held = await hub.store!.itemsForDoc(doc.docId)
    for (const it of held) {
      expect(() => openGrant(it.bytes, hub.id, r, undefined, scheme)).toThrow()
      if (it.kind === 'change')
        expect(() =>
          openItem(it.bytes, { docId: doc.docId, generation: 0, key: new Uint8Array(32) }, undefined, scheme)
        ).toThrow()
    }
    // CHC2 can open them with its grant.
    const grant = held.find(i => i.grantRecipient === chc2.id.facility)!
    const key = openGrant(grant.bytes, chc2.id, r, undefined, scheme)
    const change = held.find(i => i.kind === 'change')!
    expect(openItem(change.bytes, key, undefined, scheme).kind).toBe('change')
  })

  it('a facility without a grant receives zero items and no document ids', async () => {
    fs = await facilities(3)
    const [a, b, c] = fs as [Fac, Fac, Fac]
    const r = roster([entry(a), entry(b), entry(c)])
    const shared = sealedDoc(a, r, 5, [b])
    const ra = await startNode(a, r)
    await startNode(b, r)
    const rc = await startNode(c, r)
    await a.store!.putItems(shared.items)
    ra.notifyLocalItems()
    await eventually(async () => (await heldIds(b.store!)).size === shared.items.length, 20_000, 'B receives')
    await eventually(() => rc.status().every(s => s.connected), 10_000, 'C connected')
    await new Promise(resolve => setTimeout(resolve, 500))
    expect((await heldIds(c.store!)).size).toBe(0)
    expect(await c.store!.docSummaries()).toEqual([])
    // C saw frames from A and B, but none carried the document id.
    expect(rc.metrics().framesIn).toBeGreaterThan(0)
    expect(rc.metrics().bytesIn).toBeLessThan(1_000)
  })

  it('a facility not on the roster opens no application stream: the handler never runs', async () => {
    fs = await facilities(2)
    const [member, stranger] = fs as [Fac, Fac]
    const r = roster([entry(member)])
    const rm = await startNode(member, r)
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
    fs = await facilities(2)
    const [a, b] = fs as [Fac, Fac]
    const r1 = roster([entry(a), entry(b)], 1)
    const ra = await startNode(a, r1)
    await startNode(b, r1)
    await eventually(() => ra.status()[0]?.connected === true, 10_000, 'connected')
    const streamsBefore = ra.metrics().streams
    await ra.updateRoster(roster([entry(a)], 2))
    await new Promise(resolve => setTimeout(resolve, 1_500))
    expect(ra.status()).toEqual([])
    expect(ra.metrics().refused).toBeGreaterThan(0)
    expect(ra.metrics().streams).toBe(streamsBefore)
  })

  it('a malformed and an oversized frame close that stream with a named error; the node keeps serving', async () => {
    fs = await facilities(3)
    const [a, bad, good] = fs as [Fac, Fac, Fac]
    const r = roster([entry(a), { ...entry(bad), addresses: [] }, entry(good)])
    const ra = await startNode(a, r)
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
      expect(peerIdFromString(bad.peerId).toString()).toBe(bad.peerId)
    } finally {
      await host.stop()
    }
    const doc = sealedDoc(a, r, 3, [good])
    await startNode(good, r)
    await a.store!.putItems(doc.items)
    ra.notifyLocalItems()
    await eventually(async () => (await heldIds(good.store!)).size === doc.items.length, 20_000, 'good peer served')
  })
})
