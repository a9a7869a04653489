/**
 * The conformance suite every `ItemStore` runs (the in-memory store, the LevelDB store), so both prove
 * the same behaviour. Call it inside a test file; it registers a `describe` block.
 */
import { describe, expect, it } from 'vitest'
import type { FacilityId, PatientId } from '../record/types.js'
import { docFingerprint, logChain } from '../sync/fingerprint.js'
import type { InspectItem, ItemStore } from '../sync/types.js'
import { Prng } from './prng.js'
import { inspectTestItem, makeTestItem } from './testItems.js'

/** A store under test; `reopen` (if the store is durable) closes it and opens the same data again. */
export interface StoreHarness {
  store: ItemStore
  reopen?: () => Promise<ItemStore>
  close: () => Promise<void>
}

const A = 'IN2210000001' as FacilityId
const B = 'IN2210000002' as FacilityId

function items(prng: Prng, doc: string, n: number, grantTo?: string): Uint8Array[] {
  return Array.from({ length: n }, () => {
    const payload = Uint8Array.from({ length: 24 }, () => prng.int(0, 255))
    return makeTestItem(
      grantTo === undefined
        ? { docId: doc, author: A, payload }
        : { docId: doc, author: A, grantRecipient: grantTo, payload }
    )
  })
}

/** Register the `ItemStore` conformance tests for a store factory. */
export function itemStoreConformance(name: string, open: (inspect: InspectItem) => Promise<StoreHarness>): void {
  describe(`ItemStore conformance: ${name}`, () => {
    it('stores items once, numbers the log from 1 and returns only new items', async () => {
      const h = await open(inspectTestItem)
      const prng = new Prng(1)
      const [a, b, c] = items(prng, 'doc-1', 3) as [Uint8Array, Uint8Array, Uint8Array]
      const first = await h.store.putItems([a, b, a])
      expect(first.map(i => i.seq)).toEqual([1, 2])
      const second = await h.store.putItems([b, c])
      expect(second.map(i => i.seq)).toEqual([3])
      expect(second[0]!.id).toBe(inspectTestItem(c).id)
      expect(await h.store.lastSeq()).toBe(3)
      expect(await h.store.hasItems([inspectTestItem(a).id, inspectTestItem(c).id, 'nope' as never])).toEqual([
        true,
        true,
        false
      ])
      await h.close()
    })

    it('reads the log in pages and a document in log order', async () => {
      const h = await open(inspectTestItem)
      const prng = new Prng(2)
      const x = items(prng, 'doc-x', 5)
      const y = items(prng, 'doc-y', 4)
      await h.store.putItems([x[0]!, y[0]!, x[1]!])
      await h.store.putItems([...x.slice(2), ...y.slice(1)])
      const page1 = await h.store.logSince(0, 4)
      const page2 = await h.store.logSince(4, 100)
      expect([...page1, ...page2].map(i => i.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
      expect(page2[0]!.bytes).toEqual(x[3])
      const docX = await h.store.itemsForDoc('doc-x' as PatientId)
      expect(docX.map(i => i.bytes)).toEqual(x)
      expect(await h.store.itemsForDoc('doc-none' as PatientId)).toEqual([])
      await h.close()
    })

    it('indexes access items per document and summarises documents in id order', async () => {
      const h = await open(inspectTestItem)
      const prng = new Prng(3)
      const changes = items(prng, 'doc-b', 3)
      const grants = items(prng, 'doc-b', 2, B)
      const other = items(prng, 'doc-a', 1)
      await h.store.putItems([changes[0]!, grants[0]!, other[0]!, changes[1]!])
      await h.store.putItems([grants[1]!, changes[2]!])
      expect((await h.store.accessItems('doc-b' as PatientId)).map(i => i.bytes)).toEqual(grants)
      expect(await h.store.accessItems('doc-a' as PatientId)).toEqual([])
      const sums = await h.store.docSummaries()
      expect(sums.map(s => s.docId)).toEqual(['doc-a', 'doc-b'])
      const idsB = [...changes, ...grants].map(b => inspectTestItem(b).id)
      expect(sums[1]!.count).toBe(5)
      expect(sums[1]!.fp).toEqual(docFingerprint(idsB))
      await h.close()
    })

    it('keeps cursors per peer, and writes a cursor in the same batch as items', async () => {
      const h = await open(inspectTestItem)
      expect(await h.store.getCursor(B)).toBeUndefined()
      await h.store.setCursor(B, { seq: 7, token: new Uint8Array(16).fill(7) })
      expect(await h.store.getCursor(B)).toEqual({ seq: 7, token: new Uint8Array(16).fill(7) })
      await h.store.putItems(items(new Prng(4), 'doc-c', 2), {
        cursor: { peer: B, cursor: { seq: 9, token: new Uint8Array(16).fill(9) } }
      })
      expect((await h.store.getCursor(B))?.seq).toBe(9)
      expect((await h.store.logSince(0, 10)).map(i => i.from)).toEqual([undefined, undefined])
      const relayed = await h.store.putItems(items(new Prng(8), 'doc-c', 1), { from: B })
      expect((await h.store.logSince(relayed[0]!.seq - 1, 1))[0]!.from).toBe(B)
      await h.store.putItems([], { cursor: { peer: B, cursor: { seq: 11, token: new Uint8Array(16).fill(1) } } })
      expect((await h.store.getCursor(B))?.seq).toBe(11)
      expect(await h.store.getCursor(A)).toBeUndefined()
      await h.close()
    })

    it('has a fixed 16-byte log epoch, and keeps everything across a reopen', async () => {
      const h = await open(inspectTestItem)
      const epoch = await h.store.epoch()
      expect(epoch.length).toBe(16)
      expect(await h.store.epoch()).toEqual(epoch)
      const xs = items(new Prng(5), 'doc-d', 3)
      await h.store.putItems(xs, { cursor: { peer: B, cursor: { seq: 3, token: new Uint8Array(16) } } })
      if (h.reopen !== undefined) {
        const again = await h.reopen()
        expect(await again.epoch()).toEqual(epoch)
        expect(await again.lastSeq()).toBe(3)
        expect((await again.itemsForDoc('doc-d' as PatientId)).map(i => i.bytes)).toEqual(xs)
        expect((await again.getCursor(B))?.seq).toBe(3)
        expect((await again.putItems(xs)).length).toBe(0)
        expect((await again.putItems(items(new Prng(6), 'doc-d', 1)))[0]!.seq).toBe(4)
      }
      await h.close()
    })

    it('digests the log through each position: logs that agree up to a position agree there, an earlier difference changes every later digest, and a reopen keeps them', async () => {
      const [x, y, z, w] = items(new Prng(8), 'doc-f', 4) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array]
      const one = await open(inspectTestItem)
      const two = await open(inspectTestItem)
      await one.store.putItems([x, y])
      await one.store.putItems([w])
      await two.store.putItems([x, z, w])
      expect(await one.store.logDigest(0)).toBeUndefined()
      expect(await one.store.logDigest(4)).toBeUndefined()
      expect(await one.store.logDigest(1)).toEqual(await two.store.logDigest(1))
      // The same item (w) at position 3 in both, after a different item at 2: the digests differ.
      expect(await one.store.logDigest(2)).not.toEqual(await two.store.logDigest(2))
      expect(await one.store.logDigest(3)).not.toEqual(await two.store.logDigest(3))
      const three = await one.store.logDigest(3)
      expect(three?.length).toBe(16)
      if (one.reopen !== undefined) {
        const again = await one.reopen()
        expect(await again.logDigest(3)).toEqual(three)
        // The chain goes on from what was stored: a fourth item extends position 3's digest.
        await again.putItems([z])
        await two.store.putItems([y])
        expect(await again.logDigest(4)).not.toEqual(await two.store.logDigest(4))
        expect(await again.logDigest(4)).toEqual(logChain(three, inspectTestItem(z).id))
      }
      await one.close()
      await two.close()
    })

    it('rejects an undecodable item without storing anything from its batch', async () => {
      const h = await open(inspectTestItem)
      const good = items(new Prng(7), 'doc-e', 1)
      await expect(h.store.putItems([good[0]!, new Uint8Array([1, 2, 3])])).rejects.toThrow()
      expect(await h.store.lastSeq()).toBe(0)
      await h.close()
    })
  })
}
