/**
 * Consent with an expiry and erasure everywhere, in process: real LevelDB stores, items carried
 * between nodes as bundles would carry them (`bundles.importItems`, the same admission as sync), and
 * an injected clock. The real-process tests are test/node-consent.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ConsentTermsError, ErasureNotByHomeError, type ConsentTerms } from '@pagdandi/core/consent'
import { sealNotice, tweetnaclScheme } from '@pagdandi/core/crypto'
import { encodeErasureRequest } from '@pagdandi/core/consent'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { openStore } from './cli/storeFactory.js'
import { FacilityNode } from './FacilityNode.js'
import { PatientErasedError } from './http/errors.js'
import type { NodeStore } from './ports.js'
import { TEST_SECRET, makeNetwork, registration, tempDir } from './testing/fixtures.js'
import { loadNodeKeys } from './keyring/keyringStore.js'
import { DataDir } from './datadir/DataDir.js'

const [CHC, HUB, DH, CH] = ['IN2210000101', 'IN2210000001', 'IN2210000002', 'IN2210000201'] as FacilityId[]
const running: FacilityNode[] = []
const storeOf = new Map<FacilityNode, NodeStore>()
const dirOf = new Map<FacilityNode, string>()
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop()
})

/** A clock the test moves. */
function clock(start: string): { now: () => Date; set: (iso: string) => void } {
  let t = Date.parse(start)
  return { now: () => new Date(t), set: iso => void (t = Date.parse(iso)) }
}

async function open(dir: string, now: () => Date): Promise<FacilityNode> {
  let store: NodeStore | undefined
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: false,
    now,
    openStore: async d => (store = await openStore(d)),
    scheme: tweetnaclScheme
  })
  storeOf.set(node, store!)
  dirOf.set(node, dir)
  running.push(node)
  return node
}

async function stop(node: FacilityNode): Promise<void> {
  await node.stop()
  running.splice(running.indexOf(node), 1)
}

/** Carries every item `from` holds to `to`, as a bundle (or a sync session) would. */
async function carry(from: FacilityNode, to: FacilityNode): Promise<void> {
  const items = (await storeOf.get(from)!.logSince(0, 100_000)).map(i => i.bytes)
  await to.bundles.importItems(items, (_i, err) => {
    throw err
  })
}

const terms = (dataEraseAt: string): ConsentTerms => ({
  purpose: { code: 'CAREMGT' },
  hiTypes: ['OPConsultation', 'Prescription'],
  dateRange: { from: '2026-01-01T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z' },
  dataEraseAt
})

async function twoFacilities(now: () => Date): Promise<{ chc: FacilityNode; dh: FacilityNode; dirs: string[] }> {
  const { dirs } = await makeNetwork(await tempDir(), [
    { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
    { facility: DH, name: 'DH Dantewada', kind: 'DH' }
  ])
  return { chc: await open(dirs[0]!, now), dh: await open(dirs[1]!, now), dirs }
}

describe('consent with an expiry', () => {
  it('the DH reads the record until dataEraseAt, then erases it, confirms, and stays unable to open it after a restart', async () => {
    const c = clock('2026-12-04T06:00:00.000Z')
    const { chc, dh, dirs } = await twoFacilities(c.now)
    const { patientId } = await chc.patients.register(registration())
    await chc.consent.share(patientId, DH, terms('2026-12-05T00:00:00.000Z'))
    await carry(chc, dh)
    expect(await dh.patients.read(patientId)).toBeDefined()
    expect((await dh.consent.report(patientId)).held).toMatchObject({
      granter: CHC,
      terms: { purpose: { code: 'CAREMGT' } }
    })
    expect(await dh.consent.sweep()).toBe(0)

    // Restarted before expiry: the terms are still known (they were stored with the grant).
    await stop(dh)
    const dh2 = await open(dirs[1]!, c.now)
    expect(await dh2.patients.read(patientId)).toBeDefined()

    c.set('2026-12-05T00:00:00.000Z')
    expect(await dh2.consent.sweep()).toBe(1)
    await expect(dh2.patients.read(patientId)).rejects.toThrow(PatientErasedError)
    expect(dh2.keys.generations(patientId)).toEqual([])
    await stop(dh2)
    const dh3 = await open(dirs[1]!, c.now)
    await expect(dh3.patients.read(patientId)).rejects.toThrow(PatientErasedError)
    // The grants re-sent bring nothing back.
    await carry(chc, dh3)
    await expect(dh3.patients.read(patientId)).rejects.toThrow(PatientErasedError)

    // The home facility sees the DH's signed word.
    await carry(dh3, chc)
    const report = await chc.consent.report(patientId)
    expect(report.given).toEqual([
      expect.objectContaining({
        to: DH,
        toName: 'DH Dantewada',
        erased: { at: '2026-12-05T00:00:00.000Z', cause: 'consent-expired' }
      })
    ])
    expect(await chc.patients.read(patientId)).toBeDefined()
  })

  it('a DH that was down at dataEraseAt erases the record at start, before anything can read it', async () => {
    const c = clock('2026-12-04T06:00:00.000Z')
    const { chc, dh, dirs } = await twoFacilities(c.now)
    const { patientId } = await chc.patients.register(registration())
    await chc.consent.share(patientId, DH, terms('2026-12-04T07:00:00.000Z'))
    await carry(chc, dh)
    await stop(dh)
    c.set('2026-12-10T00:00:00.000Z')
    const again = await open(dirs[1]!, c.now)
    await expect(again.patients.read(patientId)).rejects.toThrow(PatientErasedError)
  })

  it('refuses terms that are not ABDM consent terms, and grants nothing', async () => {
    const c = clock('2026-12-04T06:00:00.000Z')
    const { chc } = await twoFacilities(c.now)
    const { patientId } = await chc.patients.register(registration())
    const before = (await storeOf.get(chc)!.accessItems(patientId)).length
    await expect(
      chc.consent.share(patientId, DH, { ...terms('2026-12-05T00:00:00Z'), hiTypes: ['Gossip'] })
    ).rejects.toThrow(ConsentTermsError)
    expect((await storeOf.get(chc)!.accessItems(patientId)).length).toBe(before)
  })
})

describe('erasure everywhere', () => {
  async function fourFacilities(now: () => Date): Promise<FacilityNode[]> {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
      { facility: HUB, name: 'DH Jagdalpur', kind: 'DH', carriesFor: [CHC] },
      { facility: DH, name: 'DH Dantewada', kind: 'DH' },
      { facility: CH, name: 'CH Kondagaon', kind: 'CH' }
    ])
    return await Promise.all(dirs.map(async d => await open(d, now)))
  }

  it('reaches the hub, a DH and a CH through the hub; each erases and confirms; the home lists all three', async () => {
    const c = clock('2026-12-04T06:00:00.000Z')
    const [chc, hub, dh, ch] = (await fourFacilities(c.now)) as [FacilityNode, FacilityNode, FacilityNode, FacilityNode]
    const { patientId } = await chc.patients.register(registration())
    const other = await chc.patients.register(registration({ uhid: 'CHC-OTHER' }))
    await chc.consent.share(patientId, DH)
    await chc.consent.share(patientId, CH)
    // Everything travels through the hub.
    await carry(chc, hub)
    await carry(hub, dh)
    await carry(hub, ch)
    expect(await dh.patients.read(patientId)).toBeDefined()

    const issued = await chc.everywhere.issue(patientId)
    expect(issued.facilities.map(f => [f.facility, f.state])).toEqual([
      [HUB, 'not-reached'],
      [DH, 'not-reached'],
      [CH, 'not-reached']
    ])
    await expect(chc.patients.read(patientId)).rejects.toThrow(PatientErasedError)

    c.set('2026-12-04T07:00:00.000Z')
    await carry(chc, hub)
    expect(await storeOf.get(hub)!.itemsForDoc(patientId)).toEqual([])
    await carry(hub, dh)
    await expect(dh.patients.read(patientId)).rejects.toThrow(PatientErasedError)
    // The CH is not reached yet: the home says so.
    await carry(hub, chc)
    expect((await chc.everywhere.status(patientId)).facilities.map(f => [f.facility, f.state, f.held])).toEqual([
      [HUB, 'confirmed', 'items'],
      [DH, 'not-reached', undefined],
      [CH, 'not-reached', undefined]
    ])
    await carry(hub, ch)
    await carry(dh, hub)
    await carry(ch, hub)
    await carry(hub, chc)
    const status = await chc.everywhere.status(patientId)
    expect(status.facilities.map(f => [f.facility, f.state, f.held, f.erasedAt])).toEqual([
      [HUB, 'confirmed', 'items', '2026-12-04T07:00:00.000Z'],
      [DH, 'confirmed', 'keys', '2026-12-04T07:00:00.000Z'],
      [CH, 'confirmed', 'keys', '2026-12-04T07:00:00.000Z']
    ])
    expect(status).toMatchObject({ confirmed: 3, notReached: 0 })
    // Other records are untouched.
    expect(await dh.patients.read(other.patientId)).toBeUndefined()
    expect(await chc.patients.read(other.patientId)).toBeDefined()
  })

  it('only the home facility may issue it: the API refuses anyone else, and every node that knows the home refuses a forged one', async () => {
    const c = clock('2026-12-04T06:00:00.000Z')
    const [chc, hub, dh] = (await fourFacilities(c.now)) as [FacilityNode, FacilityNode, FacilityNode, FacilityNode]
    const { patientId } = await chc.patients.register(registration())
    await chc.consent.share(patientId, DH)
    await carry(chc, hub)
    await carry(hub, dh)
    await expect(dh.everywhere.issue(patientId)).rejects.toThrow(ErasureNotByHomeError)
    // A DH that holds the record forges a request in its own name and hands it to the hub.
    const dhKeys = await loadNodeKeys(new DataDir(dirOf.get(dh)!), TEST_SECRET)
    const forged = sealNotice(
      1,
      encodeErasureRequest({
        record: patientId as PatientId,
        issuedAt: c.now().getTime(),
        reason: 'consent-withdrawn'
      }),
      dhKeys.keyring.identity,
      1,
      tweetnaclScheme
    )
    expect(
      await hub.bundles.importItems([forged], (_i, err) => {
        throw err
      })
    ).toBe(0)
    await expect.poll(async () => (await hub.quarantine.list()).map(q => q.reason)).toEqual(['ErasureNotByHomeError'])
    expect((await storeOf.get(hub)!.itemsForDoc(patientId)).length).toBeGreaterThan(0)
    expect(await dh.patients.read(patientId)).toBeDefined()
  })
})
