/**
 * Automerge and automerge-repo's CBOR as the node links them, for harnesses outside the package
 * (test/fuzz, whose workspace root does not depend on them) that build browser messages.
 */
export * as A from '@automerge/automerge'
export { cbor } from '@automerge/automerge-repo'
export type { DocHandle, PeerId } from '@automerge/automerge-repo'
