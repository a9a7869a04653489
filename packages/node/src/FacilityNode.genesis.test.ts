/**
 * Issue 14, attack 7: a member that learned a patient's document id publishes a rival genesis (its
 * own self-grant), which would leave the document with two creators (`GrantConflictError`: nobody
 * entitled, referrals stall). The creator knows it created the document and refuses the rival.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { computeAccess, decodeItemHeader, itemId } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { openStore } from './cli/storeFactory.js'
import { FacilityNode } from './FacilityNode.js'
import { TEST_SECRET, makeNetwork, registration, tempDir } from './testing/fixtures.js'
import { attackerSealer } from './testing/hostile.js'

const [CHC, ATTACKER] = ['IN2210000101', 'IN2210000102'] as FacilityId[]
const running: FacilityNode[] = []
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop()
})

describe('rival genesis (issue 14, attack 7)', () => {
  it('a rival self-grant for a document created here is refused and kept with its author; the document keeps one creator', async () => {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
      { facility: ATTACKER, name: 'CHC Bakawand', kind: 'CHC' }
    ])
    const chc = await FacilityNode.open({ data: dirs[0]!, secret: TEST_SECRET, http: false, openStore })
    running.push(chc)
    const { patientId } = await chc.patients.register(registration())
    const rival = (await attackerSealer(dirs[1]!)).ensureKey(patientId)
    expect(rival.map(b => decodeItemHeader(b).author)).toEqual([ATTACKER])
    await chc.bundles.importItems(rival, (i, err) => {
      throw new Error(`item ${i}: ${err.name}`)
    })
    expect((await chc.quarantine.list()).map(q => [q.reason, q.author])).toEqual([['RivalGenesisError', ATTACKER]])
    const held = (await chc.bundles.exportFor(CHC)).filter(b => decodeItemHeader(b).docId === patientId)
    const access = computeAccess(
      patientId,
      held.map(bytes => ({ bytes, id: itemId(bytes), header: decodeItemHeader(bytes) }))
    )
    expect(access.creator).toBe(CHC)
  })
})
