/**
 * Who may do what at a facility: the staff roles, the actions the node checks on every HTTP route
 * and every `/sync` change, and the one matrix between them (docs/ROLES.md). The node enforces it;
 * the UI reads the same table to hide what a role may not do.
 */

/** A staff member's role at the facility. */
export type Role =
  'registration-clerk' | 'nurse' | 'medical-officer' | 'lab-technician' | 'pharmacist' | 'facility-admin'

/** Every role, in the order docs and screens list them. */
export const ROLES: readonly Role[] = [
  'registration-clerk',
  'nurse',
  'medical-officer',
  'lab-technician',
  'pharmacist',
  'facility-admin'
]

/**
 * What a request or a `/sync` change does. Reading a record is one action; each kind of clinical
 * entry is its own action, so a `/sync` change maps onto the parts of the document it touches.
 */
export type Action =
  | 'status.view'
  | 'roster.view'
  | 'roster.update'
  | 'patient.search'
  | 'patient.register'
  | 'patient.view'
  | 'demographics.edit'
  | 'patient.merge'
  | 'encounter.open'
  | 'vitals.record'
  | 'allergy.record'
  | 'diagnosis.record'
  | 'prescription.write'
  | 'lab.order'
  | 'lab.result'
  | 'dispensing.record'
  | 'referral.view'
  | 'referral.create'
  | 'referral.advance'
  | 'conflict.resolve'
  | 'patient.export'
  | 'patient.import'
  | 'patient.erase'
  | 'card.print'
  | 'card.open'
  | 'card.revoke'
  | 'staff.manage'
  | 'audit.view'

const CLERK: Role = 'registration-clerk'
const NURSE: Role = 'nurse'
const MO: Role = 'medical-officer'
const LAB: Role = 'lab-technician'
const PHARM: Role = 'pharmacist'
const ADMIN: Role = 'facility-admin'

/**
 * The matrix: the roles allowed each action. Anything not listed is refused. Reading is open to
 * every role because each needs the chart for its own entries; writing is split by who is
 * accountable for the entry (a clerk registers, a medical officer diagnoses, a lab technician
 * reports results). The admin runs the facility (staff, roster, export, erasure) and writes no
 * clinical entries.
 */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  'status.view': ROLES,
  'roster.view': ROLES,
  'roster.update': [ADMIN],
  'patient.search': ROLES,
  'patient.register': [CLERK, NURSE, MO],
  'patient.view': ROLES,
  'demographics.edit': [CLERK, NURSE, MO],
  // Merging two records joins two histories: the desk that keeps the register, or the doctor who
  // knows the patient, answers for it (an unmerge undoes it).
  'patient.merge': [CLERK, MO],
  'encounter.open': [CLERK, NURSE, MO],
  'vitals.record': [NURSE, MO],
  'allergy.record': [NURSE, MO],
  'diagnosis.record': [MO],
  'prescription.write': [MO],
  'lab.order': [MO],
  'lab.result': [LAB],
  'dispensing.record': [NURSE, PHARM],
  'referral.view': [CLERK, NURSE, MO, ADMIN],
  'referral.create': [MO],
  'referral.advance': [MO],
  'conflict.resolve': [MO],
  'patient.export': [ADMIN],
  // A record a patient brings on a phone is read and merged at the desk by the doctor who sees them.
  'patient.import': [MO, ADMIN],
  'patient.erase': [ADMIN],
  // The health card (docs/PROTOCOL.md, "Health card"): printed and scanned at the desk (and by the
  // admin, who runs the desk's printer and the command line); a lost card is revoked by the doctor
  // or the admin (it rotates the record's key). None of them writes a clinical entry.
  'card.print': [CLERK, NURSE, MO, ADMIN],
  'card.open': [CLERK, NURSE, MO, ADMIN],
  'card.revoke': [MO, ADMIN],
  'staff.manage': [ADMIN],
  'audit.view': [ADMIN]
}

/** Every action, in the matrix's order. */
export const ACTIONS: readonly Action[] = Object.keys(PERMISSIONS) as Action[]

/** Whether `role` may do `action`. */
export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[action].includes(role)
}

/** Whether a value is one of the roles (for input from files, HTTP bodies and the command line). */
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v)
}

/**
 * Roles whose entries carry a practitioner's HPR id. A medical officer and a nurse must have one
 * (their entries are what a receiving facility shows as "Dr. X"); a lab technician and a pharmacist
 * may (HPR registers allied professionals only in part); a clerk and an admin write no clinical
 * entries and have none.
 */
export function hprRule(role: Role): 'required' | 'optional' | 'none' {
  if (role === MO || role === NURSE) return 'required'
  if (role === LAB || role === PHARM) return 'optional'
  return 'none'
}

/** Role names as staff read them, in English and Hindi. */
export const ROLE_LABELS: Readonly<Record<Role, { en: string; hi: string }>> = {
  'registration-clerk': { en: 'Registration clerk', hi: 'पंजीयन लिपिक' },
  nurse: { en: 'Nurse', hi: 'नर्स' },
  'medical-officer': { en: 'Medical officer', hi: 'चिकित्सा अधिकारी' },
  'lab-technician': { en: 'Lab technician', hi: 'लैब तकनीशियन' },
  pharmacist: { en: 'Pharmacist', hi: 'फार्मासिस्ट' },
  'facility-admin': { en: 'Facility admin', hi: 'संस्था प्रशासक' }
}
