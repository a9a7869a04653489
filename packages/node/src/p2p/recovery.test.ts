import { describe, expect, it } from 'vitest'
import { itemId } from '@pagdandi/core/crypto'
import { entry, eventually, heldIds, roster, scheme, sealedDoc, useTestNetwork } from './testNetwork.js'

const net = useTestNetwork()

describe('Replicator: restarts and restores', () => {
  it('resuming after a restart mid catch-up resends no more than 25% extra item bytes', async () => {
    const [a, b] = await net.facilities(2)
    const r = roster([entry(a), entry(b)])
    const ra = await net.startNode(a, r)
    const docs = Array.from({ length: 40 }, () => sealedDoc(a, r, 30, [b], 1_500))
    const all = docs.flatMap(d => d.items)
    await a.store!.putItems(all)
    const needed = all.reduce((n, i) => n + i.length, 0)
    await net.startNode(b, r)
    await eventually(async () => (await b.store!.lastSeq()) >= all.length / 3, 30_000, 'partial catch-up')
    await net.stopNode(b)
    const heldAtCut = (
      await (async () => {
        await net.startNode(b, r)
        return await heldIds(b.store!)
      })()
    ).size
    expect(heldAtCut).toBeLessThan(all.length)
    await eventually(async () => (await heldIds(b.store!)).size === all.length, 30_000, 'catch-up resumed')
    const sent = ra.metrics().itemBytesOut
    console.log(
      `resume: needed ${needed} item bytes, sent ${sent} (${((sent / needed - 1) * 100).toFixed(1)}% extra), cut at ${heldAtCut}/${all.length}`
    )
    expect(sent).toBeLessThanOrEqual(needed * 1.25)
  })

  it('a peer restored from an old backup is repaired, including items it wrote after the backup', async () => {
    const [a, b] = await net.facilities(2)
    const r = roster([entry(a), entry(b)])
    const ra = await net.startNode(a, r)
    await net.startNode(b, r)
    const d1 = sealedDoc(a, r, 5, [b])
    await a.store!.putItems(d1.items)
    ra.notifyLocalItems()
    await eventually(async () => (await heldIds(b.store!)).size === d1.items.length, 20_000, 'first sync')
    await net.stopNode(b)
    const backup = await net.backup(b)
    const rb2 = await net.startNode(b, r)
    const d2 = sealedDoc(a, r, 5, [b])
    const d3 = sealedDoc(b, r, 5, [a])
    await a.store!.putItems(d2.items)
    ra.notifyLocalItems()
    await b.store!.putItems(d3.items)
    rb2.notifyLocalItems()
    const total = d1.items.length + d2.items.length + d3.items.length
    await eventually(
      async () => (await heldIds(a.store!)).size === total && (await heldIds(b.store!)).size === total,
      20_000,
      'second sync'
    )
    await net.stopNode(b)
    await net.restore(b, backup)
    await net.startNode(b, r)
    expect((await heldIds(b.store!)).size).toBe(d1.items.length)
    await eventually(async () => (await heldIds(b.store!)).size === total, 20_000, 'restored peer repaired')
    expect([...(await heldIds(b.store!))].sort()).toEqual([...(await heldIds(a.store!))].sort())
    // B's own items written after the backup came back: A never sends them in catch-up (they came
    // from B), only repair does.
    const restored = await heldIds(b.store!)
    for (const bytes of d3.items) expect(restored.has(itemId(bytes, scheme))).toBe(true)
  })
})
