import { rm } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { inspectTestItem, itemStoreConformance, makeTestItem } from '@pagdandi/core/testing'
import { tempDir } from '../testing/tempDirs.js'
import { LevelItemStore } from './LevelItemStore.js'

itemStoreConformance('LevelItemStore', async inspect => {
  const dir = await tempDir('pagdandi-store-')
  let store = await LevelItemStore.open(dir, inspect)
  return {
    store,
    reopen: async () => {
      await store.close()
      store = await LevelItemStore.open(dir, inspect)
      return store
    },
    close: async () => {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
})

describe('LevelItemStore', () => {
  it('keeps node metadata durably in its own key space', async () => {
    const dir = await tempDir('pagdandi-store-')
    const store = await LevelItemStore.open(dir, inspectTestItem)
    await store.putKv('keyring', new Uint8Array([1, 2, 3]))
    await store.putItems([makeTestItem({ docId: 'd', author: 'IN2210000001', payload: new Uint8Array([1]) })])
    await store.close()
    const again = await LevelItemStore.open(dir, inspectTestItem)
    expect(await again.getKv('keyring')).toEqual(new Uint8Array([1, 2, 3]))
    expect(await again.getKv('missing')).toBeUndefined()
    expect(await again.lastSeq()).toBe(1)
    await again.close()
  })

  it('refuses use after close with StoreClosedError', async () => {
    const dir = await tempDir('pagdandi-store-')
    const store = await LevelItemStore.open(dir, inspectTestItem)
    await store.close()
    await expect(store.lastSeq()).rejects.toMatchObject({ name: 'StoreClosedError' })
  })
})
