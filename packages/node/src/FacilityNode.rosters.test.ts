/**
 * Issue 14, attack 3: roster skew. A node on roster v1 meets a peer on v2 (signed by the network
 * authority): it adopts v2 from the sync session and passes it on, and replication resumes without
 * an operator. Real libp2p on loopback, real LevelDB.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FacilityId } from '@pagdandi/core/record'
import { FacilityNode } from './FacilityNode.js'
import { addMember, rosterFile } from './keyring/authority.js'
import { initFacility } from './keyring/initFacility.js'
import { nodeSignatureScheme } from './crypto/index.js'
import {
  TEST_SECRET,
  loopbackAddress,
  makeNetwork,
  registration,
  tempDir,
  anaemiaReferral
} from './testing/fixtures.js'
import { startP2pNode, stopAfterEach } from './testing/runningNodes.js'

const [CHC, DH, HUB] = ['IN2210000101', 'IN2210000001', 'IN2210000002'] as FacilityId[]
const nodes = stopAfterEach()

async function start(dir: string, log: string[]): Promise<FacilityNode> {
  return await startP2pNode(nodes, dir, {}, { log: l => log.push(l) })
}

const referral = anaemiaReferral(DH, 'IFA started')

describe('rosters travel (issue 14, attack 3)', () => {
  it('a DH on an older roster meets a CHC on the newer one: it adopts it from the session, the referral arrives, and it passes the roster on', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
      { facility: DH, name: 'DH Jagdalpur', kind: 'DH', addresses: [await loopbackAddress()] },
      { facility: HUB, name: 'DH Dantewada', kind: 'DH', addresses: [await loopbackAddress()] }
    ])
    const [chcDir, dhDir, hubDir] = dirs as [string, string, string]
    // The authority admits a new member: roster v(n+1), imported at the CHC only.
    const newcomer = await initFacility({
      dir: join(root, 'IN2210000103'),
      facility: 'IN2210000103',
      name: 'CHC Bakawand',
      kind: 'CHC',
      district: 'Bastar',
      addresses: [],
      secret: TEST_SECRET
    })
    const next = await addMember(join(root, 'authority'), TEST_SECRET, nodeSignatureScheme(), newcomer)
    const chcLog: string[] = []
    const dhLog: string[] = []
    const chc = await start(chcDir, chcLog)
    await chc.roster.accept(rosterFile(next))
    const { patientId } = await chc.patients.register(registration())
    await chc.referrals.create(patientId, referral)

    const dh = await start(dhDir, dhLog)
    expect(dh.roster.current!.body.version).toBeLessThan(next.body.version)
    await expect.poll(async () => (await dh.referrals.list('incoming')).length, { timeout: 60_000 }).toBe(1)
    expect(dh.roster.current!.body.version).toBe(next.body.version)
    expect(dhLog.some(l => l.includes(`adopted roster v${next.body.version}`))).toBe(true)
    expect([...chcLog, ...dhLog].filter(l => /StaleRosterError|signature check failed/.test(l))).toEqual([])

    // The DH passes it on: with the CHC gone, a hub that never met it adopts the roster from the DH.
    await chc.stop()
    const hub = await start(hubDir, [])
    await expect.poll(() => hub.roster.current!.body.version, { timeout: 60_000 }).toBe(next.body.version)
  })
})
