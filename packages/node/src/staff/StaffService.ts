/**
 * The facility's staff service: accounts, sessions and the audit log of one data directory, and
 * `sessionOf(req)` for whatever needs to know who sent a request (the HTTP routes, the `/sync` upgrade).
 */
import type { IncomingMessage } from 'node:http'
import type { FacilityId } from '@pagdandi/core/record'
import { AuditLog } from './AuditLog.js'
import { SESSION_COOKIE, SessionStore, type LiveSession, type SessionStoreOptions } from './SessionStore.js'
import { StaffStore } from './StaffStore.js'

/** Options of the staff service; tests inject the clocks. */
export interface StaffServiceOptions extends SessionStoreOptions {
  /** Clock of account and audit timestamps. */
  date?: () => Date
}

/** Accounts, sessions and the audit log of one node. */
export class StaffService {
  readonly accounts: StaffStore
  readonly sessions: SessionStore
  readonly audit: AuditLog

  /** `auditKey`: the facility's audit key (`auditKeyFrom(keyring)`): the service needs the decrypted keyring. */
  constructor(dir: string, facility: FacilityId, auditKey: Uint8Array, opts: StaffServiceOptions = {}) {
    const date = opts.date ?? (opts.now !== undefined ? () => new Date(opts.now!()) : () => new Date())
    this.accounts = new StaffStore(dir, facility, date)
    this.sessions = new SessionStore(this.accounts, opts)
    this.audit = new AuditLog(dir, auditKey, date)
  }

  /**
   * The live session a request's cookie names, if any (also for a WebSocket upgrade request). A
   * request marked `X-Pagdandi-Background` (the UI's polling), or a lookup with `touch: false`,
   * does not count as use: an open tab nobody works in still idles out.
   */
  async sessionOf(
    req: Pick<IncomingMessage, 'headers'>,
    opts: { touch?: boolean } = {}
  ): Promise<LiveSession | undefined> {
    const touch = opts.touch !== false && req.headers[BACKGROUND_HEADER] === undefined
    return await this.sessions.lookup(cookieOf(req.headers.cookie, SESSION_COOKIE), { touch })
  }
}

/** The header the UI puts on requests nobody asked for (status polling), which keep no session alive. */
export const BACKGROUND_HEADER = 'x-pagdandi-background'

/** The value of one cookie in a `Cookie` header. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
