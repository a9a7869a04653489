/**
 * Issue 14, attack 1 (what an older version left behind): poison stored before admission existed
 * is named at start-up and left out of its document; it must not be forwarded either, to a peer or
 * in a bundle. Real libp2p on loopback, real LevelDB; the store is written without admission.
 */
import { describe, expect, it } from 'vitest'
import { decodeItemHeader, itemId } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { openStore } from './cli/storeFactory.js'
import { replicatorFactory } from './cli/replicatorFactory.js'
import { FacilityNode } from './FacilityNode.js'
import { TEST_SECRET, loopbackAddress, makeNetwork, registration, tempDir } from './testing/fixtures.js'
import { attackerSealer, poisonedDocument } from './testing/hostile.js'
import { stopAfterEach } from './testing/runningNodes.js'

const [VICTIM, HUB, ATTACKER] = ['IN2210000001', 'IN2210000002', 'IN2210000003'] as FacilityId[]
const { running } = stopAfterEach()

async function open(dir: string, replicate: boolean): Promise<FacilityNode> {
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: false,
    openStore,
    ...(replicate ? { createReplicator: replicatorFactory({ maxRedialMs: 500 }) } : {})
  })
  running.push(node)
  if (replicate) await node.start()
  return node
}

describe('poison stored by an older version (issue 14, attack 1)', () => {
  it('is not forwarded: a hub carrying for the victim receives the rest of its log but not the bad change, and no bundle holds it', async () => {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: VICTIM, name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
      { facility: HUB, name: 'DH Jagdalpur', kind: 'DH', carriesFor: [VICTIM], addresses: [await loopbackAddress()] },
      { facility: ATTACKER, name: 'CHC Bakawand', kind: 'CHC', addresses: [] }
    ])
    const [victimDir, hubDir, attackerDir] = dirs as [string, string, string]
    // The older version stored a poisoned document granted to the victim, with no admission.
    const poison = poisonedDocument(await attackerSealer(attackerDir), VICTIM)
    const bad = poison.items.find(b => decodeItemHeader(b).kind === 'change')!
    const raw = await openStore(`${victimDir}/items`)
    await raw.putItems(poison.items)
    await raw.close()

    const victim = await open(victimDir, true)
    expect((await victim.quarantine.list()).map(q => [q.reason, q.author])).toEqual([
      ['UndecodableChangeError', ATTACKER]
    ])
    // A patient registered after it: once the hub holds that, it has read the victim's whole log.
    const { patientId } = await victim.patients.register(registration())
    const hub = await open(hubDir, true)
    const heldAtHub = async (): Promise<Set<string>> =>
      new Set((await hub.bundles.exportFor(VICTIM)).map(b => `${decodeItemHeader(b).docId} ${itemId(b)}`))
    await expect
      .poll(async () => [...(await heldAtHub())].some(k => k.startsWith(`${patientId} `)), { timeout: 30_000 })
      .toBe(true)
    const held = await heldAtHub()
    // The poisoned document's grants are valid and travel; its bad change does not.
    for (const g of poison.items.filter(b => b !== bad)) expect(held).toContain(`${poison.docId} ${itemId(g)}`)
    expect(held).not.toContain(`${poison.docId} ${itemId(bad)}`)
    expect((await victim.bundles.exportFor(HUB)).map(b => itemId(b))).not.toContain(itemId(bad))
  })
})
