/** Staff roles, the permission matrix and the signed-in session shape. */
export type { Action, Role } from './roles.js'
export { ACTIONS, PERMISSIONS, ROLES, ROLE_LABELS, can, hprRule, isRole } from './roles.js'
export type { StaffId, StaffSession } from './session.js'
export { EDIT_ACTIONS, authorOf, forbiddenEdit } from './edits.js'
