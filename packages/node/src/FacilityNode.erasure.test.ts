import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeItem, tweetnaclScheme } from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { openStore } from './cli/storeFactory.js'
import { FacilityNode } from './FacilityNode.js'
import type { NodeStore } from './ports.js'
import { TEST_SECRET, makeNetwork, registration, staffClient, tempDir, anaemiaReferral } from './testing/fixtures.js'

const [CHC, DH] = ['IN2210000001', 'IN2210000002'] as FacilityId[]
const running: FacilityNode[] = []
/** The LevelDB store each open node was given, as a peer or an auditor with the disk would read it. */
const storeOf = new Map<FacilityNode, NodeStore>()
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop()
})

async function open(dir: string): Promise<FacilityNode> {
  let store: NodeStore | undefined
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: { port: 0 },
    openStore: async d => (store = await openStore(d)),
    scheme: tweetnaclScheme
  })
  storeOf.set(node, store!)
  await node.start()
  running.push(node)
  return node
}

async function stop(node: FacilityNode): Promise<void> {
  await node.stop()
  running.splice(running.indexOf(node), 1)
}

/** A request as the facility admin (who may erase), signed in over HTTP. */
async function api(node: FacilityNode, path: string, method = 'GET'): Promise<{ status: number; json: any }> {
  const admin = await staffClient(node, 'facility-admin')
  return await admin.call(method, path, method === 'GET' ? undefined : {})
}

/** Every file under `dir`, concatenated: what someone holding the disk can read. */
async function diskBytes(dir: string): Promise<Buffer> {
  const parts: Buffer[] = []
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) parts.push(await readFile(join(e.parentPath, e.name)))
  }
  return Buffer.concat(parts)
}

describe('erasure (crypto-shredding)', () => {
  it('after erase and a restart, no key of the document is recoverable from the data dir and the patient is gone', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
      { facility: DH, name: 'DH Jagdalpur', kind: 'DH' }
    ])
    const dir = dirs[0]!
    let chc = await open(dir)
    const { patientId } = await chc.patients.register(registration())
    const other = await chc.patients.register(
      registration({ name: 'Budhri Kashyap', uhid: 'CHC-0002', phone: '9826000000' })
    )
    await chc.referrals.create(patientId, anaemiaReferral(DH, 'IFA started'))
    const key = chc.keys.get(patientId, 0)!.key.slice()
    // The grants box the key to this facility (its self-grant) and from it (the referral): both
    // open with this facility's box key, so both must go.
    const grants = (await storeOf.get(chc)!.accessItems(patientId)).map(i => i.bytes)
    expect(grants).toHaveLength(2)
    await stop(chc)
    // Control: before erasure the boxed keys are on disk (the scan can see them).
    const before = await diskBytes(dir)
    expect(grants.every(g => before.includes(Buffer.from(decodeItem(g).ciphertext)))).toBe(true)

    chc = await open(dir)
    const erased = await api(chc, `/api/patients/${patientId}/erase`, 'POST')
    expect(erased.status).toBe(200)
    expect(erased.json).toMatchObject({ patientId, generations: 1 })
    expect(erased.json.items).toBeGreaterThanOrEqual(3)
    const gone = await api(chc, `/api/patients/${patientId}`)
    expect(gone.status).toBe(404)
    expect(gone.json.error.name).toBe('PatientErasedError')
    expect((await api(chc, '/api/patients?q=' + encodeURIComponent('Somaru Markam'))).json).toEqual([])
    // A peer re-sending the old grants cannot bring the key back.
    expect(
      await chc.bundles.importItems(grants, (_i, err) => {
        throw err
      })
    ).toBe(0)
    expect(chc.keys.generations(patientId)).toEqual([])
    await stop(chc)

    const after = await diskBytes(dir)
    expect(after.includes(Buffer.from(key))).toBe(false)
    for (const g of grants) expect(after.includes(Buffer.from(decodeItem(g).ciphertext))).toBe(false)

    chc = await open(dir)
    expect(chc.keys.generations(patientId as PatientId)).toEqual([])
    expect(await storeOf.get(chc)!.itemsForDoc(patientId)).toEqual([])
    for (const item of await storeOf.get(chc)!.logSince(0, 10_000)) expect(item.docId).not.toBe(patientId)
    expect(chc.documents.doc(patientId)).toBeUndefined()
    expect((await api(chc, `/api/patients/${patientId}`)).json.error.name).toBe('PatientErasedError')
    expect((await api(chc, `/api/patients/${patientId}/erase`, 'POST')).status).toBe(404)
    expect((await api(chc, '/api/patients?q=' + encodeURIComponent('Somaru Markam'))).json).toEqual([])
    // The other patient is untouched, and new work continues after the erased log positions.
    expect(
      (await api(chc, '/api/patients?q=' + encodeURIComponent('Budhri'))).json.map(
        (p: { patientId: string }) => p.patientId
      )
    ).toEqual([other.patientId])
    const seqBefore = await storeOf.get(chc)!.lastSeq()
    await chc.patients.register(registration({ name: 'Sukaro Poyam', uhid: 'CHC-0003', phone: '9826000001' }))
    expect(await storeOf.get(chc)!.lastSeq()).toBeGreaterThan(seqBefore)
  })
})
