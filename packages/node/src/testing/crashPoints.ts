/**
 * Crash points: a realistic write workload on a real LevelDB under `FaultyLevel`, with the power
 * cut at one chosen write; after the cut the store is reopened and checked (Invariants 2, 3, 10):
 * nothing acknowledged is lost, no cursor is ahead of durable data, and the store opens.
 *
 * The workload's items are real sealed items of two synthetic facilities (core/synth through a
 * real node): registrations (a self-grant and the first change in one batch), encounters (one
 * change), batches received from the DH with the cursor of its log advanced in the same batch,
 * mark-only cursor advances, and node bookkeeping (`putKv`).
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { addEncounter, type FacilityId, type PatientDoc } from '@pagdandi/core/record'
import type { InspectItem, ItemId, StoredItem } from '@pagdandi/core/sync'
import { Prng } from '@pagdandi/core/testing'
import { FacilityNode } from '../FacilityNode.js'
import { itemInspector } from '../keyring/inspect.js'
import type { NodeStore } from '../ports.js'
import { FaultyLevel, PowerLossError } from '../store/FaultyLevel.js'
import { LevelItemStore } from '../store/LevelItemStore.js'
import { TEST_SECRET, makeNetwork, memoryStore, tempDir } from './fixtures.js'

const CHC = 'IN2210000101' as FacilityId
const DH = 'IN2210000001' as FacilityId

/** The sealed items a workload draws from. */
export interface ItemPool {
  /** Per patient registered at the CHC: its grant and first change (one batch), then one encounter. */
  registrations: { batch: Uint8Array[]; encounter: Uint8Array }[]
  /** The DH's log, in its order (seq = index + 1). */
  peerLog: Uint8Array[]
  peerEpoch: Uint8Array
}

async function itemsOf(store: NodeStore): Promise<StoredItem[]> {
  return await store.logSince(0, 1_000_000)
}

/** Builds the pool once: `patients` synthetic patients at the CHC and at the DH. */
export async function makeItemPool(patients: number, seed: number): Promise<ItemPool> {
  const root = await tempDir('pagdandi-crash-pool-')
  const { dirs } = await makeNetwork(root, [
    { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
    { facility: DH, name: 'DH Jagdalpur', kind: 'DH' }
  ])
  const stores: NodeStore[] = []
  const open = async (data: string): Promise<FacilityNode> =>
    await FacilityNode.open({
      data,
      secret: TEST_SECRET,
      http: false,
      openStore: async () => {
        const s = await memoryStore()
        stores.push(s)
        return s
      }
    })
  const chc = await open(dirs[0]!)
  const ids = await chc.patients.seed(patients, seed)
  const before = (await itemsOf(stores[0]!)).length
  for (const id of ids) {
    await chc.documents.change<PatientDoc>(id, d => {
      addEncounter(d, { complaints: ['fever for 3 days'] }, { facility: CHC, at: '2026-12-01T10:00:00.000Z' })
    })
  }
  const all = await itemsOf(stores[0]!)
  const byDoc = new Map<string, Uint8Array[]>()
  for (const it of all.slice(0, before)) byDoc.set(it.docId, [...(byDoc.get(it.docId) ?? []), it.bytes])
  const encounters = new Map(all.slice(before).map(it => [it.docId as string, it.bytes]))
  const registrations = ids.map(id => ({ batch: byDoc.get(id)!, encounter: encounters.get(id)! }))
  await chc.stop()
  const dh = await open(dirs[1]!)
  await dh.patients.seed(patients, seed + 1)
  const peerLog = (await itemsOf(stores[1]!)).map(i => i.bytes)
  const peerEpoch = await stores[1]!.epoch()
  await dh.stop()
  await rm(root, { recursive: true, force: true })
  return { registrations, peerLog, peerEpoch }
}

/** One operation of a workload, as the node would make it. */
type Op =
  | { kind: 'register'; patient: number }
  | { kind: 'encounter'; patient: number }
  | { kind: 'receive'; from: number; to: number }
  | { kind: 'mark'; to: number }
  | { kind: 'meta'; key: string; value: number }

/** A seeded workload over the pool: `length` operations in an order a CHC could see them. */
export function workload(pool: ItemPool, rng: Prng, length: number): Op[] {
  const ops: Op[] = []
  let registered = 0
  let received = 0
  for (let i = 0; i < length; i++) {
    const kind = rng.weighted<Op['kind']>([
      ['register', registered < pool.registrations.length ? 4 : 0],
      ['encounter', registered > 0 ? 3 : 0],
      ['receive', received < pool.peerLog.length ? 3 : 0],
      ['mark', received > 0 ? 1 : 0],
      ['meta', 1]
    ])
    if (kind === 'register') ops.push({ kind, patient: registered++ })
    else if (kind === 'encounter') ops.push({ kind, patient: rng.int(0, registered - 1) })
    else if (kind === 'receive') {
      const to = Math.min(pool.peerLog.length, received + rng.int(1, 8))
      ops.push({ kind, from: received, to })
      received = to
    } else if (kind === 'mark') ops.push({ kind, to: received })
    else ops.push({ kind, key: `referral-seq/r${rng.int(0, 5)}`, value: i })
  }
  return ops
}

/** What one crash point found. */
export interface CrashPointResult {
  seed: number
  /** The write at which the power went (1-based), and how many the workload would have made. */
  crashAt: number
  writes: number
  /** Acknowledged items, cursors and meta values checked after the reopen. */
  acknowledged: number
  failures: string[]
}

/** The store latches on the cut like on any failed write; its fault's causes name the power loss. */
function isPowerLoss(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if (e instanceof PowerLossError) return true
  return false
}

const enc = new TextEncoder()
const dec = new TextDecoder()

/** Runs the workload of `seed` with the power cut at write `crashAt` (or after it, if beyond). */
export async function runCrashPoint(
  pool: ItemPool,
  seed: number,
  opts: { dir: string; length?: number; inspect?: InspectItem; crashAt?: number }
): Promise<CrashPointResult> {
  const rng = new Prng(seed)
  const ops = workload(pool, rng, opts.length ?? 40)
  // One write to create the store, then one per operation (no operation here is all duplicates).
  const crashAt = opts.crashAt ?? rng.int(1, ops.length + 2)
  const inspect = opts.inspect ?? itemInspector()
  const dir = join(opts.dir, `point-${seed}`)
  let disk: FaultyLevel | undefined
  const failures: string[] = []
  const ackedItems: ItemId[] = []
  const ackedMeta = new Map<string, number>()
  let ackedCursor = 0
  let store: LevelItemStore | undefined
  try {
    store = await LevelItemStore.open(dir, inspect, {
      level: d => {
        disk = new FaultyLevel(d)
        disk.crashAtWrite = crashAt
        return disk
      }
    })
    for (const op of ops) {
      if (op.kind === 'register' || op.kind === 'encounter') {
        const r = pool.registrations[op.patient]!
        const batch = op.kind === 'register' ? r.batch : [r.encounter]
        await store.putItems(batch)
        ackedItems.push(...batch.map(b => inspect(b).id))
      } else if (op.kind === 'receive') {
        const batch = pool.peerLog.slice(op.from, op.to)
        const cursor = { peer: DH, cursor: { seq: op.to, token: pool.peerEpoch } }
        await store.putItems(batch, { from: DH, cursor })
        ackedItems.push(...batch.map(b => inspect(b).id))
        ackedCursor = op.to
      } else if (op.kind === 'mark') {
        await store.setCursor(DH, { seq: op.to, token: pool.peerEpoch })
        ackedCursor = op.to
      } else {
        await store.putKv(op.key, enc.encode(String(op.value)))
        ackedMeta.set(op.key, op.value)
      }
    }
  } catch (err) {
    if (!isPowerLoss(err)) failures.push(`workload failed: ${(err as Error).name}: ${(err as Error).message}`)
  }
  const writes = disk?.writes ?? 0
  await disk?.powerCut()
  await (store?.close() ?? disk?.close())

  try {
    const after = await LevelItemStore.open(dir, inspect)
    try {
      const present = await after.hasItems(ackedItems)
      present.forEach((ok, i) => {
        if (!ok) failures.push(`acknowledged item ${ackedItems[i]} lost`)
      })
      const cursor = (await after.getCursor(DH))?.seq ?? 0
      if (cursor < ackedCursor) failures.push(`acknowledged cursor ${ackedCursor} went back to ${cursor}`)
      const upTo = pool.peerLog.slice(0, cursor).map(b => inspect(b).id)
      const held = await after.hasItems(upTo)
      const missing = held.findIndex(ok => !ok)
      if (missing >= 0) failures.push(`cursor ${cursor} is ahead of durable data: peer item ${missing + 1} missing`)
      for (const [key, value] of ackedMeta) {
        const raw = await after.getKv(key)
        if (raw === undefined || Number(dec.decode(raw)) < value) failures.push(`acknowledged meta ${key} lost`)
      }
      const log = await after.logSince(0, 1_000_000)
      if (log.length !== (await after.lastSeq()))
        failures.push(`log holds ${log.length} of ${await after.lastSeq()} positions`)
    } finally {
      await after.close()
    }
  } catch (err) {
    failures.push(`reopen failed: ${(err as Error).name}: ${(err as Error).message}`)
  }
  await rm(dir, { recursive: true, force: true })
  await rm(`${dir}.DAMAGED.json`, { force: true })
  return {
    seed,
    crashAt,
    writes,
    acknowledged: ackedItems.length + ackedMeta.size + (ackedCursor > 0 ? 1 : 0),
    failures
  }
}
