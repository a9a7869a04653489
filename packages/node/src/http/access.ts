/**
 * Who may call each route of the local API (docs/ROLES.md, "routes"), and what the audit log records
 * of it. A route not in this table is refused to everyone: a new route is closed until listed.
 */
import type { Action } from '@pagdandi/core/staff'
import type { AuditInput } from '../staff/AuditLog.js'

/** Who may call a route: anyone (sign-in and health), any signed-in staff, or the roles allowed an action. */
export type Access = 'public' | 'signed-in' | Action

/** One row of the table. */
export interface RouteAccess {
  method: string
  path: RegExp
  access: Access
  /** What the audit log records after the route answered (ids only). */
  audit?: (m: RegExpExecArray, answer: unknown, body: unknown) => Omit<AuditInput, 'actor'>
}

const ID = '([A-Za-z0-9]{8,64})'
const USER = '([a-z][a-z0-9._-]{2,31})'

/** The table, in the order routes are matched. */
export const ROUTE_ACCESS: readonly RouteAccess[] = [
  { method: 'GET', path: /^\/api\/health$/, access: 'public' },
  { method: 'POST', path: /^\/api\/session$/, access: 'public' },
  { method: 'GET', path: /^\/api\/session$/, access: 'signed-in' },
  { method: 'DELETE', path: /^\/api\/session$/, access: 'signed-in' },
  { method: 'GET', path: /^\/api\/status$/, access: 'status.view' },
  { method: 'GET', path: /^\/api\/roster$/, access: 'roster.view' },
  // The day's queue and lab worklist name patients: a search of the register, for every role.
  { method: 'GET', path: /^\/api\/today$/, access: 'patient.search' },
  {
    method: 'POST',
    path: /^\/api\/roster$/,
    access: 'roster.update',
    audit: (_m, a) => ({ event: 'roster.update', detail: { version: field(a, 'version') ?? 0 } })
  },
  {
    method: 'GET',
    path: /^\/api\/patients$/,
    access: 'patient.search',
    audit: (_m, a) => ({ event: 'record.search', detail: { hits: Array.isArray(a) ? a.length : 0 } })
  },
  // Looking for duplicates reads the register as a search does, before a registration is saved.
  {
    method: 'POST',
    path: /^\/api\/patients\/matches$/,
    access: 'patient.register',
    audit: (_m, a) => {
      const possible: unknown = typeof a === 'object' && a !== null ? Reflect.get(a, 'possible') : undefined
      return { event: 'record.search', detail: { hits: Array.isArray(possible) ? possible.length : 0 } }
    }
  },
  {
    method: 'POST',
    path: /^\/api\/patients$/,
    access: 'patient.register',
    audit: (_m, a) => ({ event: 'record.register', patient: String(field(a, 'patientId')) })
  },
  {
    method: 'GET',
    path: new RegExp(`^/api/patients/${ID}$`),
    access: 'patient.view',
    audit: m => ({ event: 'record.open', patient: m[1]! })
  },
  { method: 'GET', path: new RegExp(`^/api/patients/${ID}/heads$`), access: 'patient.view' },
  { method: 'GET', path: new RegExp(`^/api/patients/${ID}/provenance$`), access: 'patient.view' },
  {
    method: 'GET',
    path: new RegExp(`^/api/patients/${ID}/fhir$`),
    access: 'patient.export',
    audit: m => ({ event: 'record.export', patient: m[1]!, detail: { format: 'fhir' } })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/patients/${ID}/encounters$`),
    access: 'encounter.open',
    audit: (m, a) => ({
      event: 'record.change',
      patient: m[1]!,
      detail: { encounter: String(field(a, 'encounterId')) }
    })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/patients/${ID}/demographics$`),
    access: 'demographics.edit',
    audit: m => ({ event: 'record.change', patient: m[1]!, detail: { part: 'demographics' } })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/patients/${ID}/merge$`),
    access: 'patient.merge',
    audit: (m, _a, body) => ({ event: 'record.merge', patient: m[1]!, detail: { into: String(field(body, 'into')) } })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/patients/${ID}/unmerge$`),
    access: 'patient.merge',
    audit: (m, a) => ({ event: 'record.unmerge', patient: m[1]!, detail: { from: String(field(a, 'from')) } })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/patients/${ID}/erase$`),
    access: 'patient.erase',
    audit: m => ({ event: 'record.erase', patient: m[1]! })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/patients/${ID}/card$`),
    access: 'card.print',
    audit: m => ({ event: 'card.print', patient: m[1]! })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/patients/${ID}/card/revoke$`),
    access: 'card.revoke',
    audit: (m, a) => ({ event: 'card.revoke', patient: m[1]!, detail: { revoked: field(a, 'revoked') ?? 0 } })
  },
  {
    method: 'POST',
    path: /^\/api\/cards\/open$/,
    access: 'card.open',
    audit: (_m, a) => ({ event: 'card.open', detail: { fetch: String(field(a, 'fetchId')) } })
  },
  { method: 'GET', path: /^\/api\/cards\/fetches\/[0-9a-f]{24}$/, access: 'card.open' },
  {
    method: 'POST',
    path: new RegExp(`^/api/patients/${ID}/erase-everywhere$`),
    access: 'patient.erase',
    audit: m => ({ event: 'record.erase', patient: m[1]!, detail: { everywhere: 1 } })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/patients/${ID}/share$`),
    access: 'referral.create',
    audit: (m, a) => ({ event: 'record.share', patient: m[1]!, detail: { to: String(field(a, 'to')) } })
  },
  { method: 'GET', path: new RegExp(`^/api/patients/${ID}/consents$`), access: 'patient.view' },
  { method: 'GET', path: new RegExp(`^/api/erasures(/${ID})?$`), access: 'patient.erase' },
  { method: 'GET', path: /^\/api\/referrals$/, access: 'referral.view' },
  {
    method: 'POST',
    path: /^\/api\/referrals$/,
    access: 'referral.create',
    audit: (_m, a, body) => ({
      event: 'referral.create',
      patient: String(field(body, 'patientId')),
      detail: { referral: String(field(a, 'referralId')), to: String(field(body, 'referral', 'to')) }
    })
  },
  // A preview reads the bundle and stores nothing; it is the first step of an import.
  { method: 'POST', path: /^\/api\/fhir\/preview$/, access: 'patient.import' },
  {
    method: 'POST',
    path: /^\/api\/fhir\/import$/,
    access: 'patient.import',
    audit: (_m, a) => ({ event: 'record.import', patient: String(field(a, 'patientId')) })
  },
  { method: 'GET', path: /^\/api\/staff$/, access: 'staff.manage' },
  {
    method: 'POST',
    path: /^\/api\/staff$/,
    access: 'staff.manage',
    audit: (_m, a) => ({ event: 'staff.add', detail: { staff: String(field(a, 'staffId')) } })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/staff/${USER}/disable$`),
    access: 'staff.manage',
    audit: (_m, a) => ({ event: 'staff.disable', detail: { staff: String(field(a, 'staffId')) } })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/staff/${USER}/reset$`),
    access: 'staff.manage',
    audit: (_m, a) => ({ event: 'staff.reset', detail: { staff: String(field(a, 'staffId')) } })
  },
  {
    method: 'POST',
    path: new RegExp(`^/api/staff/${USER}/sign-out$`),
    access: 'staff.manage',
    audit: (_m, a) => ({ event: 'staff.sign-out', detail: { staff: String(field(a, 'staffId')) } })
  },
  // Refused items kept as evidence (with their author): security records, like the audit log.
  { method: 'GET', path: /^\/api\/quarantine$/, access: 'audit.view' },
  {
    method: 'GET',
    path: /^\/api\/audit$/,
    access: 'audit.view',
    audit: (_m, a) => ({ event: 'audit.view', detail: { entries: field(a, 'entries') ?? 0 } })
  }
]

/** The row for a request, if any. */
export function accessOf(method: string, path: string): { row: RouteAccess; match: RegExpExecArray } | undefined {
  for (const row of ROUTE_ACCESS) {
    if (row.method !== method) continue
    const match = row.path.exec(path)
    if (match !== null) return { row, match }
  }
  return undefined
}

/** A string or number at `path` inside a JSON value, if there is one. */
function field(v: unknown, ...path: string[]): string | number | undefined {
  let x = v
  for (const name of path) x = typeof x === 'object' && x !== null ? (x as Record<string, unknown>)[name] : undefined
  return typeof x === 'string' || typeof x === 'number' ? x : undefined
}
