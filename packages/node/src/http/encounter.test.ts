/**
 * `POST /api/patients/:id/encounters` from a real HTTP client against a real node (LevelDB on
 * disk): an encounter is checked exactly as a browser's change is at `/sync` (schema, role,
 * claimed author; gate/editCheck.ts), durable before it is answered, and a hostile body answers a
 * named 4xx and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiClient } from '../cli/ApiClient.js'
import { openStore } from '../cli/storeFactory.js'
import { FacilityNode } from '../FacilityNode.js'
import { TEST_SECRET, makeNetwork, registration, staffClient, tempDir } from '../testing/fixtures.js'

/** An OPD encounter: fever, a malaria diagnosis (synthetic). */
const feverEncounter = (): unknown => ({
  complaints: ['fever 3 days', 'chills'],
  vitals: { temperature: 39.2, pulse: 108 },
  diagnoses: [
    {
      coding: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B50.9', display: 'Plasmodium falciparum malaria' },
      text: 'Pf malaria, RDT positive'
    }
  ]
})

let node: FacilityNode
let dir: string
let patientId: string
let mo: ApiClient
let nurse: ApiClient
let clerk: ApiClient

beforeAll(async () => {
  const { dirs } = await makeNetwork(await tempDir(), [{ facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC' }])
  dir = dirs[0]!
  node = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: { port: 0 }, openStore })
  await node.start()
  mo = await staffClient(node, 'medical-officer')
  nurse = await staffClient(node, 'nurse')
  clerk = await staffClient(node, 'registration-clerk')
  patientId = (await clerk.post<{ patientId: string }>('/api/patients', registration())).patientId
}, 120_000)
afterAll(async () => {
  await node?.stop()
})

const heads = async (): Promise<string[]> =>
  (await mo.get<{ heads: string[] }>(`/api/patients/${patientId}/heads`)).heads

interface Doc {
  encounters: Record<string, { complaints: string[]; author?: { role: string }; diagnoses: Record<string, unknown> }>
}

describe('POST /api/patients/:id/encounters', () => {
  it('a medical officer adds an encounter with a diagnosis: 201 with the heads, durable, and the entry names them', async () => {
    const answer = await mo.post<{ encounterId: string; heads: string[] }>(
      `/api/patients/${patientId}/encounters`,
      feverEncounter()
    )
    expect(answer.heads).toEqual(await heads())
    const { doc } = await mo.get<{ doc: Doc }>(`/api/patients/${patientId}`)
    const e = doc.encounters[answer.encounterId]!
    expect(e.complaints).toEqual(['fever 3 days', 'chills'])
    expect(e.author?.role).toBe('medical-officer')
    expect(Object.keys(e.diagnoses)).toHaveLength(1)
    // Durable: a restart (the store reopened from disk) still holds it.
    await node.stop()
    node = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: { port: 0 }, openStore })
    await node.start()
    mo = await staffClient(node, 'medical-officer')
    nurse = await staffClient(node, 'nurse')
    clerk = await staffClient(node, 'registration-clerk')
    expect(await heads()).toEqual(answer.heads)
  }, 120_000)

  it('a nurse records complaints and vitals; a clerk adding a diagnosis is refused by role, and nothing changes', async () => {
    const ok = await nurse.call('POST', `/api/patients/${patientId}/encounters`, {
      complaints: ['cough'],
      vitals: { temperature: 37.9 }
    })
    expect(ok.status).toBe(201)
    const before = await heads()
    const refused = await clerk.call('POST', `/api/patients/${patientId}/encounters`, feverEncounter())
    expect(refused.status).toBe(403)
    expect((refused.json as { error: { name: string } }).error.name).toBe('RoleForbiddenError')
    expect(await heads()).toEqual(before)
  })

  it('hostile bodies answer a named 4xx, never a 500, and change nothing', async () => {
    const before = await heads()
    const long = 'x'.repeat(5000)
    const bodies: [unknown, string][] = [
      [[], 'BadRequestError'],
      ['fever', 'BadRequestError'],
      [null, 'BadRequestError'],
      [{}, 'BadRequestError'],
      [{ complaints: 'fever' }, 'BadRequestError'],
      [{ complaints: [1, 2] }, 'BadRequestError'],
      [{ complaints: ['a'], diagnoses: { x: 1 } }, 'BadRequestError'],
      [{ complaints: ['a'], diagnoses: [null] }, 'BadRequestError'],
      [{ complaints: ['a'], prescriptions: ['x'] }, 'BadRequestError'],
      [{ complaints: ['a'], vitals: 'hot' }, 'BadRequestError'],
      [{ complaints: ['a'], notes: 7 }, 'BadRequestError'],
      [{ complaints: [long] }, 'InvalidRecordInputError'],
      [{ complaints: ['a'], notes: long }, 'InvalidRecordInputError'],
      [{ complaints: ['a'], kind: 'surgery' }, 'InvalidRecordInputError'],
      [{ complaints: ['a'], vitals: { temperature: 'hot' } }, 'VitalOutOfRangeError'],
      [{ complaints: ['a'], diagnoses: [{ coding: { system: 'x', code: '1' } }] }, 'InvalidCodeError'],
      [{ complaints: ['a'], practitioner: 'not-an-hpr' }, 'InvalidHprIdError']
    ]
    for (const [body, name] of bodies) {
      const a = await mo.call('POST', `/api/patients/${patientId}/encounters`, body)
      expect({ body, status: a.status, name: (a.json as { error?: { name: string } }).error?.name }).toEqual({
        body,
        status: a.status >= 400 && a.status < 500 ? a.status : 'a 4xx',
        name
      })
    }
    const unknown = await mo.call('POST', '/api/patients/AAAAAAAAAAAAAAAAAAAAAA/encounters', { complaints: ['a'] })
    expect(unknown.status).toBe(404)
    expect(await heads()).toEqual(before)
  })
})
