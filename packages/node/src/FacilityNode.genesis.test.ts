/**
 * Issue 14, attack 7: a member that learned a patient's document id publishes a rival genesis (its
 * own self-grant), which would leave the document with two creators (`GrantConflictError`: nobody
 * entitled, referrals stall). The creator knows it created the document and refuses the rival.
 */
import { describe, expect, it } from 'vitest'
import { computeAccess, decodeItemHeader, isBoundTo, itemId } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { openStore } from './cli/storeFactory.js'
import { FacilityNode } from './FacilityNode.js'
import { TEST_SECRET, anaemiaReferral, makeNetwork, registration, tempDir } from './testing/fixtures.js'
import { attackerSealer } from './testing/hostile.js'
import { stopAfterEach } from './testing/runningNodes.js'

const [CHC, ATTACKER, DH, HUB] = ['IN2210000101', 'IN2210000102', 'IN2210000001', 'IN2210000002'] as FacilityId[]
const { running } = stopAfterEach()

/** A CHC, the attacker, a DH it refers to and a hub carrying for the CHC; the attacker's node is not opened. */
async function fourNodes() {
  const { dirs } = await makeNetwork(await tempDir(), [
    { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
    { facility: ATTACKER, name: 'CHC Bakawand', kind: 'CHC' },
    { facility: DH, name: 'DH Jagdalpur', kind: 'DH' },
    { facility: HUB, name: 'DH Dantewada', kind: 'DH', carriesFor: [CHC] }
  ])
  const open = async (dir: string) => {
    const n = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: false, openStore })
    running.push(n)
    return n
  }
  return { dirs, chc: await open(dirs[0]!), dh: await open(dirs[2]!), hub: await open(dirs[3]!) }
}

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

  it('every node refuses it, not only the creator: the referred DH and a hub carrying for the CHC name the rival and keep one creator', async () => {
    const { dirs, chc, dh, hub } = await fourNodes()
    const { patientId } = await chc.patients.register(registration())
    await chc.referrals.create(patientId, anaemiaReferral(DH))
    const never = (i: number, err: Error): never => {
      throw new Error(`item ${i}: ${err.name}`)
    }
    await dh.bundles.importItems(await chc.bundles.exportFor(DH), never)
    await hub.bundles.importItems(await chc.bundles.exportFor(HUB), never)
    const rival = (await attackerSealer(dirs[1]!)).ensureKey(patientId)
    for (const node of [dh, hub]) {
      await node.bundles.importItems(rival, never)
      const [q] = await node.quarantine.list()
      expect([q?.reason, q?.author]).toEqual(['RivalGenesisError', ATTACKER])
      expect(q?.detail ?? '').toContain(`rival genesis by ${ATTACKER}`)
      // What it holds (and so forwards) still has one creator: the referral keeps flowing.
      const held = (await node.bundles.exportFor(node === dh ? DH : CHC)).filter(
        b => decodeItemHeader(b).docId === patientId
      )
      const access = computeAccess(
        patientId,
        held.map(bytes => ({ bytes, id: itemId(bytes), header: decodeItemHeader(bytes) }))
      )
      expect(access.creator).toBe(CHC)
    }
  })

  it('a node that meets the rival first (it never held the document) still refuses it: the id names the creator; the real referral then opens', async () => {
    const { dirs, chc, dh, hub } = await fourNodes()
    const { patientId } = await chc.patients.register(registration())
    expect(isBoundTo(patientId, CHC)).toBe(true)
    await chc.referrals.create(patientId, anaemiaReferral(DH))
    const never = (i: number, err: Error): never => {
      throw new Error(`item ${i}: ${err.name}`)
    }
    const rival = (await attackerSealer(dirs[1]!)).ensureKey(patientId)
    for (const [node, as] of [
      [dh, DH],
      [hub, HUB]
    ] as const) {
      // The rival comes first: nothing of the document is held yet.
      await node.bundles.importItems(rival, never)
      expect((await node.quarantine.list()).map(q => [q.reason, q.author])).toEqual([['RivalGenesisError', ATTACKER]])
      expect(await node.bundles.exportFor(as === DH ? DH : CHC)).toEqual([])
      await node.bundles.importItems(await chc.bundles.exportFor(as), never)
    }
    expect((await dh.referrals.list('incoming')).map(r => r.patientId)).toContain(patientId)
    const held = (await hub.bundles.exportFor(CHC)).filter(b => decodeItemHeader(b).docId === patientId)
    const access = computeAccess(
      patientId,
      held.map(bytes => ({ bytes, id: itemId(bytes), header: decodeItemHeader(bytes) }))
    )
    expect(access.creator).toBe(CHC)
  })
})
