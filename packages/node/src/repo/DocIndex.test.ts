/**
 * The persisted document index (DocIndex.ts) on a real LevelDB: a node restored from it shows what
 * a node that reads the whole log shows (search, referrals, durable heads, counts); a damaged or
 * missing index is rebuilt and the node says so; and a seeded run of registrations, encounters,
 * referrals, erasures and restarts, with the index's writes lost at random (as a power cut loses
 * the unsynced ones), always restores what a full read shows.
 */
import { cp } from 'node:fs/promises'
import { Level } from 'level'
import { describe, expect, it } from 'vitest'
import type { FacilityId, PatientId, ReferralInput } from '@pagdandi/core/record'
import { Prng } from '@pagdandi/core/testing'
import { openStore } from '../cli/storeFactory.js'
import { FacilityNode } from '../FacilityNode.js'
import { DataDir } from '../datadir/DataDir.js'
import type { NodeStore } from '../ports.js'
import { TEST_SECRET, makeNetwork, registration, tempDir } from '../testing/fixtures.js'

const CHC = 'IN2210000101'
const DH = 'IN2210000201' as FacilityId
const NAMES = ['Somaru Markam', 'Budhri Kashyap', 'Lakhmu Nag', 'Sukmati Poyam', 'Jaymati Baghel', 'Mangtu Kawasi']

const referral = (): ReferralInput => ({
  to: DH,
  reason: 'suspected severe malaria',
  urgency: 'urgent',
  provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B50.9', display: 'P. falciparum malaria' },
  treatmentGiven: 'artesunate',
  transport: '108'
})

async function network(): Promise<string> {
  const { dirs } = await makeNetwork(await tempDir('pagdandi-docindex-'), [
    { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
    { facility: DH, name: 'DH Jagdalpur', kind: 'DH' }
  ])
  return dirs[0]!
}

interface Opened {
  node: FacilityNode
  lines: string[]
}

async function open(dir: string, store: (d: string) => Promise<NodeStore> = openStore): Promise<Opened> {
  const lines: string[] = []
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: false,
    openStore: store,
    log: l => lines.push(l)
  })
  return { node, lines }
}

/** What a user of the node sees: records, search, referral boxes, durable heads, counts. */
async function seen(node: FacilityNode): Promise<unknown> {
  const ids = node.documents.docIds().sort()
  const status = await node.status.report()
  return {
    ids,
    heads: Object.fromEntries(ids.map(id => [id, [...(node.documents.durableHeads(id) ?? [])].sort()])),
    search: Object.fromEntries(
      await Promise.all([...NAMES, 'Kilepal', 'CHC'].map(async q => [q, await node.patients.search(q)] as const))
    ),
    outgoing: await node.referrals.list('outgoing'),
    incoming: await node.referrals.list('incoming'),
    patients: status.patients,
    conflicts: status.openConflicts
  }
}

/** The same node opened on a copy of its data whose index was removed: a read of the whole log. */
async function fullRead(dir: string): Promise<unknown> {
  const copy = `${dir}-full-${Math.floor(Math.random() * 1e9)}`
  await cp(dir, copy, { recursive: true })
  const store = await openStore(new DataDir(copy).itemsDir)
  await store.writeIndex!([], [], true)
  await store.close()
  const { node, lines } = await open(copy)
  try {
    expect(lines.join('\n')).toMatch(/document index missing: rebuilding it from the log/)
    return await seen(node)
  } finally {
    await node.stop()
  }
}

/** Rewrites the raw `dix` records of a stopped node's store. */
async function editIndex(dir: string, edit: (dix: ReturnType<Level['sublevel']>) => Promise<void>): Promise<void> {
  const db = new Level<string, Uint8Array>(new DataDir(dir).itemsDir, { keyEncoding: 'utf8', valueEncoding: 'view' })
  await edit(db.sublevel<string, Uint8Array>('dix', { keyEncoding: 'utf8', valueEncoding: 'view' }) as never)
  await db.close()
}

describe('the persisted document index', () => {
  it('restores what a full read of the log shows, and says so; damaged or missing, it is rebuilt and says why', async () => {
    const dir = await network()
    let { node } = await open(dir)
    await node.start()
    const seeded = await node.patients.seed(25, 3)
    const { patientId } = await node.patients.register(registration())
    await node.patients.addEncounter(patientId, { complaints: ['fever 2 days'] })
    await node.referrals.create(seeded[4] as PatientId, referral())
    await node.stop()
    const want = await fullRead(dir)

    let lines: string[]
    ;({ node, lines } = await open(dir))
    expect(lines.join('\n')).toMatch(/document index: 26 documents restored, 0 log entries replayed/)
    expect(await seen(node)).toEqual(want)
    await node.stop()

    // One record altered: it no longer opens, so the index is not trusted, and is rebuilt.
    await editIndex(dir, async dix => {
      for await (const [k, v] of (dix as unknown as Level<string, Uint8Array>).iterator({ gt: 'd/', limit: 1 })) {
        const bad = new Uint8Array(v)
        bad[bad.length - 1]! ^= 1
        await (dix as unknown as Level<string, Uint8Array>).put(k, bad)
      }
    })
    ;({ node, lines } = await open(dir))
    expect(lines.join('\n')).toMatch(/document index damaged \(index record d\/\S+ does not open\): rebuilding it/)
    expect(await seen(node)).toEqual(want)
    await node.stop()

    // One record deleted: the count written with the index does not match.
    await editIndex(dir, async dix => {
      for await (const k of (dix as unknown as Level<string, Uint8Array>).keys({ gt: 'd/', limit: 1 }))
        await (dix as unknown as Level<string, Uint8Array>).del(k)
    })
    ;({ node, lines } = await open(dir))
    expect(lines.join('\n')).toMatch(/document index damaged \(25 records where 26 were written\): rebuilding it/)
    expect(await seen(node)).toEqual(want)
    await node.stop()

    // After a rebuild it is whole again.
    ;({ node, lines } = await open(dir))
    expect(lines.join('\n')).toMatch(/document index: 26 documents restored/)
    expect(await seen(node)).toEqual(want)
    await node.stop()
  }, 240_000)

  it('seeded: registrations, encounters, referrals, erasures and restarts with index writes lost at random restore what a full read shows', async () => {
    const seed = Number(process.env.PAGDANDI_TEST_SEED ?? Date.now() % 1_000_000)
    console.log(`document index seed ${seed} (replay with PAGDANDI_TEST_SEED=${seed})`)
    const rng = new Prng(seed)
    const dir = await network()
    // A power cut loses the index batches written after some point (LevelDB keeps a prefix).
    let lose = false
    const lossy = async (d: string): Promise<NodeStore> => {
      const store = await openStore(d)
      const write = store.writeIndex!.bind(store)
      store.writeIndex = async (puts, dels, clear) => {
        if (!lose) await write(puts, dels, clear)
      }
      return store
    }
    let { node } = await open(dir, lossy)
    const ids: PatientId[] = []
    let restarts = 0
    let lossyRestarts = 0
    for (let step = 0; step < 40; step++) {
      const r = rng.next()
      const some = ids.length === 0 ? undefined : ids[rng.int(0, ids.length - 1)]!
      if (r < 0.35 || some === undefined) {
        const name = `${NAMES[rng.int(0, NAMES.length - 1)]!}`
        ids.push((await node.patients.register(registration({ name, uhid: `CHC-${step}` }))).patientId)
      } else if (r < 0.55) await node.patients.addEncounter(some, { complaints: [`complaint ${step}`] })
      else if (r < 0.65) await node.referrals.create(some, referral())
      else if (r < 0.7) {
        await node.erasure.erase(some)
        ids.splice(ids.indexOf(some), 1)
      } else if (r < 0.8) lose = true
      else if (r < 0.9) {
        await node.stop()
        restarts++
        if (lose) lossyRestarts++
        lose = false
        const want = await fullRead(dir)
        ;({ node } = await open(dir, lossy))
        expect(await seen(node), `seed ${seed}, step ${step}`).toEqual(want)
      } else await node.patients.seed(rng.int(1, 4), step)
    }
    await node.stop()
    lose = false
    const want = await fullRead(dir)
    ;({ node } = await open(dir, lossy))
    expect(await seen(node), `seed ${seed}, at the end`).toEqual(want)
    await node.stop()
    console.log(`${restarts} restarts compared, ${lossyRestarts} after lost index writes`)
  }, 600_000)
})
