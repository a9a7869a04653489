/**
 * Duplicates through the real HTTP API (issue 15): a second registration of a UHID this facility
 * gave, or of an ABHA number already registered, is refused 409 `DuplicateIdentifierError` naming
 * the existing patient by id and storing nothing; `POST /api/patients/matches` lists them and the
 * possible duplicates by name (either script), age, village and guardian; hostile bodies are 400s.
 */
import { describe, expect, it } from 'vitest'
import { makeNetwork, memoryStore, registration, staffClient, startHttpNode, tempDir } from './testing/fixtures.js'
import { stopAfterEach } from './testing/runningNodes.js'

const { running } = stopAfterEach()

describe('duplicate registrations', () => {
  it('refuses a second UHID or ABHA number by name, stores nothing, and lists possible matches first', async () => {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }
    ])
    const store = await memoryStore()
    const node = await startHttpNode(dirs[0]!, running, store)
    const clerk = await staffClient(node, 'registration-clerk')
    const first = await clerk.call(
      'POST',
      '/api/patients',
      registration({ name: 'सुनीता कश्यप', abhaNumber: '91-1234-5678-9015' })
    )
    expect(first.status).toBe(201)
    const id = (first.json as { patientId: string }).patientId
    const stored = await store.lastSeq()

    const sameUhid = await clerk.call('POST', '/api/patients', registration({ name: 'Kamla Netam' }))
    expect(sameUhid.status).toBe(409)
    expect(sameUhid.json).toEqual({
      error: { name: 'DuplicateIdentifierError', message: `uhid: already registered as patient ${id}` }
    })
    const sameAbha = await clerk.call(
      'POST',
      '/api/patients',
      registration({ name: 'Kamla Netam', uhid: 'CHC-0002', abhaNumber: '91123456789015' })
    )
    expect(sameAbha.status).toBe(409)
    expect((sameAbha.json as { error: { message: string } }).error.message).toBe(
      `abhaNumber: already registered as patient ${id}`
    )
    expect(await store.lastSeq()).toBe(stored)

    const matches = await clerk.call('POST', '/api/patients/matches', {
      name: 'Somaru Kashyap',
      uhid: 'chc-0001',
      abhaNumber: '91123456789015'
    })
    expect(matches.status).toBe(200)
    expect((matches.json as { sameIdentifier: Array<{ field: string }> }).sameIdentifier.map(s => s.field)).toEqual([
      'uhid',
      'abhaNumber'
    ])
    const possible = await clerk.call('POST', '/api/patients/matches', {
      name: 'Sunita Kashyap',
      age: 42,
      village: 'Kilepal'
    })
    expect(possible.json).toMatchObject({
      sameIdentifier: [],
      possible: [{ patient: { patientId: id }, reasons: ['name', 'age', 'village'] }]
    })

    for (const body of [{}, { name: 42 }, { name: 'x'.repeat(201) }, { name: 'A', age: -1 }, { name: 'A', sex: 'x' }]) {
      const bad = await clerk.call('POST', '/api/patients/matches', body)
      expect(bad.status, JSON.stringify(body).slice(0, 40)).toBe(400)
      expect((bad.json as { error: { name: string } }).error.name).toBe('BadRequestError')
    }
    expect((await clerk.call('GET', '/api/patients?q=Sunita&limit=0')).status).toBe(400)
    expect((await clerk.call('GET', '/api/patients?q=Sunita&limit=1e3')).status).toBe(400)
    expect(((await clerk.call('GET', '/api/patients?q=सुनीता&limit=1')).json as unknown[]).length).toBe(1)
  })
})
