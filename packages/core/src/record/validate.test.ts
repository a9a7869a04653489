import { describe, expect, it } from 'vitest'
import {
  luhnValid,
  validateAbhaAddress,
  validateAbhaNumber,
  validateHfrId,
  validateHprId,
  validatePhone
} from './validate-ids.js'
import {
  validateCoding,
  validateIsoDate,
  validateIsoInstant,
  validateText,
  validateVitals,
  verhoeffValid
} from './validate-clinical.js'
import { withLuhn } from './test-fixtures.js'

const GOOD_ABHA = withLuhn('9100000012345')
const hyphenate = (s: string): string => `${s.slice(0, 2)}-${s.slice(2, 6)}-${s.slice(6, 10)}-${s.slice(10)}`
const BAD_LUHN = GOOD_ABHA.slice(0, 13) + String((Number(GOOD_ABHA[13]) + 1) % 10)

describe('validateAbhaNumber', () => {
  it.each([
    [GOOD_ABHA, GOOD_ABHA],
    [hyphenate(GOOD_ABHA), GOOD_ABHA]
  ])('accepts %s without warnings', (input, value) => {
    expect(validateAbhaNumber(input)).toEqual({ value, warnings: [] })
  })

  it('accepts a number failing the Luhn check but warns', () => {
    expect(luhnValid(BAD_LUHN)).toBe(false)
    expect(validateAbhaNumber(BAD_LUHN)).toEqual({
      value: BAD_LUHN,
      warnings: [{ code: 'ABHA_CHECK_DIGIT', field: 'abhaNumber' }]
    })
  })

  it.each([
    '',
    '9100000012345',
    '910000001234567',
    '91-00000-0123-45',
    '9100-0000-1234-5',
    'abcdefghijklmn',
    ' 91000000123456',
    91000000123456
  ])('rejects %j with InvalidAbhaNumberError', input => {
    expect(() => validateAbhaNumber(input)).toThrow(
      expect.objectContaining({ name: 'InvalidAbhaNumberError', code: 'ERR_INVALID_ABHA_NUMBER' })
    )
  })

  it('never puts the number in the error message', () => {
    try {
      validateAbhaNumber('9100000012345')
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('9100000012345')
    }
  })
})

describe('validateAbhaAddress', () => {
  it.each([
    ['sukmati.k@abdm', 'sukmati.k@abdm'],
    ['Sukmati_1990@sbx', 'sukmati_1990@sbx'],
    ['budhru12@ndhm', 'budhru12@ndhm'],
    [`${GOOD_ABHA}@abdm`, `${GOOD_ABHA}@abdm`]
  ])('accepts %s', (input, value) => {
    expect(validateAbhaAddress(input)).toBe(value)
  })

  it.each([
    'sukmati',
    'abc@abdm',
    '1sukmati@abdm',
    '.sukmati@abdm',
    'sukmati.@abdm',
    'suk..mati@abdm',
    'a_b_cdefg@abdm',
    'sukmati@gmail',
    '12345@abdm',
    'suk mati@abdm',
    'sukmati@',
    42
  ])('rejects %j with InvalidAbhaAddressError', input => {
    expect(() => validateAbhaAddress(input)).toThrow(expect.objectContaining({ name: 'InvalidAbhaAddressError' }))
  })
})

describe('validateHfrId and validateHprId', () => {
  it.each(['IN2210000123', 'IN2710000109'])('accepts HFR %s', id => {
    expect(validateHfrId(id)).toBe(id)
  })
  it.each(['IN221000012', 'IN22100001234', 'in2210000123', 'IN22-1000-0123', '2210000123', ''])(
    'rejects HFR %j',
    id => {
      expect(() => validateHfrId(id)).toThrow(expect.objectContaining({ name: 'InvalidHfrIdError' }))
    }
  )
  it.each([
    ['71123456789012', '71123456789012'],
    ['71-1234-5678-9012', '71123456789012']
  ])('accepts HPR %s (no check digit)', (id, value) => {
    expect(validateHprId(id)).toBe(value)
  })
  it.each(['7112345678901', '71-123-45678-9012', 'HPR71123456789012'])('rejects HPR %j', id => {
    expect(() => validateHprId(id)).toThrow(expect.objectContaining({ name: 'InvalidHprIdError' }))
  })
})

describe('validatePhone', () => {
  it.each([
    ['9876501234', '9876501234'],
    ['+91 98765 01234', '9876501234'],
    ['919876501234', '9876501234'],
    ['09876501234', '9876501234'],
    ['07782-222333', '7782222333']
  ])('accepts %s as %s', (input, value) => {
    expect(validatePhone(input)).toBe(value)
  })
  it.each(['12345', '0876501234', '98765012345678', 'call me', '+91 0987650123'])('rejects %j', input => {
    expect(() => validatePhone(input)).toThrow(expect.objectContaining({ name: 'InvalidRecordInputError' }))
  })
})

describe('validateIsoDate and validateIsoInstant', () => {
  const now = '2026-11-20T09:30:00.000Z'
  it.each(['2024-02-29', '1950-01-01', '2026-11-21'])('accepts %s (a day of skew allowed)', d => {
    expect(validateIsoDate(d, 'date', now)).toBe(d)
  })
  it.each([
    ['2023-02-29', 'not a real calendar date'],
    ['2026-13-01', 'not a real calendar date'],
    ['1850-01-01', 'not a real calendar date'],
    ['20-11-2026', 'YYYY-MM-DD'],
    ['2026-11-23', 'in the future']
  ])('rejects %s (%s)', (d, why) => {
    expect(() => validateIsoDate(d, 'date', now)).toThrow(
      expect.objectContaining({ name: 'InvalidDateError', message: expect.stringContaining(why) })
    )
  })
  it.each(['2026-11-20T09:30:00Z', '2026-11-20T09:30:00.123Z'])('accepts instant %s', t => {
    expect(validateIsoInstant(t)).toBe(t)
  })
  it.each(['2026-11-20T24:00:00Z', '2026-11-20T09:30:00+05:30', '2026-02-30T00:00:00Z', '2026-11-20'])(
    'rejects instant %s',
    t => {
      expect(() => validateIsoInstant(t)).toThrow(expect.objectContaining({ name: 'InvalidDateError' }))
    }
  )
})

describe('validateCoding', () => {
  const S = 'http://snomed.info/sct'
  const I = 'http://hl7.org/fhir/sid/icd-10'
  const L = 'http://loinc.org'
  it.each([
    [S, '61462000'],
    [S, '38341003'],
    [I, 'B50'],
    [I, 'B50.9'],
    [I, 'O14.1'],
    [L, '718-7'],
    [L, '32700-7']
  ])('accepts %s %s without warnings', (system, code) => {
    expect(validateCoding({ system, code, display: 'x' }, 'c')).toEqual({
      value: { system, code, display: 'x' },
      warnings: []
    })
  })
  it('accepts a SNOMED code failing its Verhoeff check digit but warns', () => {
    expect(verhoeffValid('61462001')).toBe(false)
    expect(validateCoding({ system: S, code: '61462001', display: 'x' }, 'c').warnings).toEqual([
      { code: 'SNOMED_CHECK_DIGIT', field: 'c' }
    ])
  })
  it.each([
    [S, '12345'],
    [S, '1234567890123456789'],
    [S, '6146200a'],
    [I, 'b50.9'],
    [I, 'B5'],
    [I, 'B50.12345'],
    [I, 'B509'],
    [L, '718'],
    [L, '12345678-9'],
    ['http://example.org', '123456'],
    [L, '718-7 ']
  ])('rejects %s %j', (system, code) => {
    expect(() => validateCoding({ system, code, display: 'x' }, 'c')).toThrow(
      expect.objectContaining({ name: 'InvalidCodeError' })
    )
  })
  it('rejects a system outside the allowed list and an empty display', () => {
    expect(() => validateCoding({ system: L, code: '718-7', display: 'Hb' }, 'c', [S, I])).toThrow(
      expect.objectContaining({ name: 'InvalidCodeError' })
    )
    expect(() => validateCoding({ system: L, code: '718-7', display: ' ' }, 'c')).toThrow(
      expect.objectContaining({ name: 'InvalidCodeError' })
    )
  })
})

describe('validateVitals', () => {
  it('accepts physiological values, including a neonate', () => {
    expect(validateVitals({ systolic: 120, diastolic: 80, pulse: 72, temperature: 37, spo2: 98 })).toEqual({
      systolic: 120,
      diastolic: 80,
      pulse: 72,
      temperature: 37,
      spo2: 98
    })
    expect(validateVitals({ weight: 2.4, height: 48, pulse: 150, respiratoryRate: 50 })).toEqual({
      weight: 2.4,
      height: 48,
      pulse: 150,
      respiratoryRate: 50
    })
  })
  it.each([
    { temperature: 98.6 },
    { spo2: 101 },
    { pulse: 0 },
    { systolic: 80, diastolic: 120 },
    { weight: Number.NaN },
    { muac: '12' }
  ])('rejects %j with VitalOutOfRangeError', v => {
    expect(() => validateVitals(v)).toThrow(expect.objectContaining({ name: 'VitalOutOfRangeError' }))
  })
  it('rejects an unknown vital sign', () => {
    expect(() => validateVitals({ bp: '120/80' })).toThrow(expect.objectContaining({ name: 'InvalidRecordInputError' }))
  })
})

describe('validateText', () => {
  it('trims and bounds free text, refusing control characters', () => {
    expect(validateText('  fever ', 'f')).toBe('fever')
    expect(() => validateText('', 'f')).toThrow(expect.objectContaining({ name: 'InvalidRecordInputError' }))
    expect(() => validateText('x'.repeat(201), 'f')).toThrow(
      expect.objectContaining({ name: 'InvalidRecordInputError' })
    )
    expect(() => validateText('a\u0000b', 'f')).toThrow(expect.objectContaining({ name: 'InvalidRecordInputError' }))
  })
})
