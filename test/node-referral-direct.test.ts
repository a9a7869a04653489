/**
 * Referrals to a facility that is not the sender's hub, as real `pagdandi start` processes on loopback.
 * The receiver learns nothing of the patient before the referral (least privilege), and everything
 * the moment the referral grants it: directly when no carrier stands between them, and through the
 * CHC's hub when the receiver is a second DH that only the hub reaches.
 */
import { describe, expect, it } from 'vitest'
import { loopbackAddress, makeNetwork, tempDir } from '../packages/node/src/testing/fixtures.js'
import {
  chcAndHub,
  getJson,
  POLL,
  postReferral,
  registerPatients,
  useNodeProcesses,
  type NodeProcess
} from './processes.js'

const start = useNodeProcesses()

/** The receiver has the referral in its inbox, the whole record open, and the sender sees it delivered. */
async function expectDelivered(
  chc: NodeProcess,
  receiver: NodeProcess,
  patientId: string,
  referralId: string
): Promise<void> {
  await expect
    .poll(async () => (await getJson(receiver, '/api/referrals?box=incoming')).map((r: any) => r.referralId), POLL)
    .toEqual([referralId])
  expect((await getJson(receiver, '/api/patients?q=Kawasee')).map((p: any) => p.patientId)).toEqual([patientId])
  await expect.poll(async () => (await getJson(chc, '/api/referrals?box=outgoing'))[0].delivered, POLL).toBe(true)
  expect((await getJson(chc, '/api/status')).undeliveredReferrals).toBe(0)
  await expect
    .poll(async () => {
      const [a, b] = await Promise.all([
        getJson(chc, `/api/patients/${patientId}/heads`),
        getJson(receiver, `/api/patients/${patientId}/heads`)
      ])
      return JSON.stringify([...a.heads].sort()) === JSON.stringify([...b.heads].sort())
    }, POLL)
    .toBe(true)
  // The full history, including the registration sealed before the grant existed.
  const [sent, got] = await Promise.all([
    getJson(chc, `/api/patients/${patientId}`),
    getJson(receiver, `/api/patients/${patientId}`)
  ])
  expect(got.doc).toEqual(sent.doc)
  // Least privilege: the other patients stay unknown to the receiver.
  expect((await getJson(receiver, '/api/status')).patients).toBe(1)
}

describe("referral to a facility that is not the sender's hub, real processes", () => {
  it('reaches a DH that carries nothing for the CHC, with the full history, and shows delivered', async () => {
    const root = await tempDir('pagdandi-direct-')
    const { dirs } = await makeNetwork(root, [
      { facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
      { facility: 'IN2210000001', name: 'DH Jagdalpur', kind: 'DH', addresses: [await loopbackAddress()] }
    ])
    const [chc, dh] = await Promise.all([start(dirs[0]!), start(dirs[1]!)])
    const ids = await registerPatients(chc)
    await expect.poll(async () => (await getJson(chc, '/api/status')).peers[0].connected, POLL).toBe(true)
    // Not entitled to anything yet: the DH holds no item of the CHC's patients.
    expect((await getJson(dh, '/api/status')).items).toBe(0)

    const refer = await postReferral(chc, ids[0]!, 'IN2210000001')
    expect(refer.status).toBe(201)
    await expectDelivered(chc, dh, ids[0]!, refer.json.referralId)
  })

  it("reaches a second DH through the CHC's hub, which carries but cannot open it", async () => {
    const root = await tempDir('pagdandi-hop-')
    // The CHC knows no address of DH Kanker: only its hub links the two.
    const { dirs } = await makeNetwork(root, [
      ...(await chcAndHub()),
      { facility: 'IN2210000002', name: 'DH Kanker', kind: 'DH', addresses: [] }
    ])
    const [chc, hub, far] = await Promise.all([start(dirs[0]!), start(dirs[1]!), start(dirs[2]!)])
    const ids = await registerPatients(chc)
    await expect
      .poll(async () => (await getJson(hub, '/api/status')).items, POLL)
      .toBe((await getJson(chc, '/api/status')).items)
    expect((await getJson(far, '/api/status')).items).toBe(0)

    const refer = await postReferral(chc, ids[0]!, 'IN2210000002')
    expect(refer.status).toBe(201)
    await expectDelivered(chc, far, ids[0]!, refer.json.referralId)
    expect((await getJson(hub, '/api/status')).patients).toBe(0)
  })
})
