import { afterEach, describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import { Repo, type DocumentId } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { readPatient, wrapStrings, type PatientDoc } from '@pagdandi/core/record'
import { openStore } from '../cli/storeFactory.js'
import { FacilityNode } from '../FacilityNode.js'
import type { NodeStore } from '../ports.js'
import { TEST_SECRET, makeNetwork, registration, staffClient, tempDir } from '../testing/fixtures.js'
import { signedInProxy } from '../testing/headerProxy.js'

// DocBridge invariant 7: resident documents are evicted when cold, with the Repo's sync state for
// them, and nothing a user did is lost: an evicted record reloads with its changes, and a browser
// that was syncing it goes on syncing. Real LevelDB on disk, a real browser Repo over /sync.

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

/** A CHC node on LevelDB on disk that keeps at most two documents resident. */
async function smallNode(): Promise<{ node: FacilityNode; store: () => NodeStore; dir: string }> {
  const root = await tempDir()
  const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }])
  let store: NodeStore | undefined
  const node = await FacilityNode.open({
    data: dirs[0]!,
    secret: TEST_SECRET,
    http: { port: 0 },
    openStore: async dir => (store = await openStore(dir)),
    residency: { maxDocs: 2 }
  })
  await node.start()
  cleanup.push(async () => {
    await node.stop()
  })
  return { node, store: () => store!, dir: dirs[0]! }
}

async function browser(node: FacilityNode): Promise<Repo> {
  const proxy = await signedInProxy(node.url!, await staffClient(node))
  const repo = new Repo({ network: [new WebSocketClientAdapter(proxy.syncUrl)] })
  cleanup.push(async () => {
    await repo.shutdown()
    await proxy.close()
  })
  return repo
}

const sameHeads = (a: readonly string[] | undefined, b: readonly string[]): boolean =>
  a !== undefined && a.length === b.length && a.every(h => b.includes(h))

/** Registers patients until `patientId` is no longer resident (the two-document budget pushes it out). */
async function pushOut(node: FacilityNode, patientId: string): Promise<void> {
  for (let i = 0; i < 3; i++)
    await node.patients.register(registration({ name: `Other Patient ${i}`, uhid: `CHC-10${i}` }))
  await expect.poll(() => node.documents.doc(patientId), { timeout: 10_000 }).toBeUndefined()
}

describe('resident documents evicted when cold (DocBridge invariant 7)', () => {
  it('an evicted record reloads with every change made to it while resident', async () => {
    const { node } = await smallNode()
    const { patientId } = await node.patients.register(registration())
    await node.patients.addEncounter(patientId, { complaints: ['fever'], notes: 'before eviction' })
    expect(node.documents.doc(patientId)).toBeDefined()

    await pushOut(node, patientId)
    expect(node.documents.residency.size).toBeLessThanOrEqual(2)

    const doc = readPatient((await node.documents.open<PatientDoc>(patientId))!)
    expect(doc.demographics.name).toBe('Somaru Markam')
    expect(Object.values(doc.encounters).map(e => e.notes)).toEqual(['before eviction'])
  })

  it("a browser's sync goes on after the node evicted the record it is editing", async () => {
    const { node } = await smallNode()
    const { patientId } = await node.patients.register(registration())
    const repo = await browser(node)
    const handle = await repo.find<PatientDoc>(patientId as unknown as DocumentId, {
      signal: AbortSignal.timeout(10_000)
    })
    const edit = async (variant: string): Promise<void> => {
      handle.change(d => {
        d.demographics.nameVariants.push(wrapStrings(variant))
      })
      const edited = A.getHeads(handle.doc())
      await expect
        .poll(async () => sameHeads(await node.patients.durableHeads(patientId), edited), { timeout: 10_000 })
        .toBe(true)
    }
    await edit('Somru Markaam')
    await pushOut(node, patientId)

    // The node dropped the record and the browser's sync state with it; the browser edits on.
    await edit('Samaru Markam')
    const doc = readPatient((await node.documents.open<PatientDoc>(patientId))!)
    expect(doc.demographics.nameVariants).toEqual(['Somru Markaam', 'Samaru Markam'])
  })
})
