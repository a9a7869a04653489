/** The registration form's checks: every error at once by field, birth dates and ABHA numbers (issue 15). */
import { describe, expect, it } from 'vitest'
import { Prng, testSeed } from '@pagdandi/core/testing'
import {
  checkRegistration,
  dateBefore,
  emptyRegistration,
  groupAbha,
  monthsAndDays,
  type RegisterFields
} from './registration.js'

const EMPTY: RegisterFields = emptyRegistration()
const TODAY = '2026-12-04'

describe('checking a registration', () => {
  it('names every missing field at once', () => {
    const c = checkRegistration({ ...EMPTY, phone: '12', abhaNumber: '12', abhaAddress: 'x' }, TODAY)
    expect(c.input).toBeUndefined()
    expect(c.errors).toEqual({
      name: 'register.needName',
      age: 'register.needAge',
      village: 'register.needVillage',
      block: 'register.needBlock',
      district: 'register.needDistrict',
      uhid: 'register.needUhid',
      phone: 'register.badPhone',
      abhaNumber: 'register.badAbha',
      abhaAddress: 'register.badAbhaAddress'
    })
  })

  const valid: RegisterFields = {
    ...EMPTY,
    name: ' Sunita Kashyap ',
    age: '28',
    village: 'Kilepal',
    block: 'Tokapal',
    district: 'Bastar',
    uhid: 'TKP-1'
  }

  it('says a birth date in the future is in the future, and takes one in the past', () => {
    expect(checkRegistration({ ...valid, birthMode: 'date', birthDate: '05/12/2026' }, TODAY).errors.birthDate).toBe(
      'register.futureDate'
    )
    expect(checkRegistration({ ...valid, birthMode: 'date', birthDate: '31/02/2020' }, TODAY).errors.birthDate).toBe(
      'register.needDate'
    )
    expect(checkRegistration({ ...valid, birthMode: 'date', birthDate: '04/12/2026' }, TODAY).input?.birth).toEqual({
      kind: 'date',
      date: '2026-12-04'
    })
  })

  it('warns, without blocking, of an ABHA number whose check digit is wrong, and stores the digits bare', () => {
    const wrong = checkRegistration({ ...valid, abhaNumber: '12345678901234' }, TODAY)
    expect(wrong.warnings.abhaNumber).toBe('register.abhaCheckDigit')
    expect(wrong.input?.abhaNumber).toBe('12345678901234')
    const right = checkRegistration({ ...valid, abhaNumber: '91-1234-5678-9015' }, TODAY)
    expect(right.warnings).toEqual({})
    expect(right.input?.abhaNumber).toBe('91123456789015')
    expect(groupAbha('12345678901234')).toBe('12-3456-7890-1234')
  })

  it("takes an infant's age in months and days, and gives the same months and days back (seeded)", () => {
    const seed = testSeed('PAGDANDI_INFANT_SEED', 15)
    const prng = new Prng(seed)
    for (let i = 0; i < 500; i++) {
      const today = dateBefore('2028-03-01', 0, prng.int(0, 1500))
      const months = prng.int(0, 23)
      const days = prng.int(0, 27)
      const born = dateBefore(today, months, days)
      const back = monthsAndDays(born, today)
      const why = `seed ${seed}: ${today} − ${months} mo ${days} d = ${born}`
      // Exact, unless the day had to be clamped to a shorter month (the 31st, 3 months back, is the 30th).
      const dayBack = Number(dateBefore(today, 0, days).slice(8))
      if (dayBack <= 28) expect(back, why).toEqual({ months, days })
      else {
        expect(back?.months, why).toBe(months)
        expect(Math.abs((back?.days ?? 99) - days), why).toBeLessThanOrEqual(3)
      }
    }
    expect(checkRegistration({ ...valid, birthMode: 'infant', months: '3', days: '10' }, TODAY).input?.birth).toEqual({
      kind: 'date',
      date: '2026-08-24'
    })
  })
})
