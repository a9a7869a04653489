import { cp, rm } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { documentIdToBytes } from '@pagdandi/core/crypto'
import { encodeFrame, type Frame } from '@pagdandi/core/sync'
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
  stopNode,
  type Fac
} from './testNetwork.js'
import { LevelItemStore } from '../store/LevelItemStore.js'
import { cryptoInspector } from './items.js'
import { Replicator } from './Replicator.js'

let fs: Fac[] = []
afterEach(async () => {
  await cleanup(fs)
  fs = []
})

describe('least privilege in repair, over real libp2p and LevelDB', () => {
  it('a DH restored from a backup is repaired and receives no item, and no id, of the documents it may not have', async () => {
    fs = await facilities(3)
    const [chc, dh, other] = fs as [Fac, Fac, Fac]
    const r = roster([entry(chc), entry(dh), entry(other)])
    // The CHC holds documents shared with the DH and documents granted only to another facility.
    const shared1 = sealedDoc(chc, r, 4, [dh])
    const secret1 = sealedDoc(chc, r, 4, [other])
    const rc = await startNode(chc, r)
    await startNode(dh, r)
    await chc.store!.putItems([...shared1.items, ...secret1.items])
    rc.notifyLocalItems()
    await eventually(async () => (await heldIds(dh.store!)).size === shared1.items.length, 60_000, 'first sync')
    await stopNode(dh)
    const backup = `${dh.dir}-backup`
    await cp(dh.dir, backup, { recursive: true })
    // Both move on: more shared and secret documents at the CHC, the DH's own document.
    const rd = await startNode(dh, r)
    const shared2 = sealedDoc(chc, r, 3, [dh])
    const secret2 = sealedDoc(chc, r, 3, [other])
    const mine = sealedDoc(dh, r, 3, [chc])
    await chc.store!.putItems([...shared2.items, ...secret2.items])
    rc.notifyLocalItems()
    await dh.store!.putItems(mine.items)
    rd.notifyLocalItems()
    const entitled = shared1.items.length + shared2.items.length + mine.items.length
    await eventually(async () => (await heldIds(dh.store!)).size === entitled, 60_000, 'second sync')
    await stopNode(dh)
    await rm(dh.dir, { recursive: true, force: true })
    await cp(backup, dh.dir, { recursive: true })
    await rm(backup, { recursive: true, force: true })
    // A third secret document appears while the DH is down; then the restored DH comes back.
    const secret3 = sealedDoc(chc, r, 2, [other])
    await chc.store!.putItems(secret3.items)
    rc.notifyLocalItems()
    dh.store = await LevelItemStore.open(dh.dir, cryptoInspector(scheme))
    expect((await heldIds(dh.store)).size).toBe(shared1.items.length)
    // Every frame the restored DH receives, from its first.
    const seen: Frame[] = []
    dh.rep = new Replicator({
      store: dh.store,
      facility: dh.id.facility,
      roster: r,
      signatures: scheme,
      privateKey: dh.key,
      listen: [`/ip4/127.0.0.1/tcp/${dh.port}/ws`],
      backoff: { initialMs: 100, maxMs: 1_000 }
    })
    dh.rep.on('frame', e => seen.push(e.frame))
    await dh.rep.start()
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
