import { describe, expect, it } from 'vitest'
import { validateCoding } from '../record/index.js'
import { DX, LAB } from './codes.js'

describe('clinical codes', () => {
  it('uses well-formed SNOMED CT (Verhoeff check digit), ICD-10 and LOINC codes', () => {
    for (const [name, coding] of Object.entries(DX)) {
      expect(validateCoding(coding, name).warnings, name).toEqual([])
    }
    for (const [name, lab] of Object.entries(LAB)) {
      expect(lab.test.system).toBe('http://loinc.org')
      expect(validateCoding(lab.test, name).warnings, name).toEqual([])
    }
  })
})
