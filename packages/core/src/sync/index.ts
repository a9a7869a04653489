/**
 * @pagdandi/core/sync: sans-I/O replication of sealed items between facilities. A frame codec with
 * full validation, the session state machine and its driver, range-based repair, the `ItemStore`
 * port and an in-memory store. See docs/PROTOCOL.md, "Sync protocol".
 */
export * from './constants.js'
export * from './errors.js'
export type * from './types.js'
export type { Clock, Random } from './clock.js'
export { decodeFrame, encodeFrame, FrameType } from './frames.js'
export type * from './frames.js'
export { cursorToken, docFingerprint, emptyFingerprint, itemFingerprint, logChain, xorInto } from './fingerprint.js'
export { compareSummary, SummarySnapshot } from './reconcile.js'
export { initialState, step } from './sessionMachine.js'
export type { Queued, SessionAction, SessionEvent, SessionState } from './sessionMachine.js'
export { SyncSession } from './SyncSession.js'
export type { FrameChannel, SessionStatus, SyncSessionOptions } from './SyncSession.js'
export { MemoryItemStore } from './MemoryItemStore.js'
export { AwaitingGrantError, DEFAULT_GRANT_WAIT, GrantWait, NotEntitledError } from './GrantWait.js'
export type { GrantWaitLimits, HoldResult, Waiting } from './GrantWait.js'
