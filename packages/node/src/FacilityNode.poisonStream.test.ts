/**
 * Issue 14, attack 1 under way: a member keeps pushing poisoned documents while an honest CHC
 * refers a patient. What one member's refused items may cost the node is budgeted per member
 * (p2p/AdmissionBudget.ts), so the poisoner's batches wait and the referral does not wait behind
 * them. Real libp2p on loopback, real LevelDB; the budget runs on a `ManualClock`, frozen while the
 * referral travels, so what the test sees does not depend on the machine's speed.
 */
import { describe, expect, it } from 'vitest'
import type { FacilityId } from '@pagdandi/core/record'
import { ManualClock } from '@pagdandi/core/testing'
import { FacilityNode } from './FacilityNode.js'
import { ADMISSION_LIMITS } from './p2p/AdmissionBudget.js'
import { anaemiaReferral, loopbackAddress, makeNetwork, registration, tempDir } from './testing/fixtures.js'
import { attackerSealer, poisonedDocument } from './testing/hostile.js'
import { pushItems } from './testing/pushItems.js'
import { startP2pNode, stopAfterEach } from './testing/runningNodes.js'

const [CHC, DH, ATTACKER] = ['IN2210000101', 'IN2210000001', 'IN2210000666'] as FacilityId[]
const nodes = stopAfterEach()
const { stops } = nodes
const start = async (dir: string, admissionClock?: ManualClock): Promise<FacilityNode> =>
  await startP2pNode(nodes, dir, admissionClock === undefined ? {} : { admissionClock })

describe('a member that keeps sending poison (issue 14, attack 1)', () => {
  it('has its batches held once its refused items pass its budget, while an honest referral arrives; its poison is still judged later', async () => {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
      { facility: DH, name: 'DH Jagdalpur', kind: 'DH', addresses: [await loopbackAddress()] },
      { facility: ATTACKER, name: 'CHC Bakawand', kind: 'CHC', addresses: [] }
    ])
    const [chcDir, dhDir, attackerDir] = dirs as [string, string, string]
    const clock = new ManualClock(1_000_000)
    const dh = await start(dhDir, clock)
    // 100 poisoned documents (a self-grant, a grant to the DH, a change that is not Automerge):
    // pushed 40 items a batch, each batch costs 13 refused changes.
    const sealer = await attackerSealer(attackerDir)
    const poison = Array.from({ length: 100 }, () => poisonedDocument(sealer, DH).items).flat()
    const target = dh.roster.current!.body.entries.find(e => e.facility === DH)!
    const pusher = await pushItems(
      attackerDir,
      ATTACKER,
      `${target.addresses[0]!}/p2p/${target.peerId}`,
      poison,
      dh.roster.current!.body.version
    )
    stops.push(pusher.stop)
    let pushed = false
    void pusher.done.then(() => (pushed = true))
    const attackerHeld = async (): Promise<boolean> =>
      (await dh.status.report()).peers.some(p => p.facility === ATTACKER && p.held === true)
    // Its budget spent, the attacker's next batch waits; status says so.
    await expect.poll(attackerHeld, { timeout: 30_000 }).toBe(true)
    const judgedWhileHeld = (await dh.status.report()).quarantined!
    expect(judgedWhileHeld).toBeGreaterThan(ADMISSION_LIMITS.burst)
    expect(judgedWhileHeld).toBeLessThan(ADMISSION_LIMITS.burst + 14)

    // The honest referral arrives while the poison keeps coming.
    const chc = await start(chcDir)
    const { patientId } = await chc.patients.register(registration())
    await chc.referrals.create(patientId, anaemiaReferral(DH))
    await expect
      .poll(async () => (await dh.referrals.list('incoming')).map(r => r.patientId), { timeout: 30_000 })
      .toContain(patientId)
    expect((await dh.status.report()).quarantined).toBe(judgedWhileHeld)
    expect(await attackerHeld()).toBe(true)
    expect(pushed).toBe(false)

    // As time passes the budget refills: every poisoned change is still judged and quarantined
    // (delayed, never dropped), and the attacker's push completes.
    await expect
      .poll(
        async () => {
          clock.advance(10_000)
          return (await dh.status.report()).quarantined
        },
        { timeout: 60_000 }
      )
      .toBe(100)
    await pusher.done
  })
})
