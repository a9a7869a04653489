/**
 * FHIR date and time values (R4 datatypes §2.24.0.1), and their normalisation into the record's UTC
 * instants. Indian systems write `+05:30`; the record orders by UTC strings, so every time read from
 * a bundle goes through {@link toUtcInstant} before it reaches a patient document.
 */
import type { IsoInstant } from '../record/types.js'

const YEAR = '([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)'
const TIME = 'T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))'

/** The R4 `date` regex: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
export const FHIR_DATE = new RegExp(`^${YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$`)
/** The R4 `dateTime` regex: a date, or a full date with a time and a zone. */
export const FHIR_DATE_TIME = new RegExp(`^${YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(${TIME})?)?)?$`)
/** The R4 `instant` regex: a full date, time and zone. */
export const FHIR_INSTANT = new RegExp(`^${YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])${TIME}$`)

/**
 * A FHIR `dateTime` or `instant` as the record's UTC instant (`…Z`, milliseconds), or undefined if it
 * is not one. A partial date (`2026`, `2026-11`, `2026-11-01`) is read as its first instant in UTC; a
 * leap second (`:60`) as the last millisecond of its minute; fractions beyond milliseconds are cut.
 */
export function toUtcInstant(value: unknown): IsoInstant | undefined {
  if (typeof value !== 'string' || !FHIR_DATE_TIME.test(value)) return undefined
  let v = value.replace(/(\.\d{3})\d+/, '$1')
  if (/T\d{2}:\d{2}:60/.test(v)) v = v.replace(/:60(\.\d+)?/, ':59.999')
  if (/^\d{4}$/.test(v)) v = `${v}-01-01`
  else if (/^\d{4}-\d{2}$/.test(v)) v = `${v}-01`
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v)
  if (!Number.isFinite(ms)) return undefined
  // 2026-02-30 matches the regex; Date.parse rolls it over, so a day that does not exist is refused.
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(v)
  if (day !== null && !isCalendarDay(Number(day[1]), Number(day[2]), Number(day[3]))) return undefined
  return new Date(ms).toISOString()
}

function isCalendarDay(y: number, m: number, d: number): boolean {
  const probe = new Date(Date.UTC(2000, m - 1, d))
  probe.setUTCFullYear(y)
  return probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d
}
