import { afterEach, describe, expect, it } from 'vitest'
import { FacilityNode } from '../FacilityNode.js'
import type { NodeStore } from '../ports.js'
import { TEST_SECRET, makeNetwork, memoryStore, tempDir } from '../testing/fixtures.js'
import { decodeBundle, encodeBundle } from './bundle.js'
import { BundleFormatError, BundleItemRejectedError } from './errors.js'

const nodes: FacilityNode[] = []
const storeOf = new Map<FacilityNode, NodeStore>()
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop()
})

async function open(dir: string): Promise<FacilityNode> {
  const store = await memoryStore()
  const node = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: false, openStore: async () => store })
  nodes.push(node)
  storeOf.set(node, store)
  return node
}

describe('bundle files', () => {
  it('round-trip items, and refuse truncated, trailing, oversized-count and unknown-version files by name', () => {
    const items = [new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(7)]
    const file = encodeBundle(items)
    expect(decodeBundle(file)).toEqual(items)
    expect(() => decodeBundle(file.subarray(0, file.length - 1))).toThrow(BundleFormatError)
    expect(() => decodeBundle(new Uint8Array([...file, 0]))).toThrow(BundleFormatError)
    const v2 = file.slice()
    v2[6] = 2
    expect(() => decodeBundle(v2)).toThrow(/version 2/)
    const huge = file.slice()
    new DataView(huge.buffer).setUint32(7, 0xffffffff)
    expect(() => decodeBundle(huge)).toThrow(BundleFormatError)
    expect(() => decodeBundle(new TextEncoder().encode('not a bundle at all'))).toThrow(BundleFormatError)
  })

  it('carries a facility’s items to another node; one tampered item and nothing is imported', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [
      { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' },
      { facility: 'IN2210000002', name: 'DH Jagdalpur', kind: 'DH', carriesFor: ['IN2210000001'] }
    ])
    const chc = await open(dirs[0]!)
    await chc.patients.seed(3, 9)
    const items = decodeBundle(encodeBundle(await chc.bundles.exportFor('IN2210000002' as never)))
    expect(items.length).toBe(6)

    const dh = await open(dirs[1]!)
    const tampered = items.map(i => i.slice())
    tampered[4]![tampered[4]!.length - 70]! ^= 1
    await expect(
      dh.bundles.importItems(tampered, (i, err) => {
        throw new BundleItemRejectedError(i, err.name, err)
      })
    ).rejects.toThrow(BundleItemRejectedError)
    expect(await storeOf.get(dh)!.lastSeq()).toBe(0)

    expect(
      await dh.bundles.importItems(items, () => {
        throw new Error('unexpected rejection')
      })
    ).toBe(6)
    expect(dh.documents.docIds()).toEqual([]) // a carrier: it holds the items and opens none
  })
})
