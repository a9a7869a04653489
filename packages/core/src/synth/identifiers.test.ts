import { describe, expect, it } from 'vitest'
import { luhnValid, validateAbhaAddress, validateAbhaNumber } from '../record/index.js'
import { Prng } from '../testing/prng.js'
import { luhnCheckDigit, synthAbhaAddress, synthAbhaNumber } from './identifiers.js'
import { givenName, surname } from './names.js'

describe('synthetic identifiers', () => {
  const seed = 23

  it('makes ABHA numbers with the synthetic 91 prefix that pass the Luhn check without warnings', () => {
    const prng = new Prng(seed)
    for (let i = 0; i < 2000; i++) {
      const n = synthAbhaNumber(prng)
      expect(n, `seed ${seed}`).toMatch(/^91\d{12}$/)
      expect(luhnValid(n)).toBe(true)
      expect(validateAbhaNumber(n).warnings).toEqual([])
    }
  })

  it('computes the check digit of the ABDM sandbox example 91-1783-8610-1731', () => {
    expect(luhnCheckDigit('9117838610173')).toBe(1)
  })

  it('makes ABHA addresses with v3 handles: 8–18 chars, letter first, at most one . or _, accepted by the validator', () => {
    const prng = new Prng(seed)
    for (let i = 0; i < 2000; i++) {
      const sex = prng.chance(0.5) ? 'female' : 'male'
      const address = synthAbhaAddress(prng, givenName(prng, sex, true), surname(prng, true))
      const handle = address.slice(0, -'@abdm'.length)
      expect(address.endsWith('@abdm'), `seed ${seed} ${address}`).toBe(true)
      expect(handle.length).toBeGreaterThanOrEqual(8)
      expect(handle.length).toBeLessThanOrEqual(18)
      expect(handle).toMatch(/^[a-z][a-z0-9]*([._][a-z0-9]+)?$/)
      expect(validateAbhaAddress(address)).toBe(address)
    }
  })
})
