/** Dates and attendance multipliers: weekdays, the monsoon and haat-bazaar days (domain.md §5.3). */
import type { IsoDate, IsoInstant } from '../record/index.js'
import type { Prng } from '../testing/prng.js'
import { InvalidSynthParameterError } from './errors.js'

const DAY_MS = 86_400_000
// Monday peak; Sunday OPD is closed or emergency-only.
const WEEKDAY = [0.15, 1.3, 1.05, 1, 1, 0.95, 0.9] as const
// IST is UTC+05:30; OPD registration runs roughly 09:00–14:00 IST.
const OPD_OPEN_UTC_MIN = 3 * 60 + 30
const OPD_HOURS_MIN = 5 * 60

/** Milliseconds since the epoch of a `YYYY-MM-DD` date at 00:00 UTC; throws on a malformed date. */
export function dateMs(date: IsoDate): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00.000Z`) : Number.NaN
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date)
    throw new InvalidSynthParameterError('date', 'not a YYYY-MM-DD date')
  return ms
}

/** The date `days` after `date`. */
export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(dateMs(date) + days * DAY_MS).toISOString().slice(0, 10)
}

/** An instant `minutes` after the given one. */
export function addMinutes(at: IsoInstant, minutes: number): IsoInstant {
  return new Date(Date.parse(at) + Math.round(minutes) * 60_000).toISOString()
}

/** True in the monsoon months, July–October, when fever and malaria surge. */
export function isMonsoon(date: IsoDate): boolean {
  const month = Number(date.slice(5, 7))
  return month >= 7 && month <= 10
}

/** Relative OPD attendance on a date (1 = an ordinary weekday outside the monsoon). */
export function attendance(date: IsoDate, haatDay?: number): number {
  const weekday = new Date(dateMs(date)).getUTCDay()
  return WEEKDAY[weekday]! * (isMonsoon(date) ? 1.15 : 1) * (weekday === haatDay ? 1.15 : 1)
}

/** A random OPD time on the date. */
export function opdInstant(prng: Prng, date: IsoDate): IsoInstant {
  return new Date(
    dateMs(date) + (OPD_OPEN_UTC_MIN + prng.int(0, OPD_HOURS_MIN)) * 60_000 + prng.int(0, 59) * 1000
  ).toISOString()
}

/** Samples dates in a range by attendance weight (binary search over a cumulative table). */
export class DateSampler {
  readonly #dates: IsoDate[] = []
  readonly #cumulative: number[] = []

  constructor(from: IsoDate, days: number) {
    if (!Number.isInteger(days) || days < 1) throw new InvalidSynthParameterError('days', 'must be a positive integer')
    let total = 0
    for (let i = 0; i < days; i++) {
      const d = addDays(from, i)
      total += attendance(d)
      this.#dates.push(d)
      this.#cumulative.push(total)
    }
  }

  /** One date, weighted by attendance. */
  sample(prng: Prng): IsoDate {
    const r = prng.next() * this.#cumulative[this.#cumulative.length - 1]!
    let lo = 0
    let hi = this.#cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.#cumulative[mid]! > r) hi = mid
      else lo = mid + 1
    }
    return this.#dates[lo]!
  }
}
