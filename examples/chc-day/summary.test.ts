import { describe, expect, it } from 'vitest'
import { generateChcDay, generateFacilities } from '@pagdandi/core/synth'
import { summariseChcDay } from './summary.js'

const SEED = 7
const facilities = generateFacilities(SEED)
const chc = facilities.find(f => f.kind === 'CHC')!
const day = generateChcDay({ seed: SEED, facility: chc, date: '2025-08-04', facilities })
const text = summariseChcDay(day)
const lines = text.split('\n')

describe(`summariseChcDay (seed ${SEED})`, () => {
  it('names the facility, its block and district, and the day', () => {
    expect(lines[0]).toBe(`${chc.name} (${chc.id}), ${chc.block} block, ${chc.district} district`)
    expect(lines[1]).toBe(`OPD on 2025-08-04: ${day.patients.length} patients`)
  })

  it('counts OPD visits by diagnosis group, adding up to every visit of the day', () => {
    const start = lines.indexOf('By diagnosis group:') + 1
    const rows = lines.slice(start, lines.indexOf('', start))
    const counts = rows.map(r => Number(/\s(\d+)\s+\d+%$/.exec(r)?.[1]))
    const visits = day.patients.flatMap(p => p.visits)
    expect(counts.every(n => n > 0)).toBe(true)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(visits.length)
    expect(rows).toHaveLength(new Set(visits.map(v => v.group)).size)
    // Largest group first.
    expect([...counts].sort((a, b) => b - a)).toEqual(counts)
  })

  it('lists every referral with its destination and reason', () => {
    const referred = day.patients.flatMap(p => p.visits).filter(v => v.referral !== undefined)
    expect(referred.length).toBeGreaterThan(0)
    expect(text).toContain(`Referrals: ${referred.length} (`)
    for (const v of referred) expect(text).toContain(`to ${v.referral!.toName} by `)
    for (const v of referred) expect(text).toContain(v.referral!.input.reason)
  })

  it('gives the same summary for the same seed', () => {
    expect(summariseChcDay(generateChcDay({ seed: SEED, facility: chc, date: '2025-08-04', facilities }))).toBe(text)
  })
})
