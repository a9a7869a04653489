/**
 * Issue 14, attack 7, at a carrier: a hub whose store already holds a rival self-grant (stored by a
 * version without the rival-genesis check, or before the real one reached it) must still relay
 * the real document: the first self-grant it stored is the creator, so the referral does not stall.
 * Real libp2p on loopback, real LevelDB; the rival is written into the hub's store directly.
 */
import { describe, it } from 'vitest'
import { creatorBoundId, itemId, newDocumentKey, sealGrant } from '@pagdandi/core/crypto'
import { entry, eventually, heldIds, roster, scheme, sealedDoc, useTestNetwork } from './testNetwork.js'

const net = useTestNetwork()

describe('rival genesis at a carrier (issue 14, attack 7)', () => {
  it('a hub holding a rival self-grant stored after the real one still relays the referral CHC → hub → second CHC', async () => {
    const [chc1, hub, chc2, rival] = await net.facilities(4)
    const e1 = { ...entry(chc1), addresses: [] }
    const e2 = { ...entry(chc2), addresses: [] }
    const r = roster([e1, entry(hub, [chc1, chc2]), e2, { ...entry(rival), addresses: [] }])
    const doc = sealedDoc(chc1, r, 10, [chc2])
    // The hub holds the CHC's genesis, then a rival's self-grant for the same id (under its own key).
    const store = await net.openStore(hub)
    await store.putItems([doc.items[0]!])
    const rivalKey = newDocumentKey(doc.docId, 0)
    await store.putItems([sealGrant(rivalKey, rival.id, entry(rival), r.body.version, scheme)])
    await net.startNode(hub, r)
    const r1 = await net.startNode(chc1, r)
    await net.startNode(chc2, r)
    await chc1.store!.putItems(doc.items)
    r1.notifyLocalItems()
    await eventually(
      async () => {
        const held = await heldIds(chc2.store!)
        return doc.items.every(b => held.has(itemId(b)))
      },
      20_000,
      'the second CHC receives the referral through the hub'
    )
  })

  it('a hub that stored a rival self-grant before the real one (an older version) still relays the referral when the id names the creator', async () => {
    const [chc1, hub, chc2, rival] = await net.facilities(4)
    const e1 = { ...entry(chc1), addresses: [] }
    const e2 = { ...entry(chc2), addresses: [] }
    const r = roster([e1, entry(hub, [chc1, chc2]), e2, { ...entry(rival), addresses: [] }])
    const doc = sealedDoc(chc1, r, 10, [chc2], 400, creatorBoundId(chc1.id.facility))
    const store = await net.openStore(hub)
    const rivalKey = newDocumentKey(doc.docId, 0)
    await store.putItems([sealGrant(rivalKey, rival.id, entry(rival), r.body.version, scheme)])
    await store.putItems([doc.items[0]!])
    await net.startNode(hub, r)
    const r1 = await net.startNode(chc1, r)
    await net.startNode(chc2, r)
    await chc1.store!.putItems(doc.items)
    r1.notifyLocalItems()
    await eventually(
      async () => {
        const held = await heldIds(chc2.store!)
        return doc.items.every(b => held.has(itemId(b)))
      },
      20_000,
      'the second CHC receives the referral through the hub'
    )
  })
})
