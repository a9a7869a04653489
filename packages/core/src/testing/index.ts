/** Test helpers shared across packages: seeded PRNG, simulated network, conformance suites. */
export { Prng } from './prng.js'
export { ManualClock } from './ManualClock.js'
export { CALM, DEAD_LINK_MS, SimNetwork, randomPayload } from './SimNetwork.js'
export type { SimFaults, SimNetworkOptions, SimNodeView, SimObserver } from './SimNetwork.js'
export { SimStore } from './SimStore.js'
export type { SimStoreHooks, WriteFate } from './SimStore.js'
export { SimChecker } from './SimChecker.js'
export type { EntitlementModel, Violation } from './SimChecker.js'
export {
  SIM_FACILITIES,
  SIM_FAULTS,
  grantModel,
  holders,
  quiescenceViolations,
  runScenario,
  runSeeds
} from './simScenario.js'
export type { ScenarioOptions, ScenarioResult, SeedsSummary } from './simScenario.js'
export * from './errors.js'
export { itemStoreConformance } from './itemStoreConformance.js'
export type { StoreHarness } from './itemStoreConformance.js'
export { inspectTestItem, makeTestItem, verifyTestItem } from './testItems.js'
export type { TestItemInput } from './testItems.js'
export { testSeed } from './seed.js'
export { sealBomb, sealHostilePayload, sealRawChange } from './hostileItems.js'
