/** Every fuzz target, in the order `pnpm fuzz` runs them. */
import type { AnyTarget } from '../harness.js'
import { codecTargets } from './codecs.js'
import { fhirTarget } from './fhir.js'
import { httpTarget } from './http.js'
import { sessionDriverTarget, sessionTarget } from './session.js'
import { storedTarget } from './stored.js'

/** All targets. */
export const targets: AnyTarget[] = [
  ...codecTargets,
  sessionTarget,
  sessionDriverTarget,
  fhirTarget,
  httpTarget,
  storedTarget
]
