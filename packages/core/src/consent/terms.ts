/**
 * Consent terms a grant can carry (docs/PROTOCOL.md, "Consent grant"): ABDM consent artefact fields
 * `purpose.code`, `hiTypes`, `permission.dateRange` and `permission.dataEraseAt`. The node enforces
 * `dataEraseAt` (the recipient erases its keys then); purpose, hiTypes and the date range travel
 * with the grant and are shown, since one document key opens the whole record.
 */
import { MalformedItemError } from '../crypto/errors.js'
import { cryptoReader, cryptoWriter } from '../crypto/format.js'
import { readInstant, writeInstant } from './instant.js'
import { ConsentTermsError } from './errors.js'

/** ABDM consent purposes, in wire order (index + 1 is the byte). */
export const CONSENT_PURPOSES = ['CAREMGT', 'BTG', 'PUBHLTH', 'HPAYMT', 'DSRCH', 'PATRQT'] as const
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number]
/** ABDM health-information types, in wire order (bit i of the mask). */
export const HI_TYPES = [
  'OPConsultation',
  'Prescription',
  'DischargeSummary',
  'DiagnosticReport',
  'ImmunizationRecord',
  'HealthDocumentRecord',
  'WellnessRecord'
] as const
export type HiType = (typeof HI_TYPES)[number]

/** The terms, as the API and the UI see them (ISO instants, UTC). */
export interface ConsentTerms {
  purpose: { code: ConsentPurpose }
  hiTypes: HiType[]
  dateRange: { from: string; to: string }
  dataEraseAt: string
}

/** Version byte of the encoded terms. */
export const CONSENT_TERMS_VERSION = 1
/** Instants are milliseconds since 1970 in 6 bytes; this version takes 2000-01-01 to 2199-12-31. */
const MIN_MS = Date.UTC(2000, 0, 1)
const MAX_MS = Date.UTC(2200, 0, 1) - 1
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/

function instant(field: string, v: unknown): number {
  if (typeof v !== 'string' || !ISO.test(v)) throw new ConsentTermsError(`${field}: an ISO instant in UTC`)
  const ms = Date.parse(v)
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) throw new ConsentTermsError(`${field}: out of range`)
  if (new Date(ms).toISOString().slice(0, 19) !== v.slice(0, 19)) throw new ConsentTermsError(`${field}: no such date`)
  return ms
}

/** Checks terms from outside (API JSON): known codes, real instants, from ≤ to. Returns canonical terms. */
export function validateConsentTerms(input: unknown): ConsentTerms {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ConsentTermsError('consent: an object')
  const o = input as Record<string, unknown>
  for (const k of Object.keys(o))
    if (!['purpose', 'hiTypes', 'dateRange', 'dataEraseAt'].includes(k))
      throw new ConsentTermsError(`consent.${k}: unknown`)
  const purpose = o.purpose as { code?: unknown } | undefined
  const code = typeof purpose === 'object' && purpose !== null ? purpose.code : undefined
  if (!CONSENT_PURPOSES.includes(code as ConsentPurpose)) throw new ConsentTermsError('purpose.code: an ABDM purpose')
  const hi = o.hiTypes
  if (!Array.isArray(hi) || hi.length === 0 || hi.length > HI_TYPES.length)
    throw new ConsentTermsError('hiTypes: one or more ABDM health-information types')
  const set = new Set<HiType>()
  for (const t of hi) {
    if (!HI_TYPES.includes(t as HiType) || set.has(t as HiType))
      throw new ConsentTermsError('hiTypes: unknown or repeated')
    set.add(t as HiType)
  }
  const range = o.dateRange as { from?: unknown; to?: unknown } | undefined
  if (typeof range !== 'object' || range === null) throw new ConsentTermsError('dateRange: { from, to }')
  const from = instant('dateRange.from', range.from)
  const to = instant('dateRange.to', range.to)
  if (from > to) throw new ConsentTermsError('dateRange: from after to')
  const erase = instant('dataEraseAt', o.dataEraseAt)
  return {
    purpose: { code: code as ConsentPurpose },
    hiTypes: HI_TYPES.filter(t => set.has(t)),
    dateRange: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    dataEraseAt: new Date(erase).toISOString()
  }
}

/** The 21 bytes a consent grant carries after its key. */
export function encodeConsentTerms(terms: ConsentTerms): Uint8Array {
  const t = validateConsentTerms(terms)
  const w = cryptoWriter()
    .u8(CONSENT_TERMS_VERSION)
    .u8(CONSENT_PURPOSES.indexOf(t.purpose.code) + 1)
  let mask = 0
  for (const h of t.hiTypes) mask |= 1 << HI_TYPES.indexOf(h)
  w.u8(mask)
  writeInstant(w, Date.parse(t.dateRange.from))
  writeInstant(w, Date.parse(t.dateRange.to))
  writeInstant(w, Date.parse(t.dataEraseAt))
  return w.finish()
}

/** Strict decode of received terms; anything else is `MalformedItemError`. */
export function decodeConsentTerms(bytes: Uint8Array): ConsentTerms {
  const r = cryptoReader(bytes, 'consent terms')
  const version = r.u8()
  if (version !== CONSENT_TERMS_VERSION) throw new MalformedItemError(`consent terms: version ${version}`)
  const p = r.u8()
  const code = CONSENT_PURPOSES[p - 1]
  if (code === undefined) throw new MalformedItemError(`consent terms: purpose ${p}`)
  const mask = r.u8()
  if (mask === 0 || mask >= 1 << HI_TYPES.length) throw new MalformedItemError('consent terms: hiTypes')
  const times = [readInstant(r), readInstant(r), readInstant(r)]
  r.end()
  if (times.some(ms => ms < MIN_MS || ms > MAX_MS)) throw new MalformedItemError('consent terms: instant out of range')
  const [from, to, erase] = times as [number, number, number]
  if (from > to) throw new MalformedItemError('consent terms: from after to')
  return {
    purpose: { code },
    hiTypes: HI_TYPES.filter((_, i) => (mask & (1 << i)) !== 0),
    dateRange: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    dataEraseAt: new Date(erase).toISOString()
  }
}
