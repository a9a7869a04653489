import { describe, expect, it } from 'vitest'
import { toUtcInstant } from './datetime.js'

describe('FHIR dateTime and instant to the record’s UTC instant', () => {
  it('normalises any offset, fraction and precision the R4 regex allows', () => {
    expect(toUtcInstant('2026-11-20T10:15:00+05:30')).toBe('2026-11-20T04:45:00.000Z')
    expect(toUtcInstant('2026-11-20T00:15:00+05:30')).toBe('2026-11-19T18:45:00.000Z')
    expect(toUtcInstant('2026-11-20T10:15:00.123456-03:00')).toBe('2026-11-20T13:15:00.123Z')
    expect(toUtcInstant('2026-11-20T10:15:00Z')).toBe('2026-11-20T10:15:00.000Z')
    expect(toUtcInstant('2026-11-20T10:15:00+14:00')).toBe('2026-11-19T20:15:00.000Z')
    expect(toUtcInstant('2026-11-20')).toBe('2026-11-20T00:00:00.000Z')
    expect(toUtcInstant('2026-11')).toBe('2026-11-01T00:00:00.000Z')
    expect(toUtcInstant('2026')).toBe('2026-01-01T00:00:00.000Z')
    expect(toUtcInstant('2016-12-31T23:59:60Z')).toBe('2016-12-31T23:59:59.999Z')
  })

  it('refuses what is not a FHIR dateTime, or a day that does not exist', () => {
    for (const bad of [
      '20/11/2026',
      '2026-11-20T10:15',
      '2026-11-20T10:15:00',
      '2026-02-30',
      '2026-13-01',
      20261120,
      ''
    ])
      expect(toUtcInstant(bad), String(bad)).toBeUndefined()
  })
})
