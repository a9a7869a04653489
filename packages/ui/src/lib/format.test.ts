/** Indian date formats, whatever the machine's time zone. */
import { describe, expect, it } from 'vitest'
import { ageYears, formatDate, formatDateTime, parseIndianDate, todayInIndia } from './format.js'

describe('Indian date formats', () => {
  it('shows instants as DD/MM/YYYY HH:mm in Asia/Kolkata, across midnight UTC', () => {
    expect(formatDate('2026-11-25T20:00:00.000Z')).toBe('26/11/2026')
    expect(formatDateTime('2026-11-25T20:00:00.000Z')).toBe('26/11/2026 01:30')
    expect(todayInIndia(new Date('2026-11-25T20:00:00.000Z'))).toBe('2026-11-26')
  })

  it('shows a calendar date as itself, and answers nothing for garbage', () => {
    expect(formatDate('2026-01-05')).toBe('05/01/2026')
    expect(formatDate('not a date')).toBe('')
    expect(formatDate(undefined)).toBe('')
  })

  it('reads DD/MM/YYYY and refuses impossible dates', () => {
    expect(parseIndianDate('5/1/2026')).toBe('2026-01-05')
    expect(parseIndianDate('31/02/2026')).toBeUndefined()
    expect(parseIndianDate('2026-01-05')).toBeUndefined()
  })

  it('computes age from an exact date, a year or an approximate age', () => {
    expect(ageYears({ kind: 'date', date: '2000-11-27' }, '2026-11-26')).toBe(25)
    expect(ageYears({ kind: 'date', date: '2000-11-26' }, '2026-11-26')).toBe(26)
    expect(ageYears({ kind: 'year', year: 1990 }, '2026-11-26')).toBe(36)
    expect(ageYears({ kind: 'approx-age', years: 40, asOf: '2024-06-01' }, '2026-11-26')).toBe(42)
  })

  it('gives no age when the birth is not known (never one from a made-up year)', () => {
    expect(ageYears({ kind: 'unknown' }, '2026-11-26')).toBeUndefined()
  })
})
