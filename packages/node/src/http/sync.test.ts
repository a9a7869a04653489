import { afterEach, describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import { Repo, type DocumentId } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { readPatient, wrapStrings, type PatientDoc } from '@pagdandi/core/record'
import { FacilityNode } from '../FacilityNode.js'
import type { NodeStore } from '../ports.js'
import { TEST_SECRET, makeNetwork, memoryStore, registration, staffClient, tempDir } from '../testing/fixtures.js'
import { signedInProxy } from '../testing/headerProxy.js'

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function startNode(dir: string, store: NodeStore): Promise<FacilityNode> {
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: { port: 0 },
    openStore: async () => store
  })
  await node.start()
  cleanup.push(async () => {
    await node.stop()
  })
  return node
}

/** A browser signed in as a medical officer, with its cookie and its page's Origin on the upgrade. */
async function browser(node: FacilityNode): Promise<Repo> {
  const proxy = await signedInProxy(node.url!, await staffClient(node))
  const repo = new Repo({ network: [new WebSocketClientAdapter(proxy.syncUrl)] })
  cleanup.push(async () => {
    await repo.shutdown()
    await proxy.close()
  })
  return repo
}

const sameHeads = (a: string[] | undefined, b: string[]): boolean =>
  a !== undefined && a.length === b.length && a.every(h => b.includes(h))

/** A CHC node with one registered patient, on an in-memory store that outlives restarts. */
async function nodeWithPatient(): Promise<{ dir: string; store: NodeStore; node: FacilityNode; patientId: string }> {
  const root = await tempDir()
  const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }])
  const store = await memoryStore()
  const node = await startNode(dirs[0]!, store)
  const { patientId } = await node.patients.register(registration())
  return { dir: dirs[0]!, store, node, patientId }
}

/** A browser's edit of the patient's name variants; resolves once the node has sealed it. */
async function editAndAwaitSealed(
  node: FacilityNode,
  store: NodeStore,
  patientId: string,
  handle: { change: (fn: (d: PatientDoc) => void) => void; doc: () => PatientDoc }
): Promise<void> {
  const itemsBefore = await store.lastSeq()
  handle.change(d => {
    d.demographics.nameVariants.push(wrapStrings('Somru Markaam'))
  })
  const edited = A.getHeads(handle.doc())
  await expect
    .poll(async () => sameHeads(await node.patients.durableHeads(patientId as never), edited), { timeout: 10_000 })
    .toBe(true)
  expect(await store.lastSeq()).toBe(itemsBefore + 1)
}

describe('browsers over the automerge-repo WebSocket at /sync', () => {
  it('seal a browser edit durably, and a second browser sees it', async () => {
    const { dir, store, node, patientId } = await nodeWithPatient()
    const one = await browser(node)
    const handle = await one.find<PatientDoc>(patientId as unknown as DocumentId)
    expect(readPatient(handle.doc()).demographics.name).toBe('Somaru Markam')
    await editAndAwaitSealed(node, store, patientId, handle)

    const two = await browser(node)
    const seen = await two.find<PatientDoc>(patientId as unknown as DocumentId)
    await expect
      .poll(() => readPatient(seen.doc()).demographics.nameVariants, { timeout: 10_000 })
      .toEqual(['Somru Markaam'])

    // The edit survives a restart: it is in the sealed items, not in any plaintext storage.
    await node.stop()
    const again = await startNode(dir, store)
    expect(readPatient((await again.documents.open<PatientDoc>(patientId))!).demographics.nameVariants).toEqual([
      'Somru Markaam'
    ])
  })

  it('a browser asking for a cold record by id gets it from the sealed items, and its edit is sealed once', async () => {
    const { dir, store, node: first, patientId } = await nodeWithPatient()
    await first.stop()
    const node = await startNode(dir, store)
    expect(node.documents.doc(patientId)).toBeUndefined() // cold after the restart

    const handle = await (
      await browser(node)
    ).find<PatientDoc>(patientId as unknown as DocumentId, {
      signal: AbortSignal.timeout(10_000)
    })
    expect(readPatient(handle.doc()).demographics.name).toBe('Somaru Markam')
    await editAndAwaitSealed(node, store, patientId, handle)
  })
})
