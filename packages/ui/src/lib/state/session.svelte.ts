/**
 * Who is signed in on this tab, and what their role may do. The node decides (every route and every
 * `/sync` change is checked there); the app reads the same matrix (`can` from `@pagdandi/core/staff`)
 * only to hide what the role may not do.
 *
 * `expired` is the state that keeps work: the node stopped knowing this session (idle timeout,
 * sign-out elsewhere, a node restart), so the app asks for the password again in a modal over the
 * current screen; every form stays mounted with what was typed, and what was not yet saved reaches
 * the node once the new session's `/sync` socket connects.
 */
import { can, type Action, type StaffSession } from '@pagdandi/core/staff'
import { api, onSignInRequired } from '../api.js'

// How often an expired tab asks whether its member signed in again elsewhere in this browser.
const RECHECK_MS = 3000

/** `checking` before the node answered; `signed-out` shows the sign-in screen; `expired` the modal. */
export type SessionStatus = 'checking' | 'signed-out' | 'signed-in' | 'expired'

/** The tab's session. */
export class SessionState {
  #status = $state<SessionStatus>('checking')
  #staff = $state<StaffSession | undefined>(undefined)

  constructor() {
    onSignInRequired(() => {
      this.expire()
    })
  }

  /** Where the tab stands. */
  get status(): SessionStatus {
    return this.#status
  }

  /** The member signed in (kept while `expired`, so the modal names them). */
  get staff(): StaffSession | undefined {
    return this.#staff
  }

  /** Whether the signed-in member's role may do `action` (false when nobody is signed in). */
  can(action: Action): boolean {
    return this.#staff !== undefined && can(this.#staff.role, action)
  }

  /** Asks the node who is signed in (at start). */
  async check(): Promise<void> {
    try {
      this.#staff = (await api.session()).staff
      this.#status = 'signed-in'
    } catch {
      if (this.#status === 'checking') this.#status = 'signed-out'
    }
  }

  /** Signs in; throws the node's named error (`SignInFailedError`, `SignInLockedError`). */
  async signIn(username: string, password: string): Promise<void> {
    const s = await api.signIn(username, password)
    this.#staff = s.staff
    this.#status = 'signed-in'
  }

  /** Signs out here, and forgets everything on screen (a reload drops the forms and documents). */
  async signOut(): Promise<void> {
    await api.signOut().catch(() => undefined)
    location.hash = '#/'
    location.reload()
  }

  /**
   * The node no longer knows this session: ask again, over the screen. If the same member signs in
   * again in another tab of this browser (the cookie is shared), the modal closes by itself.
   */
  expire(): void {
    if (this.#status !== 'signed-in') return
    this.#status = 'expired'
    const again = async (): Promise<void> => {
      if (this.#status !== 'expired') return
      const now = await api.session().catch(() => undefined)
      if (this.#status !== 'expired') return
      if (now !== undefined && now.staff.staffId === this.#staff?.staffId) this.#status = 'signed-in'
      else setTimeout(() => void again(), RECHECK_MS)
    }
    setTimeout(() => void again(), RECHECK_MS)
  }
}

/** The app's session. */
export const session = new SessionState()
