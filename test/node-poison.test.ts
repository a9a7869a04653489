/**
 * Issue 14, attack 1, as real `pagdandi` processes on loopback with real LevelDB: a victim whose
 * store already holds a poisoned document (kept by an older version) starts and listens, names the
 * item and its author, and every CLI command works on its store; a member that sends a poisoned
 * document over sync gets it quarantined at the victim, and its honest referral still arrives.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FacilityId } from '@pagdandi/core/record'
import { openStore } from '../packages/node/src/cli/storeFactory.js'
import { FacilityNode } from '../packages/node/src/FacilityNode.js'
import {
  TEST_SECRET,
  anaemiaReferral,
  loopbackAddress,
  makeNetwork,
  registration,
  tempDir
} from '../packages/node/src/testing/fixtures.js'
import { attackerSealer, poisonedDocument } from '../packages/node/src/testing/hostile.js'
import { pushItems } from '../packages/node/src/testing/pushItems.js'
import { addTestAdmin, exited, getJson, nodeProcessPool, POLL, signInAs, spawnCli } from './processes.js'

const env = { PAGDANDI_SECRET: TEST_SECRET }
const pool = nodeProcessPool(env)
afterAll(pool.stopAll)

const [VICTIM, ATTACKER] = ['IN2210000001', 'IN2210000102'] as FacilityId[]
const referral = anaemiaReferral(VICTIM, 'IFA started')

/** Runs one CLI command to its end; its exit code and output. */
async function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawnCli(args, env)
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()))
  await exited(child)
  return { code: child.exitCode, out }
}

describe('a poisoned victim, real processes', () => {
  it('restarts and listens, quarantines what a member sends, and every CLI command works on its store', async () => {
    const root = await tempDir('pagdandi-poison-')
    const { dirs, files } = await makeNetwork(root, [
      { facility: VICTIM, name: 'DH Jagdalpur', kind: 'DH', addresses: [await loopbackAddress()] },
      { facility: ATTACKER, name: 'CHC Bakawand', kind: 'CHC', addresses: [await loopbackAddress()] }
    ])
    const [victimDir, attackerDir] = dirs as [string, string]

    // The attacker (a stolen CHC laptop) makes one honest referral and two poisoned documents.
    const attacker = await FacilityNode.open({ data: attackerDir, secret: TEST_SECRET, http: false, openStore })
    const { patientId } = await attacker.patients.register(registration())
    await attacker.referrals.create(patientId, referral)
    const rosterVersion = attacker.roster.current!.body.version
    await attacker.stop()
    const sealer = await attackerSealer(attackerDir)
    const stored = poisonedDocument(sealer, VICTIM)
    const live = poisonedDocument(sealer, VICTIM)

    // The victim's store already holds the first one, as today's main kept it.
    const victimStore = await openStore(join(victimDir, 'items'))
    await victimStore.putItems(stored.items)
    await victimStore.close()

    // Quarantine is shown to the facility admin (docs/ROLES.md: audit.view).
    const adminName = await addTestAdmin(victimDir)
    const victim = await pool.start(victimDir)
    const admin = await signInAs(victim, adminName)
    const quarantine = async (): Promise<Array<{ docId: string }>> =>
      (await admin.call('GET', '/api/quarantine')).json as Array<{ docId: string }>
    const status = await getJson(victim, '/api/status')
    expect(status.quarantined).toBe(1)
    expect((await quarantine())[0]).toMatchObject({
      author: ATTACKER,
      docId: stored.docId,
      reason: 'UndecodableChangeError'
    })

    // The member pushes the second poisoned document over sync itself (an honest node withholds
    // poison it holds: FacilityNode.forwarding.test.ts), then its node sends the honest referral.
    const target = files.find(f => f.facility === VICTIM)!
    const pusher = await pushItems(
      attackerDir,
      ATTACKER,
      `${target.addresses[0]!}/p2p/${target.peerId}`,
      live.items,
      rosterVersion
    )
    await expect.poll(async () => (await getJson(victim, '/api/status')).quarantined as number, POLL).toBe(2)
    await pusher.stop()
    await pool.start(attackerDir)
    await expect.poll(async () => (await getJson(victim, '/api/referrals?box=incoming')).length as number, POLL).toBe(1)
    const fromSync = (await quarantine()).find((q: { docId: string }) => q.docId === live.docId)
    expect(fromSync).toMatchObject({ author: ATTACKER, from: ATTACKER })
    await pool.stopAll()

    const s = await cli(['status', '--data', victimDir])
    expect(s.code, s.out).toBe(0)
    expect(s.out).toContain('quarantine: 2')
    const q = await cli(['quarantine', '--data', victimDir])
    expect(q.code, q.out).toBe(0)
    expect(q.out).toContain(`author ${ATTACKER}`)
    const e = await cli(['erase', '--data', victimDir, '--patient', stored.docId])
    expect(e.code, e.out).toBe(0)
    const again = await pool.start(victimDir)
    expect((await getJson(again, '/api/status')).patients).toBe(1)
  })
})
