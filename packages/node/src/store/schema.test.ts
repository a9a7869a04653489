/**
 * Store schema versions (docs/PROTOCOL.md, "Item store layout"): an older layout is migrated at
 * open, a newer or unknown one is refused by name. The v1 store here is written key by key as
 * v1 wrote it (no `schema`, `seqFloor` after an erasure); the golden corpus is a real one.
 */
import { join } from 'node:path'
import { Level } from 'level'
import { describe, expect, it } from 'vitest'
import { emptyFingerprint, itemFingerprint, xorInto, type ItemId } from '@pagdandi/core/sync'
import { inspectTestItem, makeTestItem } from '@pagdandi/core/testing'
import { tempDir } from '../testing/fixtures.js'
import { LevelItemStore } from './LevelItemStore.js'
import { STORE_SCHEMA } from './schema.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

/** Writes a v1 store: three items of one document at seqs 1–3, and a seqFloor of 5 (an erasure). */
async function writeV1(dir: string): Promise<ItemId[]> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
  const sub = (name: string) => db.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' })
  const fp = emptyFingerprint()
  const ids: ItemId[] = []
  for (let seq = 1; seq <= 3; seq++) {
    const bytes = makeTestItem({ docId: 'doc-a', author: 'IN2210000001', payload: new Uint8Array([seq]) })
    const { id } = inspectTestItem(bytes)
    ids.push(id)
    const key = String(seq).padStart(15, '0')
    await sub('log').put(key, new Uint8Array([0, ...bytes]))
    await sub('id').put(id, enc.encode(String(seq)))
    await sub('doc').put(`doc-a\u0000${key}`, new Uint8Array(0))
    xorInto(fp, itemFingerprint(id))
  }
  await sub('fp').put('doc-a', new Uint8Array([...fp, 0, 0, 0, 3]))
  await sub('meta').put('epoch', new Uint8Array(16).fill(9))
  await sub('meta').put('seqFloor', enc.encode('5'))
  await db.close()
  return ids
}

async function metaOf(dir: string, key: string): Promise<string | undefined> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
  const v = await db.sublevel<string, Uint8Array>('meta', { keyEncoding: 'utf8', valueEncoding: 'view' }).get(key)
  await db.close()
  return v === undefined ? undefined : dec.decode(v)
}

describe('store schema', () => {
  it('migrates a v1 store: items kept, log positions never reused, the version recorded', async () => {
    const dir = join(await tempDir('pagdandi-schema-'), 'items')
    const ids = await writeV1(dir)
    const store = await LevelItemStore.open(dir, inspectTestItem)
    expect(await store.hasItems(ids)).toEqual([true, true, true])
    expect((await store.itemsForDoc('doc-a' as never)).map(i => i.seq)).toEqual([1, 2, 3])
    expect(await store.epoch()).toEqual(new Uint8Array(16).fill(9))
    // Position 4 and 5 were used by an erased document in v1: the next item is 6.
    expect(await store.lastSeq()).toBe(5)
    const [fresh] = await store.putItems([
      makeTestItem({ docId: 'doc-b', author: 'IN2210000001', payload: new Uint8Array([9]) })
    ])
    expect(fresh!.seq).toBe(6)
    await store.close()
    expect(await metaOf(dir, 'schema')).toBe(String(STORE_SCHEMA))
    expect(await metaOf(dir, 'seqFloor')).toBeUndefined()
    // A second open finds v2 and changes nothing.
    const again = await LevelItemStore.open(dir, inspectTestItem)
    expect(await again.lastSeq()).toBe(6)
    await again.close()
  })

  it('refuses a store of a newer or unknown schema by name, and leaves it as it was', async () => {
    for (const found of [String(STORE_SCHEMA + 1), 'v2-beta']) {
      const dir = join(await tempDir('pagdandi-schema-'), 'items')
      const store = await LevelItemStore.open(dir, inspectTestItem)
      await store.close()
      const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
      await db
        .sublevel<string, Uint8Array>('meta', { keyEncoding: 'utf8', valueEncoding: 'view' })
        .put('schema', enc.encode(found))
      await db.close()
      await expect(LevelItemStore.open(dir, inspectTestItem)).rejects.toMatchObject({ name: 'StoreSchemaError' })
      expect(await metaOf(dir, 'schema')).toBe(found)
    }
  })
})
