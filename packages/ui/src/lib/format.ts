/** Indian display formats: DD/MM/YYYY dates and 24-hour times in Asia/Kolkata, whatever the PC's zone. */
import type { BirthInfo } from '@pagdandi/core/record'

const TZ = 'Asia/Kolkata'
const dateFmt = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' })
const timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false })

/** `DD/MM/YYYY` for an ISO instant or an ISO calendar date; '' when absent or invalid. */
export function formatDate(iso: string | undefined | null): string {
  if (!iso) return ''
  // A bare calendar date is a date in India, not midnight UTC.
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (m) return `${m[3]}/${m[2]}/${m[1]}`
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : dateFmt.format(d)
}

/** `DD/MM/YYYY HH:mm` (IST) for an ISO instant. */
export function formatDateTime(iso: string | undefined | null): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : `${dateFmt.format(d)} ${timeFmt.format(d)}`
}

/** Today's calendar date in India, `YYYY-MM-DD`. */
export function todayInIndia(now = new Date()): string {
  const [dd, mm, yyyy] = dateFmt.format(now).split('/')
  return `${yyyy}-${mm}-${dd}`
}

/** Parses `DD/MM/YYYY` into `YYYY-MM-DD`; undefined when it is not a real date. */
export function parseIndianDate(text: string): string | undefined {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text)
  if (!m) return undefined
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const dt = new Date(Date.UTC(y, mo - 1, d))
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return undefined
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/** Age in whole years on `today` (YYYY-MM-DD), from whatever is known of the birth; undefined when nothing is. */
export function ageYears(birth: BirthInfo, today = todayInIndia()): number | undefined {
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number]
  switch (birth.kind) {
    case 'year':
      return ty - birth.year
    case 'approx-age':
      return birth.years + (ty - Number(birth.asOf.slice(0, 4)))
    case 'date': {
      const [y, m, d] = birth.date.split('-').map(Number) as [number, number, number]
      return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0)
    }
    case 'unknown':
      return undefined
  }
}
