/**
 * The golden corpus (test/fixtures/golden-v1, written by an earlier version): this version opens
 * both facilities' stores (migrating them), reads their patients, imports the bundle into a fresh
 * node, and syncs the CHC with a fresh DH over real libp2p on loopback.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readPatient, type PatientDoc } from '@pagdandi/core/record'
import { decodeBundle } from '../packages/node/src/cli/bundle.js'
import { replicatorFactory } from '../packages/node/src/cli/replicatorFactory.js'
import { openStore } from '../packages/node/src/cli/storeFactory.js'
import { FacilityNode } from '../packages/node/src/FacilityNode.js'
import type { FacilityFile } from '../packages/node/src/datadir/DataDir.js'
import type { NodeStore } from '../packages/node/src/ports.js'
import { loopbackAddress, tempDir } from '../packages/node/src/testing/fixtures.js'
import { GOLDEN_CHC, GOLDEN_DH, type GoldenManifest } from './make-golden-corpus.js'
import { POLL } from './processes.js'

const CORPUS = new URL('./fixtures/golden-v1/', import.meta.url).pathname
const manifest = JSON.parse(await readFile(join(CORPUS, 'manifest.json'), 'utf8')) as GoldenManifest
const nodes: FacilityNode[] = []
afterAll(async () => {
  for (const n of nodes) await n.stop()
})

/** A writable copy of the corpus (opening a store writes to it). */
async function copyCorpus(): Promise<string> {
  const root = await tempDir('pagdandi-golden-')
  await cp(CORPUS, root, { recursive: true })
  return root
}

/** A node on `data`, with its store for the checks (the node hands it to no one). */
async function open(data: string, replicate = false): Promise<FacilityNode & { store: NodeStore }> {
  let store: NodeStore | undefined
  const node = await FacilityNode.open({
    data,
    secret: manifest.secret,
    http: false,
    openStore: async dir => (store = await openStore(dir)),
    ...(replicate ? { createReplicator: replicatorFactory({ maxRedialMs: 1000 }) } : {})
  })
  nodes.push(node)
  return Object.assign(node, { store: store! })
}

async function names(node: FacilityNode): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const id of node.documents.docIds()) {
    const doc = await node.documents.open<PatientDoc>(id)
    if (doc !== undefined) out[id] = readPatient(doc).demographics.name
  }
  return out
}

/** Points `dir`'s node at `listen` and dials `peer` at `peerAddr` (routes.json). */
async function relocate(dir: string, listen: string, peer: string, peerAddr: string): Promise<void> {
  const file = JSON.parse(await readFile(join(dir, 'facility.json'), 'utf8')) as FacilityFile
  await writeFile(join(dir, 'facility.json'), JSON.stringify({ ...file, addresses: [listen] }))
  await writeFile(join(dir, 'routes.json'), JSON.stringify({ routes: { [peer]: [peerAddr] } }))
}

describe('golden corpus written by an earlier version', () => {
  it('opens both facilities and reads every patient they held', async () => {
    const root = await copyCorpus()
    for (const facility of [GOLDEN_CHC, GOLDEN_DH]) {
      const node = await open(join(root, facility))
      const want = manifest.facilities[facility]!
      expect(await names(node)).toEqual(want.patients)
      expect(await node.store.lastSeq()).toBe(want.items)
      await node.stop()
    }
    await rm(root, { recursive: true, force: true })
  })

  it('imports its bundle into a fresh node, which opens the referred patient', async () => {
    const root = await copyCorpus()
    const dh = join(root, GOLDEN_DH)
    await rm(join(dh, 'items'), { recursive: true })
    const node = await open(dh)
    const items = decodeBundle(new Uint8Array(await readFile(join(root, manifest.bundle.file))))
    expect(items.length).toBe(manifest.bundle.items)
    await node.bundles.importItems(items, (_i, err) => {
      throw err
    })
    const { patientId } = manifest.referral
    expect(readPatient((await node.patients.read(patientId as never)) as PatientDoc).demographics.name).toBe(
      manifest.facilities[GOLDEN_CHC]!.patients[patientId]
    )
    await node.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('syncs the CHC with a fresh DH over libp2p on loopback', async () => {
    const root = await copyCorpus()
    const chcDir = join(root, GOLDEN_CHC)
    const dhDir = join(root, GOLDEN_DH)
    await rm(join(dhDir, 'items'), { recursive: true })
    const [chcAddr, dhAddr] = [await loopbackAddress(), await loopbackAddress()]
    await relocate(chcDir, chcAddr, GOLDEN_DH, dhAddr)
    await relocate(dhDir, dhAddr, GOLDEN_CHC, chcAddr)
    const chc = await open(chcDir, true)
    const dh = await open(dhDir, true)
    await chc.start()
    await dh.start()
    const chcIds = (await chc.store.logSince(0, 1000)).map(i => i.id)
    expect(chcIds.length).toBe(manifest.facilities[GOLDEN_CHC]!.items)
    // The DH carries for the CHC: it stores every CHC item, and opens the referred patient.
    await expect.poll(async () => (await dh.store.hasItems(chcIds)).every(Boolean), POLL).toBe(true)
    const { patientId } = manifest.referral
    await expect
      .poll(async () => (await names(dh))[patientId], POLL)
      .toBe(manifest.facilities[GOLDEN_CHC]!.patients[patientId])
    await dh.stop()
    await chc.stop()
    await rm(root, { recursive: true, force: true })
  })
})
