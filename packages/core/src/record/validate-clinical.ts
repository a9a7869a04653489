/**
 * Validators for dates, codings, vitals and free-text fields. Each returns the normalised value or
 * throws a named error. Checks that need "now" take it from the ChangeContext (`ctx.at`): core has no clock.
 */
import type { CodeSystem, Coding, IsoDate, IsoInstant, Vitals } from './types.js'
import { InvalidCodeError, InvalidDateError, InvalidRecordInputError, VitalOutOfRangeError } from './errors.js'
import type { RecordWarning, Validated } from './validate-ids.js'

const DAY_MS = 86_400_000
/** Clock skew tolerated between facilities before a date counts as "in the future". */
export const FUTURE_SKEW_MS = DAY_MS

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z$/

function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

/**
 * Validates an ISO calendar date `YYYY-MM-DD` (a real date, year ≥ 1900). With `notAfter`, the date may
 * be at most a day of clock skew after that instant.
 */
export function validateIsoDate(input: unknown, field = 'date', notAfter?: IsoInstant): IsoDate {
  const m = typeof input === 'string' ? ISO_DATE.exec(input) : null
  if (m === null) throw new InvalidDateError(field, 'not a YYYY-MM-DD date')
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (y < 1900 || !realDate(y, mo, d)) throw new InvalidDateError(field, 'not a real calendar date')
  if (notAfter !== undefined && Date.UTC(y, mo - 1, d) > Date.parse(notAfter) + FUTURE_SKEW_MS) {
    throw new InvalidDateError(field, 'in the future')
  }
  return input as IsoDate
}

/** Validates a UTC ISO instant `YYYY-MM-DDTHH:mm:ss(.sss)Z` on a real date. */
export function validateIsoInstant(input: unknown, field = 'at'): IsoInstant {
  const m = typeof input === 'string' ? ISO_INSTANT.exec(input) : null
  if (m === null) throw new InvalidDateError(field, 'not a UTC ISO instant')
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  if (y < 1900 || !realDate(y, mo, d) || h > 23 || mi > 59 || s > 59) {
    throw new InvalidDateError(field, 'not a real instant')
  }
  return input as IsoInstant
}

/** Validates a non-empty string of bounded length without control characters and returns it trimmed. */
export function validateText(input: unknown, field: string, maxLength = 200): string {
  if (typeof input !== 'string') throw new InvalidRecordInputError(field, 'must be a string')
  const value = input.trim()
  if (value.length === 0) throw new InvalidRecordInputError(field, 'must not be empty')
  if (value.length > maxLength) throw new InvalidRecordInputError(field, `longer than ${maxLength} characters`)
  // Control characters are never typed by a clinician; they signal corrupt or hostile input.
  if (hasControlCharacter(value)) {
    throw new InvalidRecordInputError(field, 'contains control characters')
  }
  return value
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    // Tab, line feed and carriage return are allowed in notes.
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return true
  }
  return false
}

/** Validates a list of texts (bounded count) and returns them trimmed. */
export function validateTextList(input: unknown, field: string, maxItems = 50, maxLength = 200): string[] {
  if (!Array.isArray(input)) throw new InvalidRecordInputError(field, 'must be a list')
  if (input.length > maxItems) throw new InvalidRecordInputError(field, `more than ${maxItems} items`)
  return input.map((v, i) => validateText(v, `${field}[${i}]`, maxLength))
}

/** Validates that a value is one of the allowed literals. */
export function validateEnum<T extends string>(input: unknown, field: string, allowed: readonly T[]): T {
  if (typeof input !== 'string' || !(allowed as readonly string[]).includes(input)) {
    throw new InvalidRecordInputError(field, `must be one of ${allowed.join(', ')}`)
  }
  return input as T
}

/** Validates an integer within [min, max]. */
export function validateInt(input: unknown, field: string, min: number, max: number): number {
  if (typeof input !== 'number' || !Number.isInteger(input) || input < min || input > max) {
    throw new InvalidRecordInputError(field, `must be an integer from ${min} to ${max}`)
  }
  return input
}

/** The code systems a Coding may name. */
export const CODE_SYSTEMS = {
  snomed: 'http://snomed.info/sct',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  loinc: 'http://loinc.org'
} as const satisfies Record<string, CodeSystem>

const CODE_FORMAT: Record<CodeSystem, RegExp> = {
  'http://snomed.info/sct': /^\d{6,18}$/,
  'http://hl7.org/fhir/sid/icd-10': /^[A-Z]\d{2}(\.\d{1,4})?$/,
  'http://loinc.org': /^\d{1,7}-\d$/
}

// Verhoeff tables (SNOMED CT identifiers end in a Verhoeff check digit).
const VD = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
]
const VP = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]
]

/** True when the digit string passes the Verhoeff check on its last digit. */
export function verhoeffValid(digits: string): boolean {
  let c = 0
  for (let i = 0; i < digits.length; i++) {
    const n = digits.charCodeAt(digits.length - 1 - i) - 48
    c = VD[c]![VP[i % 8]![n]!]!
  }
  return c === 0
}

/**
 * Validates a Coding: a known system (optionally restricted), a code in that system's format, and a
 * display text. A SNOMED code failing its Verhoeff check digit is only a warning.
 */
export function validateCoding(input: unknown, field: string, systems?: readonly CodeSystem[]): Validated<Coding> {
  if (typeof input !== 'object' || input === null) throw new InvalidCodeError(field, 'missing coding')
  const { system, code, display } = input as Record<string, unknown>
  const allowed = systems ?? (Object.values(CODE_SYSTEMS) as CodeSystem[])
  if (typeof system !== 'string' || !(allowed as string[]).includes(system)) {
    throw new InvalidCodeError(field, `system must be one of ${allowed.join(', ')}`)
  }
  const sys = system as CodeSystem
  if (typeof code !== 'string' || !CODE_FORMAT[sys].test(code))
    throw new InvalidCodeError(field, 'code has the wrong format')
  if (typeof display !== 'string' || display.trim() === '' || display.length > 200) {
    throw new InvalidCodeError(field, 'display must be 1–200 characters')
  }
  const warnings: RecordWarning[] =
    sys === CODE_SYSTEMS.snomed && !verhoeffValid(code) ? [{ code: 'SNOMED_CHECK_DIGIT', field }] : []
  return { value: { system: sys, code, display: display.trim() }, warnings }
}

/** Physiological ranges, wide enough for neonates and the critically ill; outside them is a typing or unit error. */
export const VITAL_RANGES: Record<keyof Vitals, readonly [number, number]> = {
  systolic: [40, 300],
  diastolic: [20, 200],
  pulse: [20, 250],
  temperature: [30, 45],
  respiratoryRate: [4, 100],
  spo2: [40, 100],
  weight: [0.3, 350],
  height: [20, 250],
  muac: [5, 60]
}

/** Validates vitals: every given value a finite number inside its range, and diastolic below systolic. */
export function validateVitals(input: unknown, field = 'vitals'): Vitals {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidRecordInputError(field, 'must be an object')
  }
  const out: Vitals = {}
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue
    const range = VITAL_RANGES[key as keyof Vitals]
    if (range === undefined) throw new InvalidRecordInputError(`${field}.${key}`, 'unknown vital sign')
    if (typeof value !== 'number' || !Number.isFinite(value) || value < range[0] || value > range[1]) {
      throw new VitalOutOfRangeError(`${field}.${key}`)
    }
    out[key as keyof Vitals] = value
  }
  if (out.systolic !== undefined && out.diastolic !== undefined && out.diastolic >= out.systolic) {
    throw new VitalOutOfRangeError(`${field}.diastolic`)
  }
  return out
}
