/**
 * Validators for identifiers (domain.md §1): ABHA number and address, HFR facility id, HPR id, phone.
 * Each returns the normalised value or throws a named error; soft findings are returned as warnings.
 */
import type { FacilityId, PractitionerId } from './types.js'
import {
  InvalidAbhaAddressError,
  InvalidAbhaNumberError,
  InvalidHfrIdError,
  InvalidHprIdError,
  InvalidRecordInputError
} from './errors.js'

/** A soft finding: the value was accepted, but someone should look at it. Carries no patient data. */
export interface RecordWarning {
  code: 'ABHA_CHECK_DIGIT' | 'SNOMED_CHECK_DIGIT'
  field: string
}

/** A normalised value with the warnings found while validating it. */
export interface Validated<T> {
  value: T
  warnings: RecordWarning[]
}

const ABHA_BARE = /^\d{14}$/
const ABHA_HYPHENATED = /^\d{2}-\d{4}-\d{4}-\d{4}$/

/** True when the digit string passes the Luhn (mod 10) check on its last digit. */
export function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let n = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      n *= 2
      if (n > 9) n -= 9
    }
    sum += n
  }
  return sum % 10 === 0
}

/**
 * Validates an ABHA number and returns its 14 bare digits. The Luhn check digit is inferred, not
 * documented by ABDM (domain.md §1.1), so a failure is a warning, never a rejection.
 */
export function validateAbhaNumber(input: unknown, field = 'abhaNumber'): Validated<string> {
  if (typeof input !== 'string' || !(ABHA_BARE.test(input) || ABHA_HYPHENATED.test(input))) {
    throw new InvalidAbhaNumberError(field)
  }
  const value = input.replaceAll('-', '')
  return { value, warnings: luhnValid(value) ? [] : [{ code: 'ABHA_CHECK_DIGIT', field }] }
}

const ABHA_SUFFIXES = new Set(['abdm', 'sbx', 'ndhm'])
// The union of the 2023 PHR policy and the v3 enrolment rules (domain.md §1.2): starts with a letter,
// letters/digits with `.` or `_` separators that never lead, trail or touch, at most one `_`.
const ABHA_HANDLE = /^[a-z][a-z0-9]*(?:[._][a-z0-9]+)*$/

/** Validates an ABHA address `handle@abdm` (`@sbx`, legacy `@ndhm`) and returns it lower-cased. */
export function validateAbhaAddress(input: unknown, field = 'abhaAddress'): string {
  if (typeof input !== 'string' || input.length > 64) throw new InvalidAbhaAddressError(field)
  const value = input.trim().toLowerCase()
  const at = value.lastIndexOf('@')
  if (at < 0) throw new InvalidAbhaAddressError(field)
  const handle = value.slice(0, at)
  const suffix = value.slice(at + 1)
  if (!ABHA_SUFFIXES.has(suffix)) throw new InvalidAbhaAddressError(field)
  // An all-numeric handle is allowed only as the default address: the 14-digit ABHA number itself.
  if (/^\d+$/.test(handle)) {
    if (!ABHA_BARE.test(handle)) throw new InvalidAbhaAddressError(field)
    return value
  }
  const underscores = handle.split('_').length - 1
  if (handle.length < 4 || handle.length > 32 || underscores > 1 || !ABHA_HANDLE.test(handle)) {
    throw new InvalidAbhaAddressError(field)
  }
  return value
}

const HFR_ID = /^IN\d{10}$/

/** Validates an HFR facility id (`IN` + 2-digit state code + 8 digits, e.g. `IN2210000123`). */
export function validateHfrId(input: unknown, field = 'facility'): FacilityId {
  if (typeof input !== 'string' || !HFR_ID.test(input)) throw new InvalidHfrIdError(field)
  return input as FacilityId
}

/** Validates an HPR id (14 digits, bare or `71-1234-5678-9012`) and returns the bare digits. No check digit. */
export function validateHprId(input: unknown, field = 'practitioner'): PractitionerId {
  if (typeof input !== 'string' || !(ABHA_BARE.test(input) || ABHA_HYPHENATED.test(input))) {
    throw new InvalidHprIdError(field)
  }
  return input.replaceAll('-', '') as PractitionerId
}

/**
 * Validates an Indian phone number and returns its 10-digit national significant number (mobiles and
 * landlines alike: `07782-222333` is `7782222333`), so that search matches however it was typed.
 * Spaces, hyphens, `+91`/`91` and the trunk `0` are dropped.
 */
export function validatePhone(input: unknown, field = 'phone'): string {
  if (typeof input !== 'string' || input.length > 24) throw new InvalidRecordInputError(field, 'not a phone number')
  let digits = input.replace(/[\s-]/g, '')
  if (digits.startsWith('+91')) digits = digits.slice(3)
  else if (digits.length === 12 && digits.startsWith('91')) digits = digits.slice(2)
  else if (digits.length === 11 && digits.startsWith('0')) digits = digits.slice(1)
  if (/^[1-9]\d{9}$/.test(digits)) return digits
  throw new InvalidRecordInputError(field, 'not a phone number')
}
