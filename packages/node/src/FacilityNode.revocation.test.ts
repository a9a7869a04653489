import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  UndecryptableItemError,
  decodeItemHeader,
  openGrant,
  openItem,
  tweetnaclScheme,
  type VerifiedRoster
} from '@pagdandi/core/crypto'
import {
  readPatient,
  setUhid,
  type FacilityId,
  type PatientDoc,
  type PatientId,
  type ReferralInput
} from '@pagdandi/core/record'
import { FacilityNode } from './FacilityNode.js'
import { revokeMember, rosterFile } from './keyring/authority.js'
import { DataDir } from './datadir/DataDir.js'
import { loadNodeKeys } from './keyring/keyringStore.js'
import type { NodeStore, ReplicatorPort } from './ports.js'
import { TEST_SECRET, makeNetwork, memoryStore, registration, tempDir } from './testing/fixtures.js'

/** A facility's UHID in the patient's document as `node` holds it (read as plain strings). */
async function uhidAt(node: FacilityNode, patientId: PatientId, facility: FacilityId): Promise<string | undefined> {
  const doc = await node.documents.open<PatientDoc>(patientId)
  return doc === undefined ? undefined : readPatient(doc).identifiers.uhid[facility]
}

const [CHC, DH1, DH2] = ['IN2210000001', 'IN2210000002', 'IN2210000003'] as FacilityId[]
const running: FacilityNode[] = []
const storeOf = new Map<FacilityNode, NodeStore>()
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop()
})

/** A replicator that only records the rosters it is given (the gater itself is tested in p2p/security.test.ts). */
function spyReplicator(rosters: VerifiedRoster[]): ReplicatorPort {
  return {
    start: async () => {},
    stop: async () => {},
    updateRoster: r => {
      rosters.push(r)
    },
    notifyLocalItems: () => {},
    status: () => [],
    on: () => undefined,
    metrics: () => ({ framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, itemBytesOut: 0, streams: 0 })
  }
}

async function open(dir: string, store: NodeStore, rosters: VerifiedRoster[] = []): Promise<FacilityNode> {
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: false,
    openStore: async () => store,
    scheme: tweetnaclScheme,
    createReplicator: () => spyReplicator(rosters)
  })
  await node.start()
  running.push(node)
  storeOf.set(node, store)
  return node
}

const referral = (to: FacilityId): ReferralInput => ({
  to,
  reason: 'Severe anaemia',
  urgency: 'urgent',
  treatmentGiven: 'IFA started',
  transport: '108',
  provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia, unspecified' }
})

/** Hands every item of `from`'s log to `to`, as a link or a bundle would. */
async function deliver(from: NodeStore, to: FacilityNode): Promise<void> {
  const items = (await from.logSince(0, 10_000)).map(i => i.bytes)
  const fresh = await storeOf.get(to)!.putItems(items)
  await to.documents.applyReceived(fresh.map(f => f.bytes))
}

describe('Invariant 7: revocation rotates document keys', () => {
  it('after revoking a DH, the CHC seals under a new generation that the other DH opens and the revoked DH cannot', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
      { facility: DH1, name: 'DH Jagdalpur', kind: 'DH' },
      { facility: DH2, name: 'DH Kondagaon', kind: 'DH' }
    ])
    const stores = [await memoryStore(), await memoryStore(), await memoryStore()] as const
    const chcRosters: VerifiedRoster[] = []
    const chc = await open(dirs[0]!, stores[0], chcRosters)
    const dh1 = await open(dirs[1]!, stores[1])
    const dh2 = await open(dirs[2]!, stores[2])
    const { patientId } = await chc.patients.register(registration())
    await chc.referrals.create(patientId, referral(DH1))
    await chc.referrals.create(patientId, referral(DH2))
    await deliver(stores[0], dh1)
    await deliver(stores[0], dh2)
    expect(await uhidAt(dh1, patientId, CHC)).toBe('CHC-0001')
    const oldChange = (await stores[0].itemsForDoc(patientId)).find(i => i.kind === 'change')!.bytes
    const dh1Key0 = dh1.keys.get(patientId, 0)!

    // The authority revokes DH1; the roster reaches the CHC and DH2, and both rotate concurrently.
    const r2 = await revokeMember(join(root, 'authority'), TEST_SECRET, tweetnaclScheme, DH1)
    expect((await chc.roster.accept(rosterFile(r2))).rotated).toBe(1)
    expect(chcRosters.map(r => r.body.version)).toEqual([r2.body.version])
    expect((await dh2.roster.accept(rosterFile(r2))).rotated).toBe(1)
    await deliver(stores[0], dh2)
    await deliver(stores[2], chc)
    // One rotation wins (smallest item id): both now seal with the same generation-1 key.
    const k1chc = chc.keys.latest(patientId)!
    const k1dh2 = dh2.keys.latest(patientId)!
    expect(k1chc.generation).toBe(1)
    expect(k1chc.key).toEqual(k1dh2.key)

    // A change at the CHC after the revocation: sealed under generation 1, and DH2 reads it.
    await chc.documents.change<PatientDoc>(patientId, d => {
      setUhid(d, 'CHC-0777', { facility: CHC, at: new Date().toISOString() })
    })
    const after = (await stores[0].logSince(0, 10_000)).filter(i => i.kind === 'change').at(-1)!.bytes
    expect(decodeItemHeader(after).generation).toBe(1)
    await deliver(stores[0], dh2)
    expect(await uhidAt(dh2, patientId, CHC)).toBe('CHC-0777')
    // And a change DH2 makes reaches the CHC the same way.
    await dh2.documents.change<PatientDoc>(patientId, d => {
      setUhid(d, 'DH-0042', { facility: DH2, at: new Date().toISOString() })
    })
    await deliver(stores[2], chc)
    expect(await uhidAt(chc, patientId, DH2)).toBe('DH-0042')

    // The revoked DH1 is handed every new item directly (and even the new, public roster): none opens.
    await dh1.roster.accept(rosterFile(r2)).catch(() => undefined)
    await deliver(stores[0], dh1)
    await deliver(stores[2], dh1)
    expect(await uhidAt(dh1, patientId, CHC)).toBe('CHC-0001')
    expect(dh1.keys.generations(patientId)).toEqual([0])
    expect(() => openItem(after, { ...dh1Key0, generation: 1 }, undefined, tweetnaclScheme)).toThrow(
      UndecryptableItemError
    )
    const dh1Identity = (await loadNodeKeys(new DataDir(dirs[1]!), TEST_SECRET)).keyring.identity
    const newGrants = (await stores[0].accessItems(patientId)).filter(
      i =>
        i.kind === 'access' && decodeItemHeader(i.bytes).generation === 1 && decodeItemHeader(i.bytes).kind === 'grant'
    )
    // Both concurrent rotations granted generation 1 to the remaining holders only.
    expect([...new Set(newGrants.map(g => decodeItemHeader(g.bytes).recipient))].sort()).toEqual([CHC, DH2])
    for (const g of newGrants)
      expect(() => openGrant(g.bytes, dh1Identity, r2, undefined, tweetnaclScheme)).toThrow(
        expect.objectContaining({ name: 'ItemMovedError' })
      )
    // …while the history from before its revocation still opens with the key it held.
    expect(openItem(oldChange, dh1Key0, undefined, tweetnaclScheme).kind).toBe('change')
  })

  it('a node started after a revoking roster was installed offline rotates at start; the rotation is not repeated', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
      { facility: DH1, name: 'DH Jagdalpur', kind: 'DH' }
    ])
    const store = await memoryStore()
    const chc = await open(dirs[0]!, store)
    const { patientId } = await chc.patients.register(registration())
    await chc.referrals.create(patientId, referral(DH1))
    await chc.stop()
    running.splice(0)
    const r2 = await revokeMember(join(root, 'authority'), TEST_SECRET, tweetnaclScheme, DH1)
    const { importRoster } = await import('./keyring/authority.js')
    await importRoster(dirs[0]!, rosterFile(r2), tweetnaclScheme)
    const again = await open(dirs[0]!, store)
    expect(again.keys.latest(patientId as PatientId)!.generation).toBe(1)
    const rotations = async (): Promise<number> =>
      (await store.accessItems(patientId)).filter(i => decodeItemHeader(i.bytes).kind === 'rotation').length
    expect(await rotations()).toBe(1)
    await again.stop()
    running.splice(0)
    const third = await open(dirs[0]!, store)
    expect(await rotations()).toBe(1)
    expect(await uhidAt(third, patientId, CHC)).toBe('CHC-0001')
  })
})
