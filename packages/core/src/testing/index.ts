/** Test helpers shared across packages: seeded PRNG, simulated network, conformance suites. */
export { Prng } from './prng.js'
export { SimNetwork, randomPayload } from './SimNetwork.js'
export type { SimFaults } from './SimNetwork.js'
export { itemStoreConformance } from './itemStoreConformance.js'
export type { StoreHarness } from './itemStoreConformance.js'
export { inspectTestItem, makeTestItem, verifyTestItem } from './testItems.js'
export type { TestItemInput } from './testItems.js'
export { testSeed } from './seed.js'
