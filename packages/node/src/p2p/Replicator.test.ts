import { describe, expect, it } from 'vitest'
import { itemId, sealChange, sealGrant } from '@pagdandi/core/crypto'
import { LevelItemStore } from '../store/LevelItemStore.js'
import { cryptoInspector } from './items.js'
import { entry, eventually, heldIds, roster, scheme, sealedDoc, useTestNetwork } from './testNetwork.js'

const net = useTestNetwork()

describe('Replicator over real libp2p and LevelDB', () => {
  it('two nodes converge', async () => {
    const [a, b] = await net.facilities(2)
    const r = roster([entry(a), entry(b)])
    const da = sealedDoc(a, r, 20, [b])
    const db = sealedDoc(b, r, 15, [a])
    const ra = await net.startNode(a, r)
    const rb = await net.startNode(b, r)
    await a.store!.putItems(da.items)
    ra.notifyLocalItems()
    await b.store!.putItems(db.items)
    rb.notifyLocalItems()
    await eventually(
      async () => (await heldIds(a.store!)).size === 39 && (await heldIds(b.store!)).size === 39,
      20_000,
      'convergence'
    )
    expect([...(await heldIds(a.store!))].sort()).toEqual([...(await heldIds(b.store!))].sort())
    const live = sealedDoc(a, r, 1, [b])
    await a.store!.putItems(live.items)
    ra.notifyLocalItems()
    await eventually(async () => (await b.store!.hasItems([itemId(live.items[2]!)]))[0] === true, 5_000, 'live push')
    const st = ra.status()
    expect(st).toHaveLength(1)
    expect(st[0]).toMatchObject({ facility: b.id.facility, connected: true })
  })

  it("a CHC's items reach its DH after the link comes up (DH started later)", async () => {
    const [chc, dh] = await net.facilities(2)
    const r = roster([entry(chc), entry(dh)])
    const rc = await net.startNode(chc, r)
    const doc = sealedDoc(chc, r, 30, [dh])
    await chc.store!.putItems(doc.items)
    rc.notifyLocalItems()
    // The CHC has tried the absent DH and failed (an event, not a wait): its status says so.
    await eventually(async () => rc.metrics().dialsFailed > 0, 20_000, 'a failed dial to the absent DH')
    expect(rc.status()[0]!.connected).toBe(false)
    await net.startNode(dh, r)
    await eventually(async () => (await heldIds(dh.store!)).size === doc.items.length, 20_000, 'DH receives')
  })

  it('local routes keep a CHC and a DH apart: the referral reaches the DH through the hub alone', async () => {
    const [chc, hub, dh] = await net.facilities(3)
    const r = roster([entry(chc), entry(hub, [chc]), entry(dh)])
    // Each end reaches only the hub (say, over VSAT); neither dials the other's roster address.
    const rc = await net.startNode(chc, r, { routes: new Map([[dh.id.facility, []]]) })
    await net.startNode(hub, r)
    const rd = await net.startNode(dh, r, { routes: new Map([[chc.id.facility, []]]) })
    const doc = sealedDoc(chc, r, 10, [dh])
    await chc.store!.putItems(doc.items)
    rc.notifyLocalItems()
    await eventually(
      async () => (await heldIds(dh.store!)).size === doc.items.length,
      20_000,
      'DH receives through the hub'
    )
    const senders = new Set((await dh.store!.logSince(0, 1e9)).map(i => i.from))
    expect(senders).toEqual(new Set([hub.id.facility]))
    expect(rc.status().find(p => p.facility === dh.id.facility)?.connected).toBe(false)
    expect(rd.status().find(p => p.facility === chc.id.facility)?.connected).toBe(false)
  })

  it('a session that ends while the connection stays up is reopened, also towards a peer without an address', async () => {
    const [dh, chc] = await net.facilities(2) // the DH has the lower id: it opens the sync stream
    const r = roster([entry(dh, [chc]), { ...entry(chc), addresses: [] }])
    // The CHC's store fails one log read, as a disk hiccup would: its session ends with that error.
    let failNext = false
    const real = await LevelItemStore.open(chc.dir, cryptoInspector(scheme))
    chc.store = new Proxy(real, {
      get(target, key) {
        if (key === 'logSince') {
          return async (seq: number, limit: number) => {
            if (failNext) {
              failNext = false
              throw new Error('disk hiccup')
            }
            return await target.logSince(seq, limit)
          }
        }
        const v = Reflect.get(target, key, target) as unknown
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
      }
    })
    await net.startNode(dh, r)
    const rc = await net.startNode(chc, r)
    const first = sealedDoc(chc, r, 3)
    await chc.store.putItems(first.items)
    rc.notifyLocalItems()
    await eventually(async () => (await heldIds(dh.store!)).size === first.items.length, 20_000, 'first items')
    failNext = true
    const second = sealedDoc(chc, r, 3)
    await chc.store.putItems(second.items)
    rc.notifyLocalItems()
    await eventually(() => !failNext, 5_000, 'the failed read')
    // The CHC cannot dial the DH again (it keeps its connection) and has no address to be dialled at.
    await eventually(
      async () => (await heldIds(dh.store!)).size === first.items.length + second.items.length,
      20_000,
      'a new session'
    )
    expect(rc.metrics().streams).toBeGreaterThanOrEqual(2)
  })

  it("a hub whose log holds only its CHC's items still gives the CHC a cursor of it, so the next session needs no repair", async () => {
    const [dh, chc] = await net.facilities(2)
    const r = roster([entry(dh, [chc]), entry(chc)])
    await net.startNode(dh, r)
    const rc = await net.startNode(chc, r)
    const doc = sealedDoc(chc, r, 20)
    await chc.store!.putItems(doc.items)
    rc.notifyLocalItems()
    await eventually(async () => (await heldIds(dh.store!)).size === doc.items.length, 20_000, 'DH receives')
    await eventually(
      async () => (await chc.store!.getCursor(dh.id.facility))?.seq === (await dh.store!.lastSeq()),
      10_000,
      'CHC holds a cursor of the DH log'
    )
  })

  it('a grant made later delivers the whole document to a facility that carries nothing for the sender', async () => {
    const [chc, dh] = await net.facilities(2)
    const r = roster([entry(chc), entry(dh)])
    const rc = await net.startNode(chc, r)
    await net.startNode(dh, r)
    const doc = sealedDoc(chc, r, 5)
    // Notified as the node notifies: with the newly stored items' bytes, nothing else.
    const bytesOf = (items: { bytes: Uint8Array }[]) => items.map(i => ({ bytes: i.bytes }))
    rc.notifyLocalItems(bytesOf(await chc.store!.putItems(doc.items)))
    // The DH acknowledged the CHC's log past the document and holds none of it (least privilege).
    const last = await chc.store!.lastSeq()
    await eventually(
      async () => (await dh.store!.getCursor(chc.id.facility))?.seq === last,
      10_000,
      'DH cursor past the document'
    )
    expect((await heldIds(dh.store!)).size).toBe(0)

    const grant = sealGrant(doc.key, chc.id, entry(dh), r.body.version, scheme)
    const referral = sealChange(new Uint8Array(64).fill(7), doc.key, chc.id, r.body.version, scheme)
    rc.notifyLocalItems(bytesOf(await chc.store!.putItems([grant, referral])))
    await eventually(
      async () => (await heldIds(dh.store!)).size === doc.items.length + 2,
      10_000,
      'DH receives the whole document'
    )
    expect(rc.status()[0]).toMatchObject({ itemsToSend: 0 })
  })

  it('reports a peer not heard from since start as such (its counts not known), then counts from its acknowledgements', async () => {
    const [chc, dh] = await net.facilities(2)
    const r = roster([entry(chc), entry(dh, [chc])])
    const rc = await net.startNode(chc, r)
    rc.notifyLocalItems((await chc.store!.putItems(sealedDoc(chc, r, 3).items)).map(i => ({ bytes: i.bytes })))
    // The DH is down: nothing it acknowledged is known here, so the 0 is a placeholder, not "all sent".
    expect(rc.status()[0]).toMatchObject({ heard: false, connected: false })
    await net.startNode(dh, r)
    await eventually(
      async () => rc.status()[0]?.heard === true && rc.status()[0]?.itemsToSend === 0,
      10_000,
      'DH acknowledged'
    )
    expect(rc.status()[0]).toMatchObject({ heard: true, itemsToSend: 0 })
  })
})
