/**
 * Issue 14, attack 4: a revoked facility keeps its signing key and seals a change that claims a
 * roster version from before its revocation. No node, carriers included, accepts it: each node froze
 * the revoked facility's items it held when it adopted the revocation, and accepts no other.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeItemHeader } from '@pagdandi/core/crypto'
import { readPatient, setUhid, type FacilityId, type PatientDoc, type PatientId } from '@pagdandi/core/record'
import { openStore } from './cli/storeFactory.js'
import { nodeSignatureScheme } from './crypto/index.js'
import { FacilityNode } from './FacilityNode.js'
import { revokeMember, rosterFile } from './keyring/authority.js'
import { TEST_SECRET, makeNetwork, registration, tempDir, anaemiaReferral } from './testing/fixtures.js'
import { stopAfterEach } from './testing/runningNodes.js'

const [CHC, DH, HUB] = ['IN2210000101', 'IN2210000001', 'IN2210000002'] as FacilityId[]
const { running } = stopAfterEach()

async function open(dir: string): Promise<FacilityNode> {
  const node = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: false, openStore })
  running.push(node)
  return node
}

const never = (i: number, err: Error): never => {
  throw new Error(`item ${i} refused by the roster check: ${err.name}`)
}

async function uhid(node: FacilityNode, id: PatientId, of: FacilityId): Promise<string | undefined> {
  const doc = await node.documents.open<PatientDoc>(id)
  return doc === undefined ? undefined : readPatient(doc).identifiers.uhid[of]
}

describe('revocation that holds against backdating (issue 14, attack 4)', () => {
  it('a change sealed after revocation but claiming the earlier roster is refused by the CHC and by a carrier; earlier items still count', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
      { facility: DH, name: 'DH Jagdalpur', kind: 'DH' },
      { facility: HUB, name: 'DH Dantewada', kind: 'DH', carriesFor: [CHC] }
    ])
    const [chc, dh, hub] = [await open(dirs[0]!), await open(dirs[1]!), await open(dirs[2]!)]
    const { patientId } = await chc.patients.register(registration())
    await chc.referrals.create(patientId, anaemiaReferral(DH, 'IFA started'))
    await dh.bundles.importItems(await chc.bundles.exportFor(DH), never)
    // An honest change by the DH before its revocation reaches the CHC and the hub.
    await dh.documents.change<PatientDoc>(patientId, d => {
      setUhid(d, 'DH-0001', { facility: DH, at: '2026-12-03T10:00:00.000Z' })
    })
    const before = await dh.bundles.exportFor(CHC)
    await chc.bundles.importItems(before, never)
    await hub.bundles.importItems(before, never)
    expect(await uhid(chc, patientId, DH)).toBe('DH-0001')

    // The authority revokes the DH; the CHC and the hub adopt the roster. The DH never does.
    const revoking = await revokeMember(join(root, 'authority'), TEST_SECRET, nodeSignatureScheme(), DH)
    await chc.roster.accept(rosterFile(revoking))
    await hub.roster.accept(rosterFile(revoking))

    // The stolen DH seals a change claiming the roster it still holds (before its revocation).
    await dh.documents.change<PatientDoc>(patientId, d => {
      setUhid(d, 'DH-6666', { facility: DH, at: '2026-12-03T11:00:00.000Z' })
    })
    const after = await dh.bundles.exportFor(CHC)
    const backdated = after.filter(b => !before.some(x => x.length === b.length && x.every((v, i) => v === b[i])))
    expect(backdated.map(b => decodeItemHeader(b).rosterVersion)).toEqual([dh.roster.current!.body.version])
    expect(dh.roster.current!.body.version).toBeLessThan(revoking.body.version)

    await chc.bundles.importItems(after, never)
    expect(await uhid(chc, patientId, DH)).toBe('DH-0001')
    expect((await chc.quarantine.list()).map(q => [q.reason, q.author])).toEqual([['BackdatedItemError', DH]])
    await hub.bundles.importItems(after, never)
    expect((await hub.quarantine.list()).map(q => [q.reason, q.author])).toEqual([['BackdatedItemError', DH]])
    // Nothing of it is held, so nothing of it can be forwarded.
    const heldAtHub = await hub.bundles.exportFor(CHC)
    expect(heldAtHub.some(b => backdated.some(x => x.length === b.length && x.every((v, i) => v === b[i])))).toBe(false)
  })
})
