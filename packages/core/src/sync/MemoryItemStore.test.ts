import { itemStoreConformance } from '../testing/itemStoreConformance.js'
import { MemoryItemStore } from './MemoryItemStore.js'

itemStoreConformance('MemoryItemStore', async inspect => ({
  store: new MemoryItemStore(inspect),
  close: async () => {}
}))
