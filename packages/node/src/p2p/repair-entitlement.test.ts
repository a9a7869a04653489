import { describe, expect, it } from 'vitest'
import { documentIdToBytes } from '@pagdandi/core/crypto'
import { encodeFrame, type Frame } from '@pagdandi/core/sync'
import { entry, eventually, heldIds, roster, sealedDoc, useTestNetwork } from './testNetwork.js'

const net = useTestNetwork()

describe('least privilege in repair, over real libp2p and LevelDB', () => {
  it('a DH restored from a backup is repaired and receives no item, and no id, of the documents it may not have', async () => {
    const [chc, dh, other] = await net.facilities(3)
    const r = roster([entry(chc), entry(dh), entry(other)])
    // The CHC holds documents shared with the DH and documents granted only to another facility.
    const shared1 = sealedDoc(chc, r, 4, [dh])
    const secret1 = sealedDoc(chc, r, 4, [other])
    const rc = await net.startNode(chc, r)
    await net.startNode(dh, r)
    await chc.store!.putItems([...shared1.items, ...secret1.items])
    rc.notifyLocalItems()
    await eventually(async () => (await heldIds(dh.store!)).size === shared1.items.length, 60_000, 'first sync')
    await net.stopNode(dh)
    const backup = await net.backup(dh)
    // Both move on: more shared and secret documents at the CHC, the DH's own document.
    const rd = await net.startNode(dh, r)
    const shared2 = sealedDoc(chc, r, 3, [dh])
    const secret2 = sealedDoc(chc, r, 3, [other])
    const mine = sealedDoc(dh, r, 3, [chc])
    await chc.store!.putItems([...shared2.items, ...secret2.items])
    rc.notifyLocalItems()
    await dh.store!.putItems(mine.items)
    rd.notifyLocalItems()
    const entitled = shared1.items.length + shared2.items.length + mine.items.length
    await eventually(async () => (await heldIds(dh.store!)).size === entitled, 60_000, 'second sync')
    // The CHC holds the DH's own document too, or the restore below loses it for good: on a loaded
    // machine the DH could stop before it had pushed it, and no repair could bring it back.
    const mineIds = (await dh.store!.itemsForDoc(mine.docId)).map(i => i.id)
    await eventually(
      async () => {
        const held = await heldIds(chc.store!)
        return mineIds.every(id => held.has(id))
      },
      60_000,
      'the CHC holds the DH document'
    )
    await net.stopNode(dh)
    await net.restore(dh, backup)
    // A third secret document appears while the DH is down; then the restored DH comes back.
    const secret3 = sealedDoc(chc, r, 2, [other])
    await chc.store!.putItems(secret3.items)
    rc.notifyLocalItems()
    expect((await heldIds(await net.openStore(dh))).size).toBe(shared1.items.length)
    // Every frame the restored DH receives, from its first.
    const seen: Frame[] = []
    const restored = await net.createNode(dh, r)
    restored.on('frame', e => seen.push(e.frame))
    await restored.start()
    await eventually(async () => (await heldIds(dh.store!)).size === entitled, 60_000, 'the restored DH repaired')

    // It went through repair: the CHC answered its summary requests.
    expect(seen.some(f => f.type === 'summary')).toBe(true)
    const docs = new Set((await dh.store!.docSummaries()).map(s => s.docId))
    expect(docs).toEqual(new Set([shared1.docId, shared2.docId, mine.docId]))
    for (const secret of [secret1, secret2, secret3]) {
      const text = Buffer.from(secret.docId, 'latin1')
      const bytes = Buffer.from(documentIdToBytes(secret.docId)!)
      for (const f of seen) {
        const wire = Buffer.from(encodeFrame(f))
        expect(wire.indexOf(text), `${f.type} frame names a secret document`).toBe(-1)
        expect(wire.indexOf(bytes), `${f.type} frame carries a secret document's id bytes`).toBe(-1)
      }
    }
  })
})
