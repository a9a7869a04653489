/**
 * Synthetic identifiers in the formats of domain.md §1. Every number is marked as synthetic where the
 * format allows it (ABHA numbers start with `91`, the sandbox-looking prefix), so none can be mistaken
 * for a real person's.
 */
import type { FacilityId, PractitionerId } from '../record/index.js'
import type { Prng } from '../testing/prng.js'

function digits(prng: Prng, n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += String(prng.int(0, 9))
  return s
}

/** The Luhn (mod 10) check digit that makes `body + digit` pass the Luhn check. */
export function luhnCheckDigit(body: string): number {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    // Doubling starts at the rightmost body digit, because the check digit will sit to its right.
    let n = body.charCodeAt(body.length - 1 - i) - 48
    if (i % 2 === 0) {
      n *= 2
      if (n > 9) n -= 9
    }
    sum += n
  }
  return (10 - (sum % 10)) % 10
}

/** A 14-digit synthetic ABHA number: `91`, 11 random digits, a Luhn check digit (stored bare). */
export function synthAbhaNumber(prng: Prng): string {
  const body = '91' + digits(prng, 11)
  return body + String(luhnCheckDigit(body))
}

/**
 * A v3-conformant ABHA address handle (domain.md §1.2: 8–18 characters, starts with a letter,
 * letters and digits with at most one `.` or `_` not at either end), built from the person's name.
 */
export function synthAbhaAddress(prng: Prng, givenName: string, surname: string): string {
  const clean = (s: string): string => s.toLowerCase().replace(/[^a-z]/g, '')
  const given = clean(givenName).slice(0, 9) || 'user'
  const family = clean(surname).slice(0, 6)
  const sep = prng.weighted([
    ['', 4],
    ['.', 3],
    ['_', 2]
  ] as const)
  let handle = given + (family === '' ? '' : sep + family)
  // Numbers pad short handles to 8 and make popular names unique, as real users do.
  const pad = Math.max(8 - handle.length, prng.int(0, 4))
  handle += digits(prng, pad)
  if (handle.length > 18) handle = handle.slice(0, 18)
  if (!/[a-z0-9]$/.test(handle)) handle = handle.slice(0, -1) + String(prng.int(0, 9))
  return `${handle}@abdm`
}

/** An HFR-format facility id: `IN22` (Chhattisgarh) + `10` + six digits, as in domain.md §1.3. */
export function synthHfrId(prng: Prng): FacilityId {
  return `IN2210${digits(prng, 6)}` as FacilityId
}

/** An HPR-format professional id: 14 digits starting `71` (domain.md §1.4; no check digit). */
export function synthHprId(prng: Prng): PractitionerId {
  return `71${digits(prng, 12)}` as PractitionerId
}

/** A 10-digit Indian mobile number (first digit 6–9). */
export function synthMobile(prng: Prng): string {
  return String(prng.int(6, 9)) + digits(prng, 9)
}
