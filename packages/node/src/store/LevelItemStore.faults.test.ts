/**
 * Storage faults under a real LevelDB (Invariants 2 and 10): a write error latches the store, a
 * power cut loses nothing acknowledged, damage found at open is refused by name and kept.
 */
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Level } from 'level'
import { describe, expect, it } from 'vitest'
import type { ItemId } from '@pagdandi/core/sync'
import { inspectTestItem, makeTestItem } from '@pagdandi/core/testing'
import { tempDir } from '../testing/fixtures.js'
import { FaultyLevel, levelIoError } from './FaultyLevel.js'
import { LevelItemStore } from './LevelItemStore.js'

const item = (n: number, docId = `doc-${n % 3}`): Uint8Array =>
  makeTestItem({ docId, author: 'IN2210000001', payload: new Uint8Array([n, n >> 8, 7]) })
const idOf = (bytes: Uint8Array): ItemId => inspectTestItem(bytes).id

async function withFaulty(): Promise<{ dir: string; disk: FaultyLevel; store: LevelItemStore }> {
  const dir = join(await tempDir('pagdandi-faults-'), 'items')
  let disk: FaultyLevel | undefined
  const store = await LevelItemStore.open(dir, inspectTestItem, {
    level: d => (disk = new FaultyLevel(d))
  })
  return { dir, disk: disk!, store }
}

describe('LevelItemStore storage faults', () => {
  it('after one failed write refuses every later write with StoreFaultedError naming the cause, until reopened', async () => {
    const { dir, disk, store } = await withFaulty()
    await store.putItems([item(1)])
    disk.failWith = levelIoError('Input/output error')
    await expect(store.putItems([item(2)])).rejects.toMatchObject({ name: 'StoreFaultedError', fault: 'io-error' })
    // The disk works again, but nothing written after a failure is trusted until a reopen checks it.
    disk.failWith = undefined
    await expect(store.putItems([item(3)])).rejects.toMatchObject({ name: 'StoreFaultedError', status: 503 })
    await expect(store.putKv('k', new Uint8Array([1]))).rejects.toMatchObject({ name: 'StoreFaultedError' })
    await expect(store.setCursor('IN2210000002' as never, { seq: 1, token: new Uint8Array(16) })).rejects.toMatchObject(
      {
        name: 'StoreFaultedError'
      }
    )
    expect(disk.writes).toBe(3) // only the failed one reached the disk layer; the latch stopped the rest
    expect(store.fault()?.fault).toBe('io-error')
    expect(await store.hasItems([idOf(item(1)), idOf(item(3))])).toEqual([true, false]) // reads still work
    await store.close()
    const again = await LevelItemStore.open(dir, inspectTestItem)
    expect(again.fault()).toBeUndefined()
    await again.putItems([item(4)])
    expect(await again.hasItems([idOf(item(1)), idOf(item(2)), idOf(item(4))])).toEqual([true, false, true])
    await again.close()
  })

  it('names a full disk and a read-only disk', async () => {
    for (const [what, fault] of [
      ['No space left on device', 'disk-full'],
      ['Read-only file system', 'read-only']
    ] as const) {
      const { disk, store } = await withFaulty()
      disk.failWith = levelIoError(what)
      const err = await store.putItems([item(1)]).catch((e: unknown) => e)
      expect(err).toMatchObject({ name: 'StoreFaultedError', fault })
      expect((err as Error).message).toMatch(fault === 'disk-full' ? /disk is full/ : /read-only/)
      await store.close()
    }
  })

  it('keeps every acknowledged write across a power cut, which loses the unsynced ones', async () => {
    const { dir, disk, store } = await withFaulty()
    const acked: ItemId[] = []
    for (let n = 0; n < 20; n++) {
      await store.putItems([item(n)], n % 5 === 4 ? { from: 'IN2210000002' as never } : {})
      acked.push(idOf(item(n)))
    }
    await store.putKv('referral-seq/r1', new TextEncoder().encode('7'))
    // Control: a write LevelDB was not asked to sync is in the page cache only, and the cut loses it.
    await disk.put('unsynced-control', new Uint8Array([1]))
    expect(await disk.get('unsynced-control')).toBeDefined()
    await disk.powerCut()
    await store.close()
    const after = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
    expect(await after.get('unsynced-control')).toBeUndefined()
    await after.close()
    const again = await LevelItemStore.open(dir, inspectTestItem)
    expect((await again.hasItems(acked)).every(Boolean)).toBe(true)
    expect(await again.lastSeq()).toBe(20)
    expect(await again.getKv('referral-seq/r1')).toEqual(new TextEncoder().encode('7'))
    await again.close()
  })
})

/** Flips one byte in the middle of the store's LevelDB write-ahead log. */
async function damageLog(dir: string): Promise<void> {
  const log = (await readdir(dir)).find(f => f.endsWith('.log'))!
  const bytes = await readFile(join(dir, log))
  bytes[Math.floor(bytes.length / 3)]! ^= 0xff
  await writeFile(join(dir, log), bytes)
}

describe('LevelItemStore damaged at open', () => {
  it('refuses a store whose log LevelDB had to repair, by name, keeps the files as found, and refuses again', async () => {
    const dir = join(await tempDir('pagdandi-damage-'), 'items')
    const store = await LevelItemStore.open(dir, inspectTestItem)
    for (let n = 0; n < 40; n++) await store.putItems([item(n)])
    await store.close()
    await damageLog(dir)
    const damaged = await readFile(
      join(
        dir,
        (await readdir(dir)).find(f => f.endsWith('.log'))!
      )
    )

    const err = (await LevelItemStore.open(dir, inspectTestItem).catch((e: unknown) => e)) as {
      name: string
      keptAt: string
      message: string
    }
    expect(err).toMatchObject({ name: 'StoreDamagedError', status: 503 })
    expect(err.message).toMatch(/pagdandi store recover/)
    // The files as they were before LevelDB's repair, byte for byte.
    const kept = (await readdir(err.keptAt)).find(f => f.endsWith('.log'))!
    expect(await readFile(join(err.keptAt, kept))).toEqual(damaged)
    // LevelDB has repaired (truncated) the store by now; it still is not opened silently.
    await expect(LevelItemStore.open(dir, inspectTestItem)).rejects.toMatchObject({ name: 'StoreDamagedError' })
    await rm(join(dir, '..'), { recursive: true, force: true })
  })

  it('opens a clean store without keeping a copy', async () => {
    const dir = join(await tempDir('pagdandi-damage-'), 'items')
    const store = await LevelItemStore.open(dir, inspectTestItem)
    await store.putItems([item(1)])
    await store.close()
    const again = await LevelItemStore.open(dir, inspectTestItem)
    expect(await again.lastSeq()).toBe(1)
    await again.close()
    expect((await readdir(join(dir, '..'))).sort()).toEqual(['items'])
    await expect(stat(`${dir}.DAMAGED.json`)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
