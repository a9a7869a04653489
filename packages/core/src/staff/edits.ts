/**
 * The bridge between what a change to a patient document wrote (core/record `checkEdit` kinds)
 * and the role matrix: the action each kind of entry needs, and the author a signed-in session
 * puts on the entries it writes. The node holds every `/sync` change against it; the UI uses the
 * same table to show only what a role may do.
 */
import type { EditKind } from '../record/edit.js'
import type { Author } from '../record/types.js'
import { can, type Action, type Role } from './roles.js'
import type { StaffSession } from './session.js'

/** The action each kind of write needs. */
export const EDIT_ACTIONS: Readonly<Record<EditKind, Action>> = {
  demographics: 'demographics.edit',
  identifiers: 'demographics.edit',
  duplicate: 'demographics.edit',
  encounter: 'encounter.open',
  vitals: 'vitals.record',
  diagnosis: 'diagnosis.record',
  prescription: 'prescription.write',
  'lab-order': 'lab.order',
  'lab-result': 'lab.result',
  dispensing: 'dispensing.record',
  allergy: 'allergy.record',
  alert: 'allergy.record',
  referral: 'referral.create',
  'referral-status': 'referral.advance',
  'care-summary': 'referral.advance',
  resolution: 'conflict.resolve',
  merge: 'patient.merge'
}

/** The first action among `kinds` that `role` may not do, or undefined when it may do them all. */
export function forbiddenEdit(role: Role, kinds: readonly EditKind[]): Action | undefined {
  for (const k of kinds) if (!can(role, EDIT_ACTIONS[k])) return EDIT_ACTIONS[k]
  return undefined
}

/** The author a session's entries carry (ChangeContext.by). */
export function authorOf(session: StaffSession): Author {
  const a: Author = { staffId: session.staffId, name: session.name, role: session.role }
  if (session.hprId !== undefined) a.hprId = session.hprId
  return a
}
