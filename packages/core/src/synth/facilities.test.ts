import { describe, expect, it } from 'vitest'
import { validateHfrId, validateHprId } from '../record/index.js'
import { generateFacilities } from './facilities.js'
import { DISTRICTS, HUB_DISTRICT } from './geography.js'

describe('generateFacilities', () => {
  const seed = 11
  const facilities = generateFacilities(seed)

  it('has the 6 DHs, 2 CHs and 41 CHCs of Bastar across the 7 districts', () => {
    expect(facilities.filter(f => f.kind === 'DH')).toHaveLength(6)
    expect(facilities.filter(f => f.kind === 'CH')).toHaveLength(2)
    expect(facilities.filter(f => f.kind === 'CHC')).toHaveLength(41)
    expect(new Set(facilities.map(f => f.district))).toEqual(new Set(DISTRICTS.map(d => d.name)))
    for (const f of facilities)
      expect(DISTRICTS.find(d => d.name === f.district)!.blocks, `seed ${seed} ${f.name}`).toContain(f.block)
  })

  it('gives every facility a valid, unique HFR id (IN2210 + 6 digits) and valid HPR ids', () => {
    for (const f of facilities) {
      expect(validateHfrId(f.id)).toBe(f.id)
      expect(f.id).toMatch(/^IN2210\d{6}$/)
      for (const p of f.practitioners) {
        expect(validateHprId(p)).toBe(p)
        expect(p).toMatch(/^71\d{12}$/)
      }
    }
    expect(new Set(facilities.map(f => f.id)).size).toBe(facilities.length)
    expect(new Set(facilities.map(f => f.name)).size).toBe(facilities.length)
  })

  it('links hospitals by VSAT or fibre and CHCs by 4G, EDGE or 2G-over-VSAT, with a DH hub for every CHC', () => {
    for (const f of facilities) {
      if (f.kind === 'CHC') {
        expect(['4g-rural-congested', 'edge', 'lwe-2g-vsat']).toContain(f.link)
        const hub = facilities.find(h => h.id === f.hub)
        expect(hub?.kind, `seed ${seed} ${f.name}`).toBe('DH')
        expect(hub!.district).toBe(HUB_DISTRICT[f.district])
        expect(f.opdPerDay).toBeGreaterThanOrEqual(40)
        expect(f.opdPerDay).toBeLessThanOrEqual(250)
      } else {
        expect(['vsat-geo', 'bharatnet-fibre']).toContain(f.link)
        expect(f.hub).toBeUndefined()
      }
    }
    expect(new Set(facilities.filter(f => f.kind === 'CHC').map(f => f.link)).size).toBe(3)
  })

  it('is deterministic for a seed and differs between seeds', () => {
    expect(JSON.stringify(generateFacilities(seed))).toBe(JSON.stringify(facilities))
    expect(generateFacilities(seed + 1).map(f => f.id)).not.toEqual(facilities.map(f => f.id))
  })
})
