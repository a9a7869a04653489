/**
 * Two facility nodes as real `pagdandi start` processes on loopback: a CHC and its DH (the CHC's hub).
 * The CHC works while the DH is down; when the link comes up its items reach the DH; a referral
 * reaches the DH's inbox with the history, and comes back marked received; both converge.
 */
import { describe, expect, it } from 'vitest'
import { makeNetwork, registration, tempDir } from '../packages/node/src/testing/fixtures.js'
import {
  chcAndHub,
  exited,
  getJson,
  POLL,
  postJson,
  postReferral,
  registerPatients,
  useNodeProcesses
} from './processes.js'

const start = useNodeProcesses()

describe('two facilities, real processes', () => {
  it('carries the CHC items to the DH once the link is up, delivers a referral end to end, and converges', async () => {
    const root = await tempDir('pagdandi-two-')
    const { dirs } = await makeNetwork(root, await chcAndHub())
    const chc = await start(dirs[0]!)
    const ids = await registerPatients(chc)
    const chcStatus = await getJson(chc, '/api/status')
    expect(chcStatus.peers[0].connected).toBe(false)

    // The link comes up: the hub stores the CHC's items, but opens none of them.
    const dh = await start(dirs[1]!)
    await expect.poll(async () => (await getJson(dh, '/api/status')).items, POLL).toBe(chcStatus.items)
    expect((await getJson(dh, '/api/status')).patients).toBe(0)
    expect(await getJson(dh, '/api/patients?q=Kawasi')).toEqual([])

    // A referral grants the DH, which opens the record with its history and marks it received.
    const refer = await postReferral(chc, ids[0]!, 'IN2210000001')
    expect(refer.status).toBe(201)
    await expect
      .poll(async () => (await getJson(dh, '/api/referrals?box=incoming')).map((r: any) => r.referralId), POLL)
      .toEqual([refer.json.referralId])
    expect((await getJson(dh, '/api/patients?q=Kawasee')).map((p: any) => p.patientId)).toEqual([ids[0]])
    await expect.poll(async () => (await getJson(chc, '/api/referrals?box=outgoing'))[0].delivered, POLL).toBe(true)
    expect((await getJson(chc, '/api/status')).undeliveredReferrals).toBe(0)

    // Convergence: the same heads for the shared document on both nodes.
    await expect
      .poll(async () => {
        const [a, b] = await Promise.all([
          getJson(chc, `/api/patients/${ids[0]}/heads`),
          getJson(dh, `/api/patients/${ids[0]}/heads`)
        ])
        return JSON.stringify([...a.heads].sort()) === JSON.stringify([...b.heads].sort())
      }, POLL)
      .toBe(true)

    // The DH goes down; the CHC keeps working; when the DH returns, it catches up.
    dh.child.kill('SIGTERM')
    await exited(dh.child)
    for (let i = 5; i < 8; i++)
      expect((await postJson(chc, '/api/patients', registration({ uhid: `CHC-${i}` }))).status).toBe(201)
    const later = (await getJson(chc, '/api/status')).items
    const dh2 = await start(dirs[1]!)
    await expect.poll(async () => (await getJson(dh2, '/api/status')).items, POLL).toBe(later)
  })
})
