/** The userland link emulator: profiles, outage schedules and the TCP proxy. */
export { LinkEmulator, type LinkEmulatorOptions, type LinkStats, type OutageMode } from './LinkEmulator.js'
export {
  PROFILES,
  linkProfile,
  customProfile,
  profileRttMs,
  withoutLoss,
  type LinkProfile,
  type DirectionSpec,
  type ProfileName
} from './profiles.js'
export {
  planOutages,
  intermittent,
  mergeWindows,
  downFraction,
  type OutageWindow,
  type OutageModel,
  type OutageProcess
} from './outages.js'
export { MSS, type DirectionStats } from './DirectionPipe.js'
export { UnknownLinkProfileError, LinkNotRunningError } from './errors.js'
