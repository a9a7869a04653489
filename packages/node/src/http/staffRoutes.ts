/**
 * The routes of sign-in, staff accounts and the audit log. Access is checked before they run
 * (access.ts); they only shape requests and answers.
 */
import type { StaffService } from '../staff/StaffService.js'
import { SignInFailedError, SignInLockedError, SignInRequiredError, StaffNotFoundError } from '../staff/errors.js'
import { randomPassword } from '../staff/password.js'
import type { LiveSession } from '../staff/SessionStore.js'
import { BadRequestError } from './errors.js'
import type { ApiRequest, ApiResponse } from './routes.js'

/** What the staff routes answer, and the cookie to set or clear. */
export interface StaffAnswer extends ApiResponse {
  /** A session opened (set the cookie) or `null` (clear it). */
  session?: LiveSession | null
}

/** Handles `/api/session`, `/api/staff…` and `/api/audit`, or answers undefined for other paths. */
export async function routeStaff(
  staff: StaffService,
  req: ApiRequest,
  session: LiveSession | undefined
): Promise<StaffAnswer | undefined> {
  const { method, path } = req
  if (path === '/api/session') {
    if (method === 'POST') {
      const b = object(await req.body())
      if (typeof b.username !== 'string' || typeof b.password !== 'string')
        throw new BadRequestError('username and password: required text')
      try {
        const live = await staff.sessions.signIn(b.username, b.password)
        await staff.audit.record({ event: 'sign-in', actor: live.staff.staffId })
        return { status: 200, json: { staff: live.staff, csrf: live.csrf }, session: live }
      } catch (err) {
        if (err instanceof SignInFailedError || err instanceof SignInLockedError) {
          const known = (await staff.accounts.list()).find(a => a.username === b.username)
          await staff.audit.record({
            event: err instanceof SignInLockedError ? 'sign-in.locked' : 'sign-in.failed',
            ...(known !== undefined ? { actor: known.staffId } : {})
          })
        }
        throw err
      }
    }
    if (session === undefined) throw new SignInRequiredError()
    if (method === 'GET') return { status: 200, json: { staff: session.staff, csrf: session.csrf } }
    if (method === 'DELETE') {
      staff.sessions.end(session.token)
      await staff.audit.record({ event: 'sign-out', actor: session.staff.staffId })
      return { status: 200, json: { signedOut: true }, session: null }
    }
  }
  if (path === '/api/staff') {
    if (method === 'GET') return { status: 200, json: await staff.accounts.list() }
    if (method === 'POST') {
      const b = object(await req.body())
      const { password, generated } = passwordOf(b)
      const added = await staff.accounts.add({
        username: text(b.username, 'username'),
        name: text(b.name, 'name'),
        role: text(b.role, 'role'),
        password,
        ...(b.hprId !== undefined && b.hprId !== '' ? { hprId: text(b.hprId, 'hprId') } : {})
      })
      return { status: 201, json: generated ? { ...added, password } : added }
    }
  }
  const m = /^\/api\/staff\/([a-z][a-z0-9._-]{2,31})\/(disable|reset|sign-out)$/.exec(path)
  if (m !== null && method === 'POST') {
    const b = object(await req.body())
    if (m[2] === 'sign-out') {
      const account = (await staff.accounts.list()).find(a => a.username === m[1])
      if (account === undefined) throw new StaffNotFoundError(m[1]!)
      return { status: 200, json: { staffId: account.staffId, sessionsEnded: staff.sessions.endFor(account.staffId) } }
    }
    if (m[2] === 'disable') {
      const changed = await staff.accounts.disable(m[1]!)
      staff.sessions.endFor(changed.staffId)
      return { status: 200, json: changed }
    }
    const { password, generated } = passwordOf(b)
    const changed = await staff.accounts.reset(m[1]!, password)
    staff.sessions.endFor(changed.staffId)
    // A password the node made is answered once, to the admin who asked; it is stored only hashed.
    return { status: 200, json: generated ? { ...changed, password } : changed }
  }
  if (path === '/api/audit' && method === 'GET') {
    const entries = await staff.audit.entries()
    return { status: 200, json: { entries: entries.length, head: entries.at(-1)?.hash ?? null, log: entries } }
  }
  return undefined
}

function object(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadRequestError('body: expected a JSON object')
  return v as Record<string, unknown>
}

/** The password a body gives, or one the node makes (answered once). */
function passwordOf(b: Record<string, unknown>): { password: string; generated: boolean } {
  if (b.password === undefined) return { password: randomPassword(), generated: true }
  return { password: text(b.password, 'password'), generated: false }
}

function text(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new BadRequestError(`${field}: required text`)
  return v
}
