/**
 * Demographic corrections and a reversible merge of two records through the real HTTP API, between
 * two facilities on real libp2p (loopback) and real LevelDB (issue 15). A merge is a change both
 * records carry; the DH, which held only the survivor (by its referral), is granted the merged
 * record with it, so the merge shows there: its search finds the survivor by the merged record's
 * UHID and lists the merged record as merged into it. An unmerge restores both, there too.
 */
import { describe, expect, it } from 'vitest'
import type { PatientSummary } from '@pagdandi/core/api'
import type { PatientDoc, PatientId } from '@pagdandi/core/record'
import { openStore } from './cli/storeFactory.js'
import { replicatorFactory } from './cli/replicatorFactory.js'
import { FacilityNode } from './FacilityNode.js'
import {
  TEST_SECRET,
  anaemiaReferral,
  loopbackAddress,
  makeNetwork,
  registration,
  staffClient,
  tempDir
} from './testing/fixtures.js'
import { stopAfterEach } from './testing/runningNodes.js'

const [CHC, DH] = ['IN2210000101', 'IN2210000001']
const { running } = stopAfterEach()

async function open(dir: string): Promise<FacilityNode> {
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: { port: 0 },
    openStore,
    createReplicator: replicatorFactory({ maxRedialMs: 500 })
  })
  running.push(node)
  await node.start()
  return node
}

type Hit = PatientSummary

describe('demographic edit and merge of two records', () => {
  it('merges at the CHC, shows at the DH with both histories, and unmerges at both', async () => {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
      { facility: DH, name: 'DH Jagdalpur', kind: 'DH', addresses: [await loopbackAddress()] }
    ])
    const chc = await open(dirs[0]!)
    const dh = await open(dirs[1]!)
    const clerk = await staffClient(chc, 'registration-clerk')
    const mo = await staffClient(chc, 'medical-officer')
    const nurse = await staffClient(chc, 'nurse')

    const kept = ((await clerk.call('POST', '/api/patients', registration())).json as { patientId: PatientId })
      .patientId
    const gone = (
      (await clerk.call('POST', '/api/patients', registration({ name: 'Somaru Markaam', uhid: 'CHC-0002' }))).json as {
        patientId: PatientId
      }
    ).patientId
    expect((await mo.call('POST', `/api/patients/${gone}/encounters`, { complaints: ['Cough'] })).status).toBe(201)
    expect((await mo.call('POST', '/api/referrals', { patientId: kept, referral: anaemiaReferral(DH) })).status).toBe(
      201
    )
    const dhSearch = async (q: string): Promise<Hit[]> => await dh.patients.search(q)
    await expect.poll(async () => (await dhSearch('CHC-0001')).length, { timeout: 30_000 }).toBe(1)
    expect(await dhSearch('CHC-0002')).toEqual([])

    // Demographics: the clerk corrects the village; the old name stays findable after a rename.
    const fix = await clerk.call('POST', `/api/patients/${kept}/demographics`, { village: 'Bade Kilepal' })
    expect(fix.status).toBe(200)
    const bad = await clerk.call('POST', `/api/patients/${kept}/demographics`, {
      birth: { kind: 'date', date: '2099-01-01' }
    })
    expect(bad.status).toBe(400)
    expect((await clerk.call('POST', `/api/patients/${kept}/demographics`, { colour: 'x' })).status).toBe(400)
    // A lab technician may not correct demographics; a nurse may not merge.
    const lab = await staffClient(chc, 'lab-technician')
    expect((await lab.call('POST', `/api/patients/${kept}/demographics`, { village: 'X' })).status).toBe(403)
    expect((await nurse.call('POST', `/api/patients/${gone}/merge`, { into: kept })).status).toBe(403)

    // The merge: both records carry it, with who and when.
    expect((await clerk.call('POST', `/api/patients/${gone}/merge`, { into: gone })).status).toBe(409)
    const merged = await clerk.call('POST', `/api/patients/${gone}/merge`, { into: kept })
    expect(merged.status).toBe(200)
    expect(merged.json).toEqual({ patientId: gone, into: kept, granted: [DH] })
    const again = await clerk.call('POST', `/api/patients/${kept}/merge`, { into: gone })
    expect((again.json as { error: { name: string } }).error.name).toBe('RecordMergeError')
    const goneDoc = (await chc.patients.read(gone)) as PatientDoc
    expect(Object.values(goneDoc.merges!)).toMatchObject([
      { direction: 'into', otherPatient: kept, by: CHC, author: { role: 'registration-clerk' } }
    ])
    expect(((await chc.patients.search('Somaru')) as Hit[]).map(h => h.patientId)).toEqual([kept])
    expect(await chc.patients.search('CHC-0002')).toMatchObject([{ patientId: kept, mergedFrom: [gone] }])
    // A registration with the merged record's UHID is the survivor's patient.
    const dup = await clerk.call('POST', '/api/patients', registration({ name: 'Somaru M', uhid: 'CHC-0002' }))
    expect(dup.status).toBe(409)
    expect((dup.json as { error: { message: string } }).error.message).toContain(kept)

    // At the DH: granted the merged record, it holds both histories and shows the survivor.
    await expect
      .poll(async () => await dhSearch('CHC-0002'), { timeout: 30_000 })
      .toMatchObject([{ patientId: kept, mergedFrom: [gone] }])
    const atDh = (await dh.patients.read(gone)) as PatientDoc
    expect(Object.values(atDh.encounters).map(e => e.complaints)).toEqual([['Cough']])
    expect(((await dh.patients.read(kept)) as PatientDoc).demographics.address.village).toBe('Bade Kilepal')

    // The unmerge restores both records, here and at the DH.
    const un = await mo.call('POST', `/api/patients/${gone}/unmerge`, {})
    expect(un.json).toEqual({ patientId: gone, from: kept })
    expect((await mo.call('POST', `/api/patients/${gone}/unmerge`, {})).status).toBe(409)
    expect(((await chc.patients.search('Somaru')) as Hit[]).map(h => h.patientId).sort()).toEqual([kept, gone].sort())
    // Both unmerge changes reach the DH (each record's own, in either order).
    const dhView = async () => ({
      gone: (await dhSearch('CHC-0002')).map(h => h.patientId),
      kept: (await dhSearch('CHC-0001')).map(h => h.mergedFrom ?? [])
    })
    await expect.poll(dhView, { timeout: 30_000 }).toEqual({ gone: [gone], kept: [[]] })
    for (const body of [null, [], { into: 5 }, { into: '../x' }]) {
      const r = await clerk.call('POST', `/api/patients/${gone}/merge`, body)
      expect(r.status, JSON.stringify(body)).toBe(400)
    }
  })
})
