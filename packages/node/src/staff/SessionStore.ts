/**
 * Signed-in sessions and sign-in lock-out, in memory (a restart signs everyone out). Time and
 * randomness are injected so tests advance the clock instead of sleeping.
 *
 * Invariants:
 * 1. A session unused for `idleMs` is gone; the next request must sign in again.
 * 2. After `LOCKOUT.freeFailures` failed sign-ins for one username, attempts are refused unheard for
 *    a delay that doubles with each further failure (up to `LOCKOUT.maxDelayMs`); a success resets it.
 *    A failure counts before the password is checked, so parallel guesses cannot outrun the count.
 * 3. A disabled account's sessions end at once (the account is read back on every lookup).
 * 4. Every way a session ends (sign-out, idle expiry found by a lookup or by `sweep`, a disabled or
 *    reset account) is told to `onEnd` listeners, so nothing bound to it (a `/sync` socket)
 *    outlives it.
 */
import { randomBytes } from 'node:crypto'
import type { StaffId, StaffSession } from '@pagdandi/core/staff'
import { SignInFailedError, SignInLockedError } from './errors.js'
import type { StaffStore } from './StaffStore.js'

/** Idle timeout of a session: a shift's break, not a shift (docs/design/0008-staff-sign-in.md). */
export const SESSION_IDLE_MS = 30 * 60_000

/** Lock-out after failed sign-ins. */
export const LOCKOUT = {
  /** Failures allowed before the first delay: typos, caps lock. */
  freeFailures: 5,
  firstDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
  /** Usernames tracked at most: guesses at many names cannot grow memory without bound. */
  maxTracked: 10_000
} as const

/** How often a node ends idle sessions by itself (and closes their `/sync` sockets). */
export const SWEEP_MS = 30_000

/** Cookie name of the session token. */
export const SESSION_COOKIE = 'pagdandi_session'

/** A live session. */
export interface LiveSession {
  token: string
  /** Sent back in `X-Pagdandi-CSRF` on every state-changing request. */
  csrf: string
  staff: StaffSession
}

interface Entry extends LiveSession {
  lastSeen: number
  /** The CLI's session on a running node (written to the owner-only run file) never idles out. */
  idles: boolean
}

interface Failures {
  count: number
  lockedUntil: number
}

/** Options of the session store. */
export interface SessionStoreOptions {
  now?: () => number
  random?: (n: number) => Uint8Array
  idleMs?: number
}

/** Sessions of one node. */
export class SessionStore {
  readonly #staff: StaffStore
  readonly #now: () => number
  readonly #random: (n: number) => Uint8Array
  readonly #idleMs: number
  readonly #sessions = new Map<string, Entry>()
  readonly #failures = new Map<string, Failures>()
  readonly #ended = new Set<(token: string) => void>()

  constructor(staff: StaffStore, opts: SessionStoreOptions = {}) {
    this.#staff = staff
    this.#now = opts.now ?? Date.now
    this.#random = opts.random ?? randomBytes
    this.#idleMs = opts.idleMs ?? SESSION_IDLE_MS
  }

  /** Checks the password and opens a session; throws `SignInLockedError` or `SignInFailedError`. */
  async signIn(username: string, password: string): Promise<LiveSession> {
    const now = this.#now()
    const f = this.#failures.get(username) ?? { count: 0, lockedUntil: 0 }
    if (f.lockedUntil > now) throw new SignInLockedError(Math.ceil((f.lockedUntil - now) / 1000))
    f.count += 1
    if (f.count >= LOCKOUT.freeFailures)
      f.lockedUntil = now + Math.min(LOCKOUT.maxDelayMs, LOCKOUT.firstDelayMs * 2 ** (f.count - LOCKOUT.freeFailures))
    this.#track(username, f)
    const account = await this.#staff.verify(username, password)
    if (account === undefined) throw new SignInFailedError()
    this.#failures.delete(username)
    return this.#open(this.#staff.sessionOf(account), true)
  }

  /** The CLI's own session on a running node: an admin that does not idle out. */
  operatorSession(facility: StaffSession['facility']): LiveSession {
    const staff: StaffSession = {
      staffId: 'operator' as StaffId,
      username: 'operator',
      name: 'Node operator (command line)',
      role: 'facility-admin',
      facility
    }
    return this.#open(staff, false)
  }

  /**
   * The session of a token if it is live. Touching it (the default) restarts its idle timer; a
   * lookup with `touch: false` (the UI's background polling) does not, so an open tab nobody uses
   * still idles out.
   */
  async lookup(token: string | undefined, opts: { touch?: boolean } = {}): Promise<LiveSession | undefined> {
    if (token === undefined) return undefined
    const e = this.#sessions.get(token)
    if (e === undefined) return undefined
    const now = this.#now()
    if (e.idles && now - e.lastSeen > this.#idleMs) {
      this.end(token)
      return undefined
    }
    if (e.idles) {
      const account = await this.#staff.get(e.staff.staffId)
      if (account === undefined || account.disabled) {
        this.end(token)
        return undefined
      }
    }
    if (opts.touch !== false) e.lastSeen = now
    return { token: e.token, csrf: e.csrf, staff: e.staff }
  }

  /** Calls `listener` with the token of every session that ends, however it ends. */
  onEnd(listener: (token: string) => void): () => void {
    this.#ended.add(listener)
    return () => this.#ended.delete(listener)
  }

  /** Ends one session (sign-out). */
  end(token: string): void {
    if (!this.#sessions.delete(token)) return
    for (const l of this.#ended) l(token)
  }

  /** Ends every session of a staff member (disabled, password reset, or signed out everywhere). */
  endFor(staffId: StaffId): number {
    let n = 0
    for (const [token, e] of this.#sessions)
      if (e.staff.staffId === staffId) {
        this.end(token)
        n++
      }
    return n
  }

  /** Ends every session idle for longer than the timeout (the node runs this every `SWEEP_MS`). */
  sweep(): void {
    const now = this.#now()
    for (const [token, e] of this.#sessions) if (e.idles && now - e.lastSeen > this.#idleMs) this.end(token)
  }

  #open(staff: StaffSession, idles: boolean): LiveSession {
    if (this.#sessions.size >= 1000) this.sweep()
    const entry: Entry = {
      token: Buffer.from(this.#random(32)).toString('base64url'),
      csrf: Buffer.from(this.#random(32)).toString('base64url'),
      staff,
      lastSeen: this.#now(),
      idles
    }
    this.#sessions.set(entry.token, entry)
    return { token: entry.token, csrf: entry.csrf, staff }
  }

  #track(username: string, f: Failures): void {
    this.#failures.delete(username)
    if (this.#failures.size >= LOCKOUT.maxTracked) {
      const oldest = this.#failures.keys().next().value
      if (oldest !== undefined) this.#failures.delete(oldest)
    }
    this.#failures.set(username, f)
  }
}
