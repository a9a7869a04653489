/**
 * The one place the app talks HTTP to its facility node (docs/design/0001-module-contracts.md,
 * "node HTTP API"). Every failure becomes a named error: `NodeUnreachableError` or `NodeRequestError`.
 */
import type {
  ConsentReport,
  ErasureStatus,
  ShareOutcome,
  FhirImportOutcome,
  MatchesAnswer,
  MergeOutcome,
  MatchQuery,
  NodeStatus,
  PatientProvenance,
  PatientSummary,
  ReferralSummary,
  RosterEntry,
  TodayWork
} from '@pagdandi/core/api'
import type { PatientId, ReferralInput, RegistrationInput } from '@pagdandi/core/record'
import type { Role, StaffSession } from '@pagdandi/core/staff'
import { NodeRequestError, NodeUnreachableError } from './errors.js'

export type {
  ConsentReport,
  ErasureStatus,
  ErasureConfirmationView,
  GivenConsent,
  ShareOutcome,
  EntryProvenance,
  FhirImportOutcome,
  MatchesAnswer,
  MatchQuery,
  PossibleMatch,
  NodeStatus,
  PatientProvenance,
  PatientSummary,
  PeerStatus,
  ReferralSummary,
  RosterEntry
} from '@pagdandi/core/api'

// Long enough for a busy node on a slow PC; short enough that "offline" shows promptly.
const TIMEOUT_MS = 8000

/** The session's CSRF token (`GET /api/session`), sent in `X-Pagdandi-CSRF` on every state-changing request. */
let csrf: string | undefined

/** Told when the node answers `401 SignInRequiredError`: the session ended (idle, signed out elsewhere, restart). */
let signInRequired: (() => void) | undefined

/** Registers who hears that the node no longer knows this tab's session. */
export function onSignInRequired(fn: () => void): void {
  signInRequired = fn
}

/** Requests nobody asked for (status polling): the node does not count them as use of the session. */
const BACKGROUND = { 'x-pagdandi-background': '1' }

async function request<T>(
  path: string,
  init?: { method: 'POST' | 'DELETE'; body?: unknown },
  retried = false,
  background = false
): Promise<T> {
  if (init !== undefined && csrf === undefined && path !== '/api/session') await refreshCsrf()
  let res: Response
  try {
    res = await fetch(path, {
      method: init?.method ?? 'GET',
      headers: {
        ...(init?.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init !== undefined && csrf !== undefined ? { 'x-pagdandi-csrf': csrf } : {}),
        ...(background ? BACKGROUND : {})
      },
      body: init?.body !== undefined ? JSON.stringify(init.body) : null,
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
  } catch (cause) {
    throw new NodeUnreachableError(path, { cause })
  }
  // A node restart or a new sign-in replaces the token; the refused request was not heard, so one retry is safe.
  if (res.status === 403 && init !== undefined && !retried && (await errorName(res.clone())) === 'CsrfTokenError') {
    await refreshCsrf()
    return await request<T>(path, init, true)
  }
  let body: unknown
  try {
    body = await res.json()
  } catch (cause) {
    if (res.status >= 500 || res.status === 0) throw new NodeUnreachableError(path, { cause })
    throw new NodeRequestError(res.status, 'InvalidResponse', 'not JSON')
  }
  if (!res.ok) {
    const err = (body as { error?: { name?: unknown; message?: unknown } } | null)?.error
    if (res.status === 401 && err?.name === 'SignInRequiredError' && path !== '/api/session') signInRequired?.()
    throw new NodeRequestError(
      res.status,
      typeof err?.name === 'string' ? err.name : 'UnknownError',
      typeof err?.message === 'string' ? err.message : ''
    )
  }
  return body as T
}

async function errorName(res: Response): Promise<string | undefined> {
  try {
    const body = (await res.json()) as { error?: { name?: unknown } } | null
    return typeof body?.error?.name === 'string' ? body.error.name : undefined
  } catch {
    return undefined
  }
}

async function refreshCsrf(): Promise<void> {
  try {
    csrf = (await request<StaffSignedIn>('/api/session')).csrf
  } catch {
    csrf = undefined
  }
}

/** `GET` and `POST /api/session`: who is signed in, and the token their requests carry. */
export interface StaffSignedIn {
  staff: StaffSession
  csrf: string
}

const q = encodeURIComponent

/** Typed calls to the facility node's HTTP API. */
export const api = {
  /** Who is signed in; a `NodeRequestError` named `SignInRequiredError` (401) when nobody is. */
  session: async (): Promise<StaffSignedIn> => {
    const s = await request<StaffSignedIn>('/api/session')
    csrf = s.csrf
    return s
  },
  /** Signs in; the node sets the session cookie. */
  signIn: async (username: string, password: string): Promise<StaffSignedIn> => {
    const s = await request<StaffSignedIn>('/api/session', { method: 'POST', body: { username, password } })
    csrf = s.csrf
    return s
  },
  /** Signs out. */
  signOut: async (): Promise<void> => {
    await request('/api/session', { method: 'DELETE' })
    csrf = undefined
  },
  /** This node, its peers and what is waiting (polled: it keeps no session alive). */
  status: () => request<NodeStatus>('/api/status', undefined, false, true),
  /** Today's OPD queue, the lab worklist and the referral badges (polled: keeps no session alive). */
  today: () => request<TodayWork>('/api/today', undefined, false, true),
  /** Member facilities (referral destinations). */
  roster: () => request<RosterEntry[]>('/api/roster'),
  /** Search by name (in Devanagari or Latin letters, any spelling), ABHA, phone, village or UHID: at most `limit` hits. */
  searchPatients: (query: string, limit?: number) =>
    request<PatientSummary[]>(`/api/patients?q=${q(query)}${limit === undefined ? '' : `&limit=${limit}`}`),
  /** Patients with the same UHID or ABHA number, and possible duplicates, of one about to be registered. */
  matches: (query: MatchQuery) => request<MatchesAnswer>('/api/patients/matches', { method: 'POST', body: query }),
  /** Registers a patient; resolves after the node durably stored the registration. */
  registerPatient: (input: RegistrationInput) =>
    request<{ patientId: PatientId }>('/api/patients', { method: 'POST', body: input }),
  /** Merges the record `patientId` into `into`; both records carry it; holders of one are granted the other. */
  mergeRecords: (patientId: PatientId, into: PatientId) =>
    request<MergeOutcome>(`/api/patients/${q(patientId)}/merge`, { method: 'POST', body: { into } }),
  /** Undoes the merge of `patientId` into its survivor, in both records. */
  unmergeRecord: (patientId: PatientId) =>
    request<{ patientId: PatientId; from: PatientId }>(`/api/patients/${q(patientId)}/unmerge`, {
      method: 'POST',
      body: {}
    }),
  /** Referrals received (`incoming`) or sent (`outgoing`) by this facility. */
  referrals: (box: 'incoming' | 'outgoing') => request<ReferralSummary[]>(`/api/referrals?box=${box}`),
  /** Creates a referral: the node grants the receiver and pushes the patient's items. */
  createReferral: (patientId: PatientId, referral: ReferralInput) =>
    request<{ referralId: string }>('/api/referrals', { method: 'POST', body: { patientId, referral } }),
  /** What importing an ABDM FHIR bundle would add; the node writes nothing. */
  previewFhir: (bundle: unknown) => request<FhirImportOutcome>('/api/fhir/preview', { method: 'POST', body: bundle }),
  /** Imports an ABDM FHIR bundle; resolves after the node durably stored it. */
  importFhir: (bundle: unknown) =>
    request<FhirImportOutcome & { patientId: PatientId }>('/api/fhir/import', { method: 'POST', body: bundle }),
  /** Heads of the patient document whose changes the node has durably sealed. */
  durableHeads: async (patientId: PatientId): Promise<string[]> => {
    const body = await request<{ heads: string[] } | string[]>(`/api/patients/${q(patientId)}/heads`)
    return Array.isArray(body) ? body : body.heads
  },
  /** Who wrote each entry, as the signing facilities vouched (verified, unverified, facility only, pending). */
  provenance: (patientId: PatientId) =>
    request<PatientProvenance>(`/api/patients/${q(patientId)}/provenance`, undefined, false, true),
  /** Consents given from here for the record (with each recipient's erasure confirmation), and the one held here. */
  consents: (patientId: PatientId) =>
    request<ConsentReport>(`/api/patients/${q(patientId)}/consents`, undefined, false, true),
  /** Grants the record to another member, under ABDM consent terms (`dataEraseAt`) when given. */
  share: (patientId: PatientId, to: string, consent?: unknown) =>
    request<ShareOutcome>(`/api/patients/${q(patientId)}/share`, {
      method: 'POST',
      body: { to, ...(consent === undefined ? {} : { consent }) }
    }),
  /** The home facility's signed erasure request to every holder (patient withdrew consent); erases here too. */
  eraseEverywhere: (patientId: PatientId) =>
    request<ErasureStatus>(`/api/patients/${q(patientId)}/erase-everywhere`, { method: 'POST', body: {} }),
  /** Who confirmed the erasure request issued here, and who has not been reached (polled). */
  erasure: (patientId: PatientId) => request<ErasureStatus>(`/api/erasures/${q(patientId)}`, undefined, false, true),
  /** The facility's staff accounts (facility admin). */
  staff: () => request<StaffListing[]>('/api/staff'),
  /** Adds a staff member; the node makes the password and answers it once. */
  addStaff: (input: NewStaffInput) =>
    request<StaffListing & { password: string }>('/api/staff', { method: 'POST', body: input }),
  /** Disables an account; its sessions end at once. */
  disableStaff: (username: string) =>
    request<StaffListing>(`/api/staff/${q(username)}/disable`, { method: 'POST', body: {} }),
  /** Sets a new password the node makes (answered once) and enables the account; its sessions end. */
  resetStaff: (username: string) =>
    request<StaffListing & { password: string }>(`/api/staff/${q(username)}/reset`, { method: 'POST', body: {} }),
  /** Ends every session of a staff member (a lost tablet), closing their `/sync` sockets. */
  signOutStaff: (username: string) =>
    request<{ sessionsEnded: number }>(`/api/staff/${q(username)}/sign-out`, { method: 'POST', body: {} })
}

/** A staff account as the node lists it (never a password hash). */
export interface StaffListing {
  staffId: string
  username: string
  name: string
  role: Role
  hprId?: string
  disabled: boolean
  createdAt: string
  passwordSetAt: string
}

/** What the admin screen sends to add a member. */
export interface NewStaffInput {
  username: string
  name: string
  role: Role
  hprId?: string
}
