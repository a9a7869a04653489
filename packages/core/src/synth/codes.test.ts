import { describe, expect, it } from 'vitest'
import { validateCoding } from '../record/index.js'
import { DRUG, DX, LAB } from './codes.js'

describe('clinical codes', () => {
  it('uses well-formed SNOMED CT (Verhoeff check digit), ICD-10 and LOINC codes', () => {
    for (const [name, coding] of Object.entries(DX)) {
      expect(validateCoding(coding, name).warnings, name).toEqual([])
    }
    for (const [name, lab] of Object.entries(LAB)) {
      expect(lab.test.system).toBe('http://loinc.org')
      expect(validateCoding(lab.test, name).warnings, name).toEqual([])
    }
    for (const [name, drug] of Object.entries(DRUG)) {
      if (drug.adultCoding === undefined) continue
      expect(drug.adultCoding.system, name).toBe('http://snomed.info/sct')
      expect(validateCoding(drug.adultCoding, name).warnings, name).toEqual([])
    }
  })
})
