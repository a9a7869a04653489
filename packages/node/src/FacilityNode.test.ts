import { afterEach, describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import type { PatientDoc, PatientId } from '@pagdandi/core/record'
import type { Role } from '@pagdandi/core/staff'
import { FacilityNode } from './FacilityNode.js'
import type { NodeStore } from './ports.js'
import {
  TEST_SECRET,
  makeNetwork,
  memoryStore,
  registration,
  staffClient,
  tempDir,
  anaemiaReferral
} from './testing/fixtures.js'

const running: FacilityNode[] = []
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop()
})

async function startNode(dir: string, store?: NodeStore): Promise<FacilityNode> {
  const s = store ?? (await memoryStore())
  const node = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: { port: 0 }, openStore: async () => s })
  await node.start()
  running.push(node)
  return node
}

/** A request signed in over HTTP, as a medical officer unless told (FHIR export and import are the admin's). */
async function api(
  node: FacilityNode,
  path: string,
  init?: { method: string; body: unknown },
  role: Role = 'medical-officer'
): Promise<{ status: number; json: any }> {
  const client = await staffClient(node, role)
  return await client.call(init?.method ?? 'GET', path, init?.body)
}

describe('FacilityNode HTTP API', () => {
  it('registers a patient and finds them by a variant spelling', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }])
    const node = await startNode(dirs[0]!)
    const reg = await api(node, '/api/patients', { method: 'POST', body: registration() })
    expect(reg.status).toBe(201)
    const found = await api(node, '/api/patients?q=' + encodeURIComponent('somru markaam'))
    expect(found.json.map((p: { patientId: string }) => p.patientId)).toEqual([reg.json.patientId])
    const heads = await api(node, `/api/patients/${reg.json.patientId}/heads`)
    expect(heads.json.heads.length).toBeGreaterThan(0)
    // Stored as immutable strings (docs/design/0005), and read back as plain ones.
    const stored = (await node.documents.open<PatientDoc>(reg.json.patientId))!
    expect(A.isImmutableString(stored.demographics.name)).toBe(true)
    expect(((await node.patients.read(reg.json.patientId)) as PatientDoc).demographics.name).toBe(registration().name)
    // The status counts what this process sealed: the self-grant and the registration change.
    const status = await api(node, '/api/status')
    expect(status.json.sealed.items).toBe(2)
    expect(status.json.sealed.bytes).toBeGreaterThan(120 * 2)
  })

  it('seeds many patients from a few distinct ones (--unique): each its own document, ids and keys', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }])
    const node = await startNode(dirs[0]!)
    const ids = await node.patients.seed(7, 3, undefined, 2)
    expect(new Set(ids).size).toBe(7)
    const names = await Promise.all(
      ids.map(async id => ((await node.patients.read(id as PatientId)) as PatientDoc).demographics.name)
    )
    expect(new Set(names).size).toBe(2)
    expect(names[0]).toBe(names[2])
    expect((await api(node, '/api/status')).json.items).toBe(14) // a self-grant and a change each
  })

  it('rejects a bad registration with 400 and a named error, storing nothing', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }])
    const store = await memoryStore()
    const node = await startNode(dirs[0]!, store)
    const noName = await api(node, '/api/patients', { method: 'POST', body: { ...registration(), name: '' } })
    expect(noName.status).toBe(400)
    expect(noName.json.error.name).toBe('BadRequestError')
    const badAbha = await api(node, '/api/patients', { method: 'POST', body: registration({ abhaNumber: '12' }) })
    expect(badAbha.status).toBe(400)
    expect(badAbha.json.error.name).toBe('InvalidAbhaNumberError')
    const notJson = await (await staffClient(node)).call('POST', '/api/patients', undefined, { raw: '{' })
    expect(notJson.status).toBe(400)
    expect(await store.lastSeq()).toBe(0)
  })

  it('answers only after the sealed registration is in the store', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }])
    const store = await memoryStore()
    const node = await startNode(dirs[0]!, store)
    const putItems = store.putItems.bind(store)
    // No sleeping: a write that fails must never be acknowledged. Were the answer not waiting for the
    // store, this registration would be a 201 with nothing stored.
    store.putItems = async () => {
      await Promise.resolve()
      throw new Error('simulated write failure')
    }
    const refused = await api(node, '/api/patients', { method: 'POST', body: registration() })
    expect(refused.status).not.toBe(201)
    expect(refused.json.patientId).toBeUndefined()
    expect(await store.lastSeq()).toBe(0)
    // And a write that succeeds is answered after its items are in the store.
    let storedAtAnswer: number | undefined
    store.putItems = putItems
    const reg = await api(node, '/api/patients', { method: 'POST', body: registration({ uhid: 'CHC-0002' }) }).then(
      async r => {
        storedAtAnswer = await store.lastSeq()
        return r
      }
    )
    expect(reg.status).toBe(201)
    expect(storedAtAnswer).toBeGreaterThanOrEqual(2)
  })
})

describe('FacilityNode referrals', () => {
  it('grants the receiver, who opens the referral and the history from the items alone', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [
      { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' },
      { facility: 'IN2210000002', name: 'DH Jagdalpur', kind: 'DH', carriesFor: ['IN2210000001'] }
    ])
    const chcStore = await memoryStore()
    const chc = await startNode(dirs[0]!, chcStore)
    const [patientId] = await chc.patients.seed(3, 7)
    const refer = await api(chc, '/api/referrals', {
      method: 'POST',
      body: {
        patientId,
        referral: anaemiaReferral('IN2210000002', 'IFA started')
      }
    })
    expect(refer.status).toBe(201)
    const out = await api(chc, '/api/referrals?box=outgoing')
    expect(out.json).toHaveLength(1)
    expect(out.json[0].delivered).toBe(false)

    const dhStore = await memoryStore()
    const dh = await startNode(dirs[1]!, dhStore)
    const items = (await chcStore.logSince(0, 1000)).map(i => i.bytes)
    await dhStore.putItems(items)
    await dh.documents.applyReceived(items)
    expect(dh.documents.docIds()).toEqual([patientId])
    const atDh = (await dh.documents.open<PatientDoc>(patientId!))!
    expect(atDh.encounters).toEqual((await chc.documents.open<PatientDoc>(patientId!))!.encounters)
    const inbox = await api(dh, '/api/referrals?box=incoming')
    expect(inbox.json.map((r: { referralId: string }) => r.referralId)).toEqual([refer.json.referralId])

    // The DH marks the arrival; once that change is back at the CHC, the referral is delivered.
    await expect.poll(async () => (await api(dh, '/api/referrals?box=incoming')).json[0].status).toBe('received')
    const back = (await dhStore.logSince(0, 1000)).map(i => i.bytes)
    await chcStore.putItems(back)
    await chc.documents.applyReceived(back)
    const delivered = await api(chc, '/api/referrals?box=outgoing')
    expect(delivered.json[0].delivered).toBe(true)
    expect(chc.documents.durableHeads(patientId!)).toEqual(dh.documents.durableHeads(patientId!))
  })
})

describe('FacilityNode FHIR', () => {
  it('exports a patient as ABDM bundles, and another node imports one; a broken bundle is a 400', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [
      { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' },
      { facility: 'IN2210000002', name: 'DH Jagdalpur', kind: 'DH' }
    ])
    const chc = await startNode(dirs[0]!)
    const ids = await chc.patients.seed(4, 5)
    let withVisit = ids[0]!
    for (const id of ids)
      if (Object.keys((await chc.documents.open<PatientDoc>(id))!.encounters).length > 0) {
        withVisit = id
        break
      }
    const exported = await api(chc, `/api/patients/${withVisit}/fhir`, undefined, 'facility-admin')
    expect(exported.status).toBe(200)
    const opd = exported.json.find((d: { kind: string }) => d.kind === 'OPConsultRecord')
    expect(opd.bundle.resourceType).toBe('Bundle')

    const dh = await startNode(dirs[1]!)
    // The preview says what the import will add, and writes nothing.
    const preview = await api(dh, '/api/fhir/preview', { method: 'POST', body: opd.bundle }, 'facility-admin')
    expect(preview.status).toBe(200)
    expect(preview.json).toMatchObject({ kind: 'OPConsultRecord', newPatient: true, alreadyPresent: 0 })
    expect(preview.json.items[0].section).toBe('encounter')
    expect(dh.documents.docIds()).toHaveLength(0)
    const imported = await api(dh, '/api/fhir/import', { method: 'POST', body: opd.bundle }, 'facility-admin')
    expect(imported.status).toBe(201)
    expect(imported.json.items).toEqual(preview.json.items)
    const doc = (await dh.documents.open<PatientDoc>(imported.json.patientId))!
    expect(Object.keys(doc.encounters)).toHaveLength(1)

    const broken = await api(
      dh,
      '/api/fhir/import',
      { method: 'POST', body: { ...opd.bundle, type: 'collection' } },
      'facility-admin'
    )
    expect(broken.status).toBe(400)
    expect(broken.json.error.name).toBe('InvalidFhirBundleError')
  })
})
