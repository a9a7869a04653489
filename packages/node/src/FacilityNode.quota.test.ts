/**
 * Issue 14, attack 6: a member pushes valid items of documents nobody at the victim can open and
 * that the roster does not make it carry. The victim stores none of them, refuses them by name,
 * holds at most its per-author quota in memory meanwhile, and an honest referral still arrives.
 * Real libp2p on loopback, real LevelDB; the attacker speaks the sync protocol itself with its own
 * libp2p key (an honest replicator would never send what the receiver is not entitled to).
 */
import nacl from 'tweetnacl'
import { describe, expect, it } from 'vitest'
import { decodeItemHeader, documentIdFromBytes } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { DEFAULT_GRANT_WAIT } from '@pagdandi/core/sync'
import { sealRawChange } from '@pagdandi/core/testing'
import { openStore } from './cli/storeFactory.js'
import { FacilityNode } from './FacilityNode.js'
import {
  TEST_SECRET,
  anaemiaReferral,
  loopbackAddress,
  makeNetwork,
  registration,
  tempDir
} from './testing/fixtures.js'
import { attackerSealer } from './testing/hostile.js'
import { pushItems } from './testing/pushItems.js'
import { startP2pNode, stopAfterEach } from './testing/runningNodes.js'

const [CHC, DH, ATTACKER] = ['IN2210000101', 'IN2210000001', 'IN2210000666'] as FacilityId[]
const nodes = stopAfterEach()
const { running, stops } = nodes
const start = async (dir: string): Promise<FacilityNode> => await startP2pNode(nodes, dir)

/** `docs` documents of the attacker's own (a self-grant and `changes` changes of `size` bytes each), granted to nobody. */
async function junk(dir: string, docs: number, changes: number, size: number): Promise<Uint8Array[]> {
  const sealer = await attackerSealer(dir)
  const out: Uint8Array[] = []
  for (let d = 0; d < docs; d++) {
    const docId = documentIdFromBytes(nacl.randomBytes(16))
    out.push(...sealer.ensureKey(docId))
    const key = sealer.keyring.latest(docId)!
    for (let c = 0; c < changes; c++)
      out.push(sealRawChange(nacl.randomBytes(size), key, sealer.identity, sealer.roster!.body.version, sealer.scheme))
  }
  return out
}

describe('quotas (issue 14, attack 6)', () => {
  it('a member’s flood of documents the victim may not open or carry is refused by name, never stored, held within its quota; an honest referral still arrives', async () => {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
      { facility: DH, name: 'DH Jagdalpur', kind: 'DH', addresses: [await loopbackAddress()] },
      { facility: ATTACKER, name: 'CHC Bakawand', kind: 'CHC', addresses: [] }
    ])
    const [chcDir, dhDir, attackerDir] = dirs as [string, string, string]
    const [chc, dh] = [await start(chcDir), await start(dhDir)]
    const itemsBefore = (await dh.status.report()).items
    // 210 documents of 4 changes of 2 KiB: 1,050 items, about 1.8 MB, more than the author may have waiting.
    const flood = await junk(attackerDir, 210, 4, 2_048)
    expect(flood.length).toBeGreaterThan(DEFAULT_GRANT_WAIT.perAuthorItems)
    const version = dh.roster.current!.body.version
    const target = dh.roster.current!.body.entries.find(e => e.facility === DH)!
    const pusher = await pushItems(
      attackerDir,
      ATTACKER,
      `${target.addresses[0]!}/p2p/${target.peerId}`,
      flood,
      version
    )
    stops.push(pusher.stop)
    await pusher.done

    const s = await dh.status.report()
    // Nothing of it is stored…
    expect(s.items).toBe(itemsBefore)
    // …what waits for a grant is within the author's quota, the rest refused by name.
    expect(s.awaitingGrant!.mostByOneAuthor).toBeLessThanOrEqual(DEFAULT_GRANT_WAIT.perAuthorItems)
    expect(s.awaitingGrant!.items).toBe(DEFAULT_GRANT_WAIT.perAuthorItems)
    const refused = await dh.quarantine.list()
    expect(new Set(refused.map(q => `${q.reason} ${q.author}`))).toEqual(new Set([`NotEntitledError ${ATTACKER}`]))

    // An honest referral meanwhile: the CHC refers a patient to the DH, and the DH opens it.
    const { patientId } = await chc.patients.register(registration())
    await chc.referrals.create(patientId, anaemiaReferral(DH))
    await expect
      .poll(async () => (await dh.referrals.list('incoming')).map(r => r.patientId), { timeout: 30_000 })
      .toContain(patientId)
  })

  it('changes that arrive before their grant wait and are stored when the grant comes (a bundle split in two)', async () => {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
      { facility: DH, name: 'DH Jagdalpur', kind: 'DH' }
    ])
    const open = async (dir: string) => {
      const n = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: false, openStore })
      running.push(n)
      return n
    }
    const [chc, dh] = [await open(dirs[0]!), await open(dirs[1]!)]
    const { patientId } = await chc.patients.register(registration())
    await chc.referrals.create(patientId, anaemiaReferral(DH))
    const items = (await chc.bundles.exportFor(DH)).filter(b => decodeItemHeader(b).docId === patientId)
    const changes = items.filter(b => decodeItemHeader(b).kind === 'change')
    const grants = items.filter(b => decodeItemHeader(b).kind !== 'change')
    const never = (i: number, err: Error): never => {
      throw new Error(`item ${i}: ${err.name}`)
    }
    expect(await dh.bundles.importItems(changes, never)).toBe(0)
    // Status names why the referral has not opened yet: what waits, and for whose grant.
    expect((await dh.status.report()).awaitingGrant).toMatchObject({
      items: changes.length,
      documents: [{ docId: patientId, author: CHC, items: changes.length }]
    })
    expect(await dh.bundles.importItems(grants, never)).toBe(items.length)
    expect((await dh.status.report()).awaitingGrant?.items).toBe(0)
    expect(await dh.quarantine.list()).toEqual([])
    expect((await dh.referrals.list('incoming')).map(r => r.patientId)).toContain(patientId)
  })
})
