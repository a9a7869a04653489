/**
 * Consent with an expiry and erasure everywhere, as real `pagdandi start` processes on loopback
 * (real LevelDB, real libp2p). Time is a clock file each node reads (`--clock-file`), never the
 * wall clock: the test moves it past `dataEraseAt` and waits for what the nodes do.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  loopbackAddress,
  makeNetwork,
  registration,
  tempDir,
  TEST_SECRET
} from '../packages/node/src/testing/fixtures.js'
import { addTestAdmin, exited, POLL, signInAs, spawnCli, startNodeProcess, type NodeProcess } from './processes.js'

const ENV = { PAGDANDI_SECRET: TEST_SECRET }
const children: NodeProcess[] = []
afterAll(async () => {
  for (const c of children) {
    c.child.kill('SIGTERM')
    await exited(c.child)
  }
})

async function start(data: string, clockFile: string): Promise<NodeProcess> {
  const p = await startNodeProcess(data, ENV, ['--clock-file', clockFile])
  children.push(p)
  return p
}

async function stop(p: NodeProcess): Promise<void> {
  p.child.kill('SIGTERM')
  await exited(p.child)
  children.splice(children.indexOf(p), 1)
}

/** GET as the medical officer, signed in afresh (a jump of the clock ends idle sessions, as it would). */
async function get(p: NodeProcess, path: string): Promise<{ status: number; json: any }> {
  const a = await (await signInAs(p, 'dr.test')).call('GET', path)
  return { status: a.status, json: a.json }
}

const T0 = '2026-12-04T06:00:00.000Z'
const consent = {
  purpose: { code: 'CAREMGT' },
  hiTypes: ['OPConsultation', 'Prescription'],
  dateRange: { from: '2026-01-01T00:00:00.000Z', to: T0 },
  dataEraseAt: '2026-12-04T07:00:00.000Z'
}

describe('consent with an expiry, real processes', () => {
  it('an expired consent leaves the DH unable to open the record, after a restart too, and the CHC sees it erased', async () => {
    const root = await tempDir('pagdandi-consent-')
    const clock = join(root, 'clock')
    await writeFile(clock, T0)
    const { dirs } = await makeNetwork(root, [
      { facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
      { facility: 'IN2210000003', name: 'DH Dantewada', kind: 'DH', addresses: [await loopbackAddress()] }
    ])
    const [chc, dh] = await Promise.all([start(dirs[0]!, clock), start(dirs[1]!, clock)])
    const reg = await chc.staff.call('POST', '/api/patients', registration({ uhid: 'CHC-9', name: 'Budhri Kawasi' }))
    expect(reg.status).toBe(201)
    const id = (reg.json as { patientId: string }).patientId
    const shared = await chc.staff.call('POST', `/api/patients/${id}/share`, { to: 'IN2210000003', consent })
    expect(shared.status).toBe(201)
    await expect.poll(async () => (await get(dh, `/api/patients/${id}`)).status, POLL).toBe(200)
    expect((await get(dh, `/api/patients/${id}/consents`)).json.held).toMatchObject({
      granter: 'IN2210000101',
      terms: { dataEraseAt: consent.dataEraseAt }
    })

    await writeFile(clock, '2026-12-04T07:00:01.000Z')
    await expect
      .poll(async () => (await get(dh, `/api/patients/${id}`)).json?.error?.name, POLL)
      .toBe('PatientErasedError')
    await expect
      .poll(async () => (await get(chc, `/api/patients/${id}/consents`)).json.given[0]?.erased, POLL)
      .toEqual({ at: '2026-12-04T07:00:01.000Z', cause: 'consent-expired' })

    await stop(dh)
    // Restart on the same port once the CHC has let go of the old connection (an orphaned socket
    // half-closed on that port would refuse the new listen).
    await expect.poll(async () => (await get(chc, '/api/status')).json.peers[0].connected, POLL).toBe(false)
    const again = await start(dirs[1]!, clock)
    const after = await get(again, `/api/patients/${id}`)
    expect([after.status, after.json.error.name]).toEqual([404, 'PatientErasedError'])
    expect((await get(again, '/api/status')).json.patients).toBe(0)
  })
})

describe('erasure everywhere, real processes', () => {
  it('reaches three facilities through the hub; each confirms; the home lists all three confirmed (HTTP and CLI)', async () => {
    const root = await tempDir('pagdandi-erasure-')
    const clock = join(root, 'clock')
    await writeFile(clock, T0)
    const { dirs } = await makeNetwork(root, [
      { facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
      {
        facility: 'IN2210000001',
        name: 'DH Jagdalpur',
        kind: 'DH',
        carriesFor: ['IN2210000101'],
        addresses: [await loopbackAddress()]
      },
      { facility: 'IN2210000002', name: 'DH Kanker', kind: 'DH', addresses: [] },
      { facility: 'IN2210000201', name: 'CH Kondagaon', kind: 'CH', addresses: [] }
    ])
    await addTestAdmin(dirs[0]!)
    const [chc, hub, dh, ch] = await Promise.all(dirs.map(async d => await start(d, clock)))
    const reg = await chc!.staff.call('POST', '/api/patients', registration({ uhid: 'CHC-7', name: 'Budhri Kawasi' }))
    const id = (reg.json as { patientId: string }).patientId
    for (const to of ['IN2210000002', 'IN2210000201'])
      expect((await chc!.staff.call('POST', `/api/patients/${id}/share`, { to })).status).toBe(201)
    await expect.poll(async () => (await get(dh!, `/api/patients/${id}`)).status, POLL).toBe(200)
    await expect.poll(async () => (await get(ch!, `/api/patients/${id}`)).status, POLL).toBe(200)
    await expect.poll(async () => (await get(hub!, '/api/status')).json.items, POLL).toBeGreaterThan(0)

    // Only the admin of the home facility may ask; a medical officer is refused by role.
    expect((await chc!.staff.call('POST', `/api/patients/${id}/erase-everywhere`, {})).status).toBe(403)
    const admin = await signInAs(chc!, 'admin.test')
    const issued = await admin.call('POST', `/api/patients/${id}/erase-everywhere`, {})
    expect(issued.status).toBe(201)
    expect((issued.json as any).notReached).toBe(3)

    await expect
      .poll(async () => {
        const s = (await (await signInAs(chc!, 'admin.test')).call('GET', `/api/erasures/${id}`)).json as any
        return s.facilities.map((f: any) => `${f.facility} ${f.state} ${f.held}`)
      }, POLL)
      .toEqual(['IN2210000001 confirmed items', 'IN2210000002 confirmed keys', 'IN2210000201 confirmed keys'])
    for (const p of [dh!, ch!]) expect((await get(p, `/api/patients/${id}`)).json.error.name).toBe('PatientErasedError')
    expect((await get(hub!, '/api/status')).json.items).toBeGreaterThan(0) // notices stay; the record's items went

    const cli = spawnCli(['erasure', 'status', '--data', dirs[0]!, '--patient', id], ENV)
    let out = ''
    cli.stdout!.on('data', (b: Buffer) => (out += b.toString()))
    await exited(cli)
    expect(cli.exitCode).toBe(0)
    expect(out).toContain('3 confirmed, 0 not yet reached')
    expect(out).toContain(
      'IN2210000002 DH Kanker: confirmed, erased 2026-12-04T06:00:00.000Z (key generations destroyed)'
    )
  })
})
