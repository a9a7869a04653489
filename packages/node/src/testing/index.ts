/** Test and bench helpers (`@pagdandi/node/testing`): facilities on loopback and what a hostile member sends. Never used by the node itself. */
export { TEST_SECRET, anaemiaReferral, loopbackAddress, makeNetwork, registration, tempDir } from './fixtures.js'
export { NOT_AUTOMERGE, attackerSealer, poisonedDocument } from './hostile.js'
export { pushItems } from './pushItems.js'
