/** Every `pagdandi` subcommand, in the order `--help` lists them. */
import type { Command } from '../command.js'
import { exportBundle, fhir, importBundle } from './carry.js'
import { card } from './card.js'
import { erasure, share } from './consent.js'
import { encounter } from './encounter.js'
import { erase, patient, refer, seed } from './records.js'
import { quarantine, start, status } from './run.js'
import { init, roster } from './setup.js'
import { audit, staff, tls } from './staff.js'
import { store } from './store.js'

/** The command table. */
export const COMMANDS: Command[] = [
  init,
  roster,
  staff,
  audit,
  tls,
  start,
  status,
  quarantine,
  patient,
  encounter,
  refer,
  seed,
  erase,
  card,
  share,
  erasure,
  exportBundle,
  importBundle,
  fhir,
  store
]
