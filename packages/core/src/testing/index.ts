/** Test helpers shared across packages: seeded PRNG, simulated network, conformance suites. */
export { Prng } from './prng.js'
