/**
 * A birth date nobody knows, through the HTTP API of a real node (LevelDB on disk): a registration
 * body may say so, search and the FHIR export stay honest about it, and a body that dresses garbage
 * up as the new state is still refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportPatientBundles } from '@pagdandi/core/fhir'
import { addEncounter, newPatientDoc, type FacilityId, type PatientId } from '@pagdandi/core/record'
import type { ApiClient } from '../cli/ApiClient.js'
import { openStore } from '../cli/storeFactory.js'
import { FacilityNode } from '../FacilityNode.js'
import { TEST_SECRET, makeNetwork, registration, staffClient, tempDir } from '../testing/fixtures.js'

let node: FacilityNode
let clerk: ApiClient
let admin: ApiClient

beforeAll(async () => {
  const { dirs } = await makeNetwork(await tempDir(), [{ facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC' }])
  node = await FacilityNode.open({ data: dirs[0]!, secret: TEST_SECRET, http: { port: 0 }, openStore })
  await node.start()
  clerk = await staffClient(node, 'registration-clerk')
  admin = await staffClient(node, 'facility-admin')
}, 120_000)
afterAll(async () => {
  await node?.stop()
})

const errorName = (a: { json: unknown }): string | undefined => (a.json as { error?: { name: string } }).error?.name

describe('POST /api/patients with a birth date nobody knows', () => {
  it('registers it as not known, and search says so', async () => {
    const body = registration({ name: 'Budhri Netam', birth: { kind: 'unknown' }, uhid: 'CHC-UNK-1' })
    const { patientId } = await clerk.post<{ patientId: string }>('/api/patients', body)
    const { doc } = await clerk.get<{ doc: { demographics: { birth: unknown } } }>(`/api/patients/${patientId}`)
    expect(doc.demographics.birth).toEqual({ kind: 'unknown' })
    const hits = await clerk.get<Array<Record<string, unknown>>>('/api/patients?q=Budhri')
    expect(hits).toEqual([expect.objectContaining({ patientId, birthUnknown: true })])
    expect(hits[0]).not.toHaveProperty('age', expect.any(Number))
  })

  it('imports a bundle with no birth date as not known, and exports none back', async () => {
    // Another system's record of a patient whose birth nobody knew (made with core, synthetic).
    const ctx = { facility: 'IN2210000777' as FacilityId, at: '2026-11-20T05:00:00.000Z' }
    const doc = newPatientDoc(registration({ name: 'Sukli Kawasi', birth: { kind: 'unknown' }, uhid: 'PVT-9' }), ctx)
    addEncounter(doc, { complaints: ['fever'] }, ctx)
    const [sent] = exportPatientBundles({ doc, patientId: 'p-elsewhere' as PatientId })
    const { patientId } = await admin.post<{ patientId: string }>('/api/fhir/import', sent!.bundle)
    const { doc: here } = await admin.get<{ doc: { demographics: { birth: unknown } } }>(`/api/patients/${patientId}`)
    expect(here.demographics.birth).toEqual({ kind: 'unknown' })
    const bundles = await admin.get<Array<{ bundle: { entry: Array<{ resource: Record<string, unknown> }> } }>>(
      `/api/patients/${patientId}/fhir`
    )
    const patients = bundles.flatMap(b => b.bundle.entry.map(e => e.resource)).filter(r => r.resourceType === 'Patient')
    expect(patients.length).toBeGreaterThan(0)
    for (const p of patients) expect(p).not.toHaveProperty('birthDate')
  })

  it('still refuses garbage by name: an unknown birth with a year, a made-up kind, no village', async () => {
    const answer = async (over: Record<string, unknown>): Promise<[number, string | undefined]> => {
      const a = await clerk.call('POST', '/api/patients', { ...registration({ uhid: 'CHC-UNK-2' }), ...over })
      return [a.status, errorName(a)]
    }
    expect(await answer({ birth: { kind: 'unknown', year: 1900 } })).toEqual([400, 'InvalidRecordInputError'])
    expect(await answer({ birth: { kind: 'guess' } })).toEqual([400, 'BadRequestError'])
    expect(await answer({ birth: 'unknown' })).toEqual([400, 'BadRequestError'])
    // A registration at the desk gives the village; only an imported record may lack it.
    expect(await answer({ village: undefined })).toEqual([400, 'BadRequestError'])
    expect(await clerk.get<unknown[]>('/api/patients?q=CHC-UNK-2')).toEqual([])
  })
})
