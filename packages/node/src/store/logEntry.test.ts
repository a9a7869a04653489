/**
 * Log entries carry their header (schema 3, logEntry.ts): reading the log recomputes no item id,
 * yet a damaged entry is still found (its CRC at every read, its id recomputed at open and in
 * recovery), and entries written by schema 2 still read.
 */
import { join } from 'node:path'
import { Level } from 'level'
import { describe, expect, it } from 'vitest'
import type { InspectItem } from '@pagdandi/core/sync'
import { inspectTestItem, makeTestItem, verifyTestItem } from '@pagdandi/core/testing'
import { tempDir } from '../testing/fixtures.js'
import { LevelItemStore } from './LevelItemStore.js'
import { recoverStore } from './recoverStore.js'

const item = (n: number): Uint8Array =>
  makeTestItem({ docId: `doc-${n % 4}`, author: 'IN2210000001', payload: new Uint8Array([n, n >> 8, 9]) })

/** An inspector that counts its calls (each one is a hash of the item). */
function counting(): { inspect: InspectItem; calls: () => number } {
  let calls = 0
  return {
    inspect: bytes => {
      calls++
      return inspectTestItem(bytes)
    },
    calls: () => calls
  }
}

async function storeWith(n: number): Promise<string> {
  const dir = join(await tempDir('pagdandi-logentry-'), 'items')
  const store = await LevelItemStore.open(dir, inspectTestItem)
  await store.putItems(
    Array.from({ length: n }, (_, i) => item(i + 1)),
    { from: 'IN2210000002' as never }
  )
  await store.close()
  return dir
}

/** Rewrites one raw log entry (as a damaged disk or a hostile hand would). */
async function rewriteLog(dir: string, seq: string, edit: (v: Uint8Array) => Uint8Array): Promise<void> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
  const log = db.sublevel<string, Uint8Array>('log', { keyEncoding: 'utf8', valueEncoding: 'view' })
  const value = await log.get(seq)
  await log.put(seq, edit(new Uint8Array(value!)))
  await db.close()
}

const seqKey = (n: number): string => String(n).padStart(15, '0')

describe('log entries with their header (schema 3)', () => {
  it('reading the log and a document recomputes no item id, and gives what was stored', async () => {
    const dir = await storeWith(40)
    const { inspect, calls } = counting()
    const store = await LevelItemStore.open(dir, inspect)
    const atOpen = calls() // the full check of the last entry
    expect(atOpen).toBe(1)
    const log = await store.logSince(0, 100)
    const doc = await store.itemsForDoc('doc-1' as never)
    expect(calls()).toBe(atOpen)
    expect(log).toHaveLength(40)
    for (const it of log) {
      expect({ ...inspectTestItem(it.bytes), seq: it.seq, bytes: it.bytes, from: 'IN2210000002' }).toEqual(it)
    }
    expect(doc.map(i => i.seq)).toEqual([1, 5, 9, 13, 17, 21, 25, 29, 33, 37])
    await store.close()
  })

  it('a damaged entry fails its checksum at read (StoreCorruptError), never serving altered bytes', async () => {
    const dir = await storeWith(10)
    await rewriteLog(dir, seqKey(3), v => {
      v[v.length - 5]! ^= 0x01 // one bit of the item bytes
      return v
    })
    const store = await LevelItemStore.open(dir, inspectTestItem)
    await expect(store.logSince(0, 100)).rejects.toMatchObject({ name: 'StoreCorruptError' })
    await expect(store.itemsForDoc('doc-3' as never)).rejects.toThrow(/log entry 0+3 fails its checksum/)
    await store.close()
  })

  it('an entry whose stored id is not its bytes is found at open (the last entry) and dropped by recovery', async () => {
    const dir = await storeWith(10)
    // A consistent entry (valid CRC) claiming the id of another item: only rehashing finds it.
    const other = item(99)
    const { id } = inspectTestItem(other)
    const forge = async (seq: number): Promise<void> => {
      const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
      const log = db.sublevel<string, Uint8Array>('log', { keyEncoding: 'utf8', valueEncoding: 'view' })
      const { encodeLogEntry } = await import('./logEntry.js')
      const real = inspectTestItem(item(seq))
      await log.put(seqKey(seq), encodeLogEntry({ ...real, id, bytes: item(seq) }))
      await db.close()
    }
    await forge(10)
    await expect(LevelItemStore.open(dir, inspectTestItem)).rejects.toMatchObject({ name: 'StoreDamagedError' })
    await expect(LevelItemStore.open(dir, inspectTestItem)).rejects.toThrow(/does not hash to its stored id/)
    const report = await recoverStore(dir, { inspect: inspectTestItem, verify: verifyTestItem })
    expect(report).toMatchObject({ kept: 9, dropped: 1 })
    const store = await LevelItemStore.open(dir, inspectTestItem)
    expect(await store.hasItems([id, inspectTestItem(item(10)).id])).toEqual([false, false])
    await store.close()
  })

  it('reads entries written by schema 2 (sender-length, sender, bytes), inspecting them', async () => {
    const dir = await storeWith(5)
    const from = new TextEncoder().encode('IN2210000002')
    await rewriteLog(dir, seqKey(2), () => {
      const v2 = new Uint8Array(1 + from.length + item(2).length)
      v2[0] = from.length
      v2.set(from, 1)
      v2.set(item(2), 1 + from.length)
      return v2
    })
    const store = await LevelItemStore.open(dir, inspectTestItem)
    const [entry] = await store.logSince(1, 1)
    expect(entry).toEqual({ ...inspectTestItem(item(2)), seq: 2, bytes: item(2), from: 'IN2210000002' })
    await store.close()
  })
})
