/**
 * Named errors of staff accounts, sign-in, roles and the audit log. Each knows its HTTP status.
 * Messages carry usernames, staff ids, roles and audit sequence numbers, never a password or hash.
 */
import { HttpError } from '../http/errors.js'

/** No signed-in session (none sent, unknown, expired or ended). */
export class SignInRequiredError extends HttpError {
  override name = 'SignInRequiredError'
  constructor() {
    super(401, 'ERR_SIGN_IN_REQUIRED', 'sign in to continue')
  }
}

/** Wrong username or password (or a disabled account: the two look the same). */
export class SignInFailedError extends HttpError {
  override name = 'SignInFailedError'
  constructor() {
    super(401, 'ERR_SIGN_IN_FAILED', 'the username or password is wrong')
  }
}

/** Too many failed sign-ins for this username: wait before trying again. */
export class SignInLockedError extends HttpError {
  override name = 'SignInLockedError'
  /** Seconds until the next attempt is heard. */
  readonly retryAfterSeconds: number
  constructor(retryAfterSeconds: number) {
    super(429, 'ERR_SIGN_IN_LOCKED', `too many failed sign-ins; try again in ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** The signed-in role may not do this (docs/ROLES.md). */
export class RoleForbiddenError extends HttpError {
  override name = 'RoleForbiddenError'
  constructor(role: string, action: string) {
    super(403, 'ERR_ROLE_FORBIDDEN', `the ${role} role may not ${action}`)
  }
}

/** A state-changing request lacks the session's CSRF token in `X-Pagdandi-CSRF`. */
export class CsrfTokenError extends HttpError {
  override name = 'CsrfTokenError'
  constructor() {
    super(403, 'ERR_CSRF_TOKEN', 'the request lacks this session’s X-Pagdandi-CSRF token')
  }
}

/** The `Host` header names neither this node's address, localhost, nor a configured name (DNS rebinding). */
export class HostNotAllowedError extends HttpError {
  override name = 'HostNotAllowedError'
  constructor() {
    super(421, 'ERR_HOST_NOT_ALLOWED', 'this node does not answer for that host name')
  }
}

/** A state-changing request or a `/sync` upgrade came without an `Origin` header. */
export class OriginRequiredError extends HttpError {
  override name = 'OriginRequiredError'
  constructor() {
    super(403, 'ERR_ORIGIN_REQUIRED', 'an Origin header is required')
  }
}

/** A request body that is not declared `application/json`. */
export class UnsupportedMediaTypeError extends HttpError {
  override name = 'UnsupportedMediaTypeError'
  constructor() {
    super(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'request bodies must be application/json')
  }
}

/** A staff account's fields are missing or malformed (username, name, role, HPR id, password). */
export class InvalidStaffError extends HttpError {
  override name = 'InvalidStaffError'
  constructor(message: string) {
    super(400, 'ERR_INVALID_STAFF', message)
  }
}

/** No staff account with that username. */
export class StaffNotFoundError extends HttpError {
  override name = 'StaffNotFoundError'
  constructor(username: string) {
    super(404, 'ERR_STAFF_NOT_FOUND', `no staff account "${username}"`)
  }
}

/** A staff account with that username exists already. */
export class StaffExistsError extends HttpError {
  override name = 'StaffExistsError'
  constructor(username: string) {
    super(409, 'ERR_STAFF_EXISTS', `a staff account "${username}" exists already`)
  }
}

/** The admin would disable the last enabled facility admin, leaving nobody to manage staff. */
export class LastAdminError extends HttpError {
  override name = 'LastAdminError'
  constructor() {
    super(409, 'ERR_LAST_ADMIN', 'the last enabled facility admin cannot be disabled')
  }
}

/** `staff.json` is unreadable or malformed. */
export class StaffFileError extends HttpError {
  override name = 'StaffFileError'
  constructor(message: string, cause?: unknown) {
    super(503, 'ERR_STAFF_FILE', message, cause !== undefined ? { cause } : undefined)
  }
}

/** An audit entry's hash or its link to the previous entry does not match: the log was edited. */
export class AuditLogTamperedError extends HttpError {
  override name = 'AuditLogTamperedError'
  /** Sequence number (1-based line) of the first entry that fails. */
  readonly seq: number
  constructor(seq: number, what: string) {
    super(503, 'ERR_AUDIT_LOG_TAMPERED', `audit log entry ${seq} ${what}`)
    this.seq = seq
  }
}

/** The audit log ends before its recorded head, or mid-entry: entries were removed. */
export class AuditLogTruncatedError extends HttpError {
  override name = 'AuditLogTruncatedError'
  constructor(message: string) {
    super(503, 'ERR_AUDIT_LOG_TRUNCATED', message)
  }
}
