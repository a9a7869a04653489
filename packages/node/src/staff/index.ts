/** Staff accounts, sign-in sessions and the audit log of a facility node. */
export { AuditLog, type AuditEntry, type AuditEvent, type AuditInput, type AuditVerified } from './AuditLog.js'
export * from './errors.js'
export { SESSION_COOKIE, SESSION_IDLE_MS, LOCKOUT, SessionStore, type LiveSession } from './SessionStore.js'
export { StaffService, cookieOf, type StaffServiceOptions } from './StaffService.js'
export { MIN_PASSWORD_LENGTH, StaffStore, type NewStaff, type StaffListing } from './StaffStore.js'
export { randomPassword } from './password.js'
