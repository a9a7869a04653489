import * as A from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { checkEdit } from './edit.js'
import { InvalidRecordInputError } from './errors.js'
import { createPatientDoc, newPatientDoc, validateBirth } from './registration.js'
import { CHC, registration, testContext } from './test-fixtures.js'
import type { PatientDoc } from './types.js'

type Doc = A.Doc<PatientDoc>
/** A patient known only from an imported record: no birth date, no address (what merge.ts registers). */
const imported = (): Doc =>
  createPatientDoc(
    registration({ birth: { kind: 'unknown' }, village: undefined, block: undefined, district: undefined }),
    testContext(CHC, 'r')
  )
/** A raw write, as a hostile automerge-repo client makes it (no change function). */
const raw = (doc: Doc, fn: (d: Record<string, Record<string, unknown>>) => void): Doc =>
  A.change(A.clone(doc), d => fn(d as unknown as Record<string, Record<string, unknown>>))

describe('a birth date and an address nobody knows', () => {
  it('registers the unknown birth and the absent address as they are, with no made-up year or village', () => {
    const d = newPatientDoc(
      registration({ birth: { kind: 'unknown' }, village: undefined, block: undefined, district: undefined }),
      testContext(CHC)
    )
    expect(d.demographics.birth).toEqual({ kind: 'unknown' })
    expect(d.demographics.address).toEqual({})
    expect(JSON.stringify(d)).not.toMatch(/1900|"village"/)
  })

  it('refuses an unknown birth that carries anything else, and a kind that is not one', () => {
    expect(() => validateBirth({ kind: 'unknown', year: 1900 }, '2026-11-20T09:30:00.000Z')).toThrow(
      InvalidRecordInputError
    )
    expect(() => validateBirth({ kind: 'unknwn' }, '2026-11-20T09:30:00.000Z')).toThrow(/birth\.kind/)
  })

  it('the schema a /sync change is judged by accepts both states and still refuses garbage', () => {
    const d0 = imported()
    expect(() => checkEdit(undefined, d0)).not.toThrow()
    // A clinician may later drop a village they learn was wrong: "not known" is a state, not an error.
    const known = createPatientDoc(registration(), testContext(CHC, 'k'))
    expect(() =>
      checkEdit(
        known,
        raw(known, d => {
          delete d.demographics!.address
          d.demographics!.address = { district: 'Bastar' }
        })
      )
    ).not.toThrow()
    const refused = (fn: (d: Record<string, Record<string, unknown>>) => void): unknown => {
      try {
        checkEdit(d0, raw(d0, fn))
      } catch (err) {
        return (err as { path?: string }).path ?? String(err)
      }
      return 'accepted'
    }
    expect(refused(d => (d.demographics!.birth = { kind: 'unknown', year: 1900 }))).toBe('demographics/birth/year')
    expect(refused(d => (d.demographics!.birth = { kind: 'guess' }))).toBe('demographics/birth/kind')
    expect(refused(d => (d.demographics!.birth = 'unknown'))).toBe('demographics/birth')
    expect(refused(d => (d.demographics!.address = { village: '' }))).toMatch(/village/)
    expect(refused(d => (d.demographics!.address = { village: 'Tokapal', town: 'x' }))).toBe(
      'demographics/address/town'
    )
  })
})
