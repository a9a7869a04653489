/**
 * Issue 14, attack 7, at a carrier: a hub whose store already holds a rival self-grant (stored by a
 * version without the rival-genesis check, or before the real one reached it) must still relay
 * the real document: the first self-grant it stored is the creator, so the referral does not stall.
 * Real libp2p on loopback, real LevelDB; the rival is written into the hub's store directly.
 */
import { describe, it } from 'vitest'
import { creatorBoundId, itemId, newDocumentKey, sealGrant } from '@pagdandi/core/crypto'
import type { LevelItemStore } from '../store/LevelItemStore.js'
import { entry, eventually, heldIds, roster, scheme, sealedDoc, useTestNetwork } from './testNetwork.js'

const net = useTestNetwork()

/**
 * A CHC, a hub carrying for it and a second CHC, and a rival member; the hub's store is written
 * first by `seed` (rival and real genesis in the order a test needs; `bound`: a creator-bound id), then the nodes start and the
 * CHC pushes the document referred to the second CHC, which must arrive through the hub.
 */
async function relayThroughHub(
  bound: boolean,
  seed: (store: LevelItemStore, real: Uint8Array, rival: Uint8Array) => Promise<void>
): Promise<void> {
  const [chc1, hub, chc2, rival] = await net.facilities(4)
  const e1 = { ...entry(chc1), addresses: [] }
  const e2 = { ...entry(chc2), addresses: [] }
  const r = roster([e1, entry(hub, [chc1, chc2]), e2, { ...entry(rival), addresses: [] }])
  const docId = bound ? creatorBoundId(chc1.id.facility) : undefined
  const doc = sealedDoc(chc1, r, 10, [chc2], 400, docId)
  const rivalGrant = sealGrant(newDocumentKey(doc.docId, 0), rival.id, entry(rival), r.body.version, scheme)
  await seed(await net.openStore(hub), doc.items[0]!, rivalGrant)
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
}

describe('rival genesis at a carrier (issue 14, attack 7)', () => {
  it('a hub holding a rival self-grant stored after the real one still relays the referral CHC → hub → second CHC', async () => {
    // The hub holds the CHC's genesis, then a rival's self-grant for the same id (under its own key).
    await relayThroughHub(false, async (store, real, rival) => {
      await store.putItems([real])
      await store.putItems([rival])
    })
  })

  it('a hub that stored a rival self-grant before the real one (an older version) still relays the referral when the id names the creator', async () => {
    await relayThroughHub(true, async (store, real, rival) => {
      await store.putItems([rival])
      await store.putItems([real])
    })
  })
})
