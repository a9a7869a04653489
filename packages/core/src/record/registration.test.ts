import * as Automerge from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { createPatientDoc, linkAbha, markDuplicate, newPatientDoc, setUhid } from './registration.js'
import { readPatient } from './strings.js'
import type { PatientDoc, PatientId } from './types.js'
import { CHC, DH, registration, testContext, withLuhn } from './test-fixtures.js'

const ABHA = withLuhn('9100000012345')

describe('newPatientDoc', () => {
  it('registers a patient offline with a facility-local UHID and no ABHA', () => {
    const doc = readPatient(createPatientDoc(registration(), testContext(CHC)))
    expect(doc.demographics).toMatchObject({
      name: 'Sukmati Kashyap',
      sex: 'female',
      address: { village: 'Tokapal', district: 'Bastar' },
      phone: '9876501234',
      nameVariants: []
    })
    expect(doc.identifiers).toEqual({ uhid: { [CHC]: 'CHC-TKP-000123' } })
    expect(doc.registeredBy).toBe(CHC)
    expect(doc.encounters).toEqual({})
  })

  it('stamps the given time and actor on the registration change, so the saved bytes repeat', () => {
    const make = (): Automerge.Doc<PatientDoc> =>
      createPatientDoc(registration(), testContext(CHC), { actor: 'ab'.repeat(16), time: 1_700_000_000 })
    const doc = make()
    expect(Automerge.getHistory(doc).map(h => h.change.time)).toEqual([1_700_000_000])
    expect(Automerge.getActorId(doc)).toBe('ab'.repeat(16))
    expect(Automerge.save(make())).toEqual(Automerge.save(doc))
    expect(Automerge.toJS(doc)).toEqual(Automerge.toJS(createPatientDoc(registration(), testContext(CHC))))
    expect(() => createPatientDoc(registration(), testContext(CHC), { time: 1.5 })).toThrow(TypeError)
  })

  it('normalises ABHA number, address and phone', () => {
    const hyphenated = `${ABHA.slice(0, 2)}-${ABHA.slice(2, 6)}-${ABHA.slice(6, 10)}-${ABHA.slice(10)}`
    const doc = newPatientDoc(
      registration({ abhaNumber: hyphenated, abhaAddress: 'Sukmati.K@abdm', phone: '+91 98765-01234' }),
      testContext(CHC)
    )
    expect(doc.identifiers.abhaNumber).toBe(ABHA)
    expect(doc.identifiers.abhaAddress).toBe('sukmati.k@abdm')
    expect(doc.demographics.phone).toBe('9876501234')
  })

  it('accepts an ABHA number failing the Luhn check and reports a warning', () => {
    const ctx = testContext(CHC)
    const bad = ABHA.slice(0, 13) + String((Number(ABHA[13]) + 1) % 10)
    expect(newPatientDoc(registration({ abhaNumber: bad }), ctx).identifiers.abhaNumber).toBe(bad)
    expect(ctx.warnings).toEqual([{ code: 'ABHA_CHECK_DIGIT', field: 'abhaNumber' }])
  })

  it.each([
    ['an empty name', { name: ' ' }, 'InvalidRecordInputError'],
    ['an unknown sex', { sex: 'f' }, 'InvalidRecordInputError'],
    ['a birth date in the future', { birth: { kind: 'date', date: '2027-01-01' } }, 'InvalidDateError'],
    ['a non-existent birth date', { birth: { kind: 'date', date: '1990-02-30' } }, 'InvalidDateError'],
    ['a birth year after registration', { birth: { kind: 'year', year: 2027 } }, 'InvalidRecordInputError'],
    ['an age of 150', { birth: { kind: 'approx-age', years: 150, asOf: '2026-11-20' } }, 'InvalidRecordInputError'],
    ['a malformed ABHA number', { abhaNumber: '12345' }, 'InvalidAbhaNumberError'],
    ['a malformed ABHA address', { abhaAddress: 'x@abdm' }, 'InvalidAbhaAddressError'],
    ['a malformed phone', { phone: '12' }, 'InvalidRecordInputError'],
    ['a missing UHID', { uhid: '' }, 'InvalidRecordInputError'],
    // Found by `pnpm fuzz` (test/fuzz/fixtures/http-guardian-null.json): JSON null was read as a guardian.
    ['a guardian of null', { guardian: null }, 'InvalidRecordInputError'],
    ['a guardian that is text', { guardian: 'Budhru' }, 'InvalidRecordInputError']
  ])('rejects %s', (_what, overrides, name) => {
    expect(() => newPatientDoc(registration(overrides as never), testContext(CHC))).toThrow(
      expect.objectContaining({ name })
    )
  })

  it('rejects a change context with a malformed facility id or time', () => {
    expect(() => newPatientDoc(registration(), { facility: 'CHC1' as never, at: '2026-11-20T09:30:00Z' })).toThrow(
      expect.objectContaining({ name: 'InvalidHfrIdError' })
    )
    expect(() => newPatientDoc(registration(), { facility: CHC, at: 'yesterday' })).toThrow(
      expect.objectContaining({ name: 'InvalidDateError' })
    )
  })
})

describe('linkAbha, setUhid and markDuplicate', () => {
  const base = (): Automerge.Doc<PatientDoc> => createPatientDoc(registration(), testContext(CHC))

  it('links an ABHA number later and records where and when', () => {
    const doc = Automerge.change(base(), d =>
      linkAbha(d, { abhaNumber: ABHA }, testContext(DH, 'd', '2026-11-22T10:00:00.000Z'))
    )
    expect(readPatient(doc).identifiers.abhaNumber).toBe(ABHA)
    expect(readPatient(doc).identifiers.abhaLinked).toEqual({ at: '2026-11-22T10:00:00.000Z', by: DH })
  })

  it('refuses to re-link a record to a different ABHA number, and re-linking the same one changes nothing', () => {
    const linked = Automerge.change(base(), d => linkAbha(d, { abhaNumber: ABHA }, testContext(CHC)))
    const other = withLuhn('9100000099999')
    expect(() => Automerge.change(linked, d => linkAbha(d, { abhaNumber: other }, testContext(DH)))).toThrow(
      expect.objectContaining({ name: 'InvalidRecordInputError' })
    )
    const again = Automerge.change(linked, d => linkAbha(d, { abhaNumber: ABHA }, testContext(DH)))
    expect(readPatient(again).identifiers.abhaLinked?.by).toBe(CHC)
    expect(() => Automerge.change(base(), d => linkAbha(d, {}, testContext(CHC)))).toThrow(
      expect.objectContaining({ name: 'InvalidRecordInputError' })
    )
  })

  it('adds the district hospital UHID beside the CHC one', () => {
    const doc = Automerge.change(base(), d => setUhid(d, 'DH-JDP-778899', testContext(DH)))
    expect(readPatient(doc).identifiers.uhid).toEqual({ [CHC]: 'CHC-TKP-000123', [DH]: 'DH-JDP-778899' })
  })

  it('marks two records as the same person', () => {
    let id = ''
    const doc = Automerge.change(base(), d => {
      id = markDuplicate(d, 'otherDoc123' as PatientId, 'same ABHA, different spelling', testContext(DH))
    })
    expect(readPatient(doc).duplicates[id as never]).toMatchObject({ otherPatient: 'otherDoc123', by: DH })
    expect(() => Automerge.change(doc, d => markDuplicate(d, '' as PatientId, 'x', testContext(DH)))).toThrow(
      expect.objectContaining({ name: 'InvalidRecordInputError' })
    )
  })
})
