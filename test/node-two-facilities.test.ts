/**
 * Two facility nodes as real `pagdandi start` processes on loopback: a CHC and its DH (the CHC's hub).
 * The CHC works while the DH is down; when the link comes up its items reach the DH; a referral
 * reaches the DH's inbox with the history, and comes back marked received; both converge.
 */
import { afterAll, describe, expect, it } from 'vitest'
import {
  TEST_SECRET,
  loopbackAddress,
  makeNetwork,
  registration,
  tempDir
} from '../packages/node/src/testing/fixtures.js'
import { exited, getJson, nodeProcessPool, POLL, postJson } from './processes.js'

const pool = nodeProcessPool({ PAGDANDI_SECRET: TEST_SECRET })
afterAll(pool.stopAll)
const start = pool.start
const get = getJson
const post = postJson
const poll = POLL

describe('two facilities, real processes', () => {
  it('carries the CHC items to the DH once the link is up, delivers a referral end to end, and converges', async () => {
    const root = await tempDir('pagdandi-two-')
    const { dirs } = await makeNetwork(root, [
      { facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
      {
        facility: 'IN2210000001',
        name: 'DH Jagdalpur',
        kind: 'DH',
        carriesFor: ['IN2210000101'],
        addresses: [await loopbackAddress()]
      }
    ])
    const chc = await start(dirs[0]!)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const r = await post(
        chc,
        '/api/patients',
        registration({ uhid: `CHC-${i}`, name: i === 0 ? 'Budhri Kawasi' : `Patient ${i}` })
      )
      expect(r.status).toBe(201)
      ids.push(r.json.patientId)
    }
    const chcStatus = await get(chc, '/api/status')
    expect(chcStatus.peers[0].connected).toBe(false)

    // The link comes up: the hub stores the CHC's items, but opens none of them.
    const dh = await start(dirs[1]!)
    await expect.poll(async () => (await get(dh, '/api/status')).items, poll).toBe(chcStatus.items)
    expect((await get(dh, '/api/status')).patients).toBe(0)
    expect(await get(dh, '/api/patients?q=Kawasi')).toEqual([])

    // A referral grants the DH, which opens the record with its history and marks it received.
    const refer = await post(chc, '/api/referrals', {
      patientId: ids[0],
      referral: {
        to: 'IN2210000001',
        reason: 'Severe anaemia',
        urgency: 'urgent',
        treatmentGiven: 'IFA',
        transport: '108',
        provisionalDiagnosis: {
          system: 'http://hl7.org/fhir/sid/icd-10',
          code: 'D64.9',
          display: 'Anaemia, unspecified'
        }
      }
    })
    expect(refer.status).toBe(201)
    await expect
      .poll(async () => (await get(dh, '/api/referrals?box=incoming')).map((r: any) => r.referralId), poll)
      .toEqual([refer.json.referralId])
    expect((await get(dh, '/api/patients?q=Kawasee')).map((p: any) => p.patientId)).toEqual([ids[0]])
    await expect.poll(async () => (await get(chc, '/api/referrals?box=outgoing'))[0].delivered, poll).toBe(true)
    expect((await get(chc, '/api/status')).undeliveredReferrals).toBe(0)

    // Convergence: the same heads for the shared document on both nodes.
    await expect
      .poll(async () => {
        const [a, b] = await Promise.all([
          get(chc, `/api/patients/${ids[0]}/heads`),
          get(dh, `/api/patients/${ids[0]}/heads`)
        ])
        return JSON.stringify([...a.heads].sort()) === JSON.stringify([...b.heads].sort())
      }, poll)
      .toBe(true)

    // The DH goes down; the CHC keeps working; when the DH returns, it catches up.
    dh.child.kill('SIGTERM')
    await exited(dh.child)
    for (let i = 5; i < 8; i++)
      expect((await post(chc, '/api/patients', registration({ uhid: `CHC-${i}` }))).status).toBe(201)
    const later = (await get(chc, '/api/status')).items
    const dh2 = await start(dirs[1]!)
    await expect.poll(async () => (await get(dh2, '/api/status')).items, poll).toBe(later)
  })
})
