/** Every fuzz target, in the order `pnpm fuzz` runs them. */
import type { AnyTarget } from '../harness.js'
import { codecTargets } from './codecs.js'
import { fhirTarget } from './fhir.js'
import { httpStaffTarget, httpTarget } from './http.js'
import { sessionDriverTarget, sessionTarget } from './session.js'
import { staffFilesTarget } from './staffFiles.js'
import { storedTarget } from './stored.js'
import { syncGateTarget } from './syncGate.js'

/** All targets. */
export const targets: AnyTarget[] = [
  ...codecTargets,
  sessionTarget,
  sessionDriverTarget,
  fhirTarget,
  httpTarget,
  httpStaffTarget,
  storedTarget,
  staffFilesTarget,
  syncGateTarget
]
