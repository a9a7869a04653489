/**
 * Issue 14, attack 6: a member pushes valid items of documents nobody at the victim can open and
 * that the roster does not make it carry. The victim stores none of them, refuses them by name,
 * holds at most its per-author quota in memory meanwhile, and an honest referral still arrives.
 * Real libp2p on loopback, real LevelDB; the attacker speaks the sync protocol itself with its own
 * libp2p key (an honest replicator would never send what the receiver is not entitled to).
 */
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import nacl from 'tweetnacl'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeItemHeader, documentIdFromBytes } from '@pagdandi/core/crypto'
import type { FacilityId, ReferralInput } from '@pagdandi/core/record'
import { decodeFrame, DEFAULT_GRANT_WAIT, encodeFrame, type Frame } from '@pagdandi/core/sync'
import { sealRawChange } from '@pagdandi/core/testing'
import { openStore } from './cli/storeFactory.js'
import { replicatorFactory } from './cli/replicatorFactory.js'
import { FacilityNode } from './FacilityNode.js'
import { DataDir } from './datadir/DataDir.js'
import { loadNodeKeys } from './keyring/keyringStore.js'
import { MAX_DATA_LENGTH, SYNC_PROTOCOL } from './p2p/constants.js'
import { createHost } from './p2p/host.js'
import { TEST_SECRET, loopbackAddress, makeNetwork, registration, tempDir } from './testing/fixtures.js'
import { attackerSealer } from './testing/hostile.js'

const [CHC, DH, ATTACKER] = ['IN2210000101', 'IN2210000001', 'IN2210000666'] as FacilityId[]
const running: FacilityNode[] = []
const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const s of stops.splice(0)) await s()
  for (const n of running.splice(0)) await n.stop()
})

const referral: ReferralInput = {
  to: DH,
  reason: 'Severe anaemia',
  urgency: 'urgent',
  treatmentGiven: 'IFA started',
  transport: '108',
  provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia, unspecified' }
}

async function start(dir: string): Promise<FacilityNode> {
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: false,
    openStore,
    createReplicator: replicatorFactory({ maxRedialMs: 500 })
  })
  running.push(node)
  await node.start()
  return node
}

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

/** Dial the victim as the attacker, say hello, push `items` in batches and wait for every ack. */
async function push(attackerDir: string, victim: string, items: Uint8Array[], rosterVersion: number): Promise<void> {
  const keys = await loadNodeKeys(new DataDir(attackerDir), TEST_SECRET)
  const host = await createHost({ privateKey: privateKeyToProtobuf(keys.libp2pKey), listen: [], admit: () => true })
  await host.start()
  stops.push(async () => {
    await host.stop()
  })
  const stream = await host.dialProtocol(multiaddr(victim), SYNC_PROTOCOL)
  const lp = lpStream(stream, { maxDataLength: MAX_DATA_LENGTH })
  const hello = decodeFrame((await lp.read()).subarray())
  if (hello.type !== 'hello') throw new Error(`expected hello, got ${hello.type}`)
  await lp.write(
    encodeFrame({
      type: 'hello',
      facility: ATTACKER,
      rosterVersion,
      epoch: nacl.randomBytes(16),
      lastSeq: items.length
    })
  )
  let batchNo = 0
  for (let i = 0; i < items.length; i += 40) {
    const batch: Frame = { type: 'batch', batchNo: ++batchNo, upTo: 0, items: items.slice(i, i + 40) }
    await lp.write(encodeFrame(batch))
    for (;;) {
      const f = decodeFrame((await lp.read()).subarray())
      if (f.type === 'ack' && f.batchNo === batchNo) break
    }
  }
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
    // 300 documents of 5 changes of 2 KiB: 1,800 items, about 3.7 MB, more than the author may have waiting.
    const flood = await junk(attackerDir, 300, 5, 2_048)
    expect(flood.length).toBeGreaterThan(DEFAULT_GRANT_WAIT.perAuthorItems)
    const version = dh.roster.current!.body.version
    const target = dh.roster.current!.body.entries.find(e => e.facility === DH)!
    await push(attackerDir, `${target.addresses[0]!}/p2p/${target.peerId}`, flood, version)

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
    await chc.referrals.create(patientId, referral)
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
    await chc.referrals.create(patientId, referral)
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
