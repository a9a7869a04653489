import { describe, expect, it } from 'vitest'
import type { Patient } from '@medplum/fhirtypes'
import { newPatientDoc, readPatient } from '../record/index.js'
import type { PatientDoc } from '../record/index.js'
import { exportPatientBundles } from './export.js'
import { foreignOpConsult } from './foreign-fixtures.js'
import { importBundle } from './import.js'
import { applyImport, registrationFromImport } from './merge.js'
import { formatIssue, validateBundle } from './validate.js'
import { DH } from './test-fixtures.js'

const AT = '2026-12-01T06:30:00.000Z'
type B = { entry: { resource: Record<string, unknown> }[] }
/** The OPD fixture with its Patient changed by `fn` (e.g. the birth date removed). */
const withPatient = (fn: (p: Record<string, unknown>) => void): B => {
  const b = foreignOpConsult() as B
  fn(b.entry.find(e => e.resource.resourceType === 'Patient')!.resource)
  return b
}
const registered = (b: B): PatientDoc => {
  const rec = importBundle(b, { facility: DH, at: AT })
  const d = newPatientDoc(registrationFromImport(rec, DH), { facility: DH, at: AT, newId: () => 'reg' as never })
  applyImport(d, rec)
  return d
}
const exportedPatients = (d: PatientDoc): Patient[] =>
  exportPatientBundles({ doc: d, patientId: 'p-unknown' as never }).flatMap(x =>
    x.bundle.entry!.map(e => e.resource).filter((r): r is Patient => r?.resourceType === 'Patient')
  )

describe('a patient known only from a bundle that gives no birth date or address', () => {
  it('is registered with the birth not known and no address, never 1900 or "unknown"', () => {
    const d = registered(withPatient(p => delete p.birthDate))
    expect(d.demographics.birth).toEqual({ kind: 'unknown' })
    expect(d.demographics.address).toEqual({})
    expect(JSON.stringify(d.demographics)).not.toMatch(/1900|"village"|"block"|"district"/)
  })

  it('exports no birth date and no address, and the bundles pass the IG rules', () => {
    const d = registered(withPatient(p => delete p.birthDate))
    const patients = exportedPatients(d)
    expect(patients.length).toBeGreaterThan(0)
    for (const p of patients) {
      expect(p).not.toHaveProperty('birthDate')
      expect(p).not.toHaveProperty('address')
    }
    for (const x of exportPatientBundles({ doc: d, patientId: 'p-unknown' as never }))
      expect(validateBundle(x.bundle).issues.map(formatIssue)).toEqual([])
  })

  it('keeps the address parts a bundle gives, and no others', () => {
    const d = registered(
      withPatient(p => (p.address = [{ city: 'Bakawand', district: 'Bastar', postalCode: '494001' }]))
    )
    expect(d.demographics.birth).toEqual({ kind: 'date', date: '1990-04-02' })
    expect(d.demographics.address).toEqual({ village: 'Bakawand', district: 'Bastar', pin: '494001' })
    const [p] = exportedPatients(d)
    expect(p!.address).toEqual([
      { text: 'Bakawand, Bastar', city: 'Bakawand', district: 'Bastar', postalCode: '494001', country: 'IN' }
    ])
  })

  it('round-trips: export → register from the bundle → export is byte-identical, still with no birth date', () => {
    const d = readPatient(registered(withPatient(p => delete p.birthDate)))
    const first = exportPatientBundles({ doc: d, patientId: 'p-unknown' as never })
    const recs = first.map(x => importBundle(JSON.parse(JSON.stringify(x.bundle)), { facility: DH, at: AT }))
    const back = newPatientDoc(registrationFromImport(recs[0]!, DH), {
      facility: DH,
      at: d.registeredAt,
      newId: () => 'reg' as never
    })
    for (const r of recs) applyImport(back, r)
    expect(back.demographics).toEqual(d.demographics)
    const second = exportPatientBundles({ doc: back, patientId: 'p-unknown' as never })
    expect(JSON.stringify(second.map(x => x.bundle))).toBe(JSON.stringify(first.map(x => x.bundle)))
  })
})

describe('a bundle that names no patient', () => {
  it('a bundle that names no patient registers nobody (UnnamedPatientError), never a patient named "Unknown"', () => {
    const rec = importBundle(
      withPatient(p => delete p.name),
      { facility: DH, at: AT }
    )
    expect(rec.patient.name).toBeUndefined()
    expect(() => registrationFromImport(rec, DH)).toThrow(
      expect.objectContaining({ name: 'UnnamedPatientError', status: 422 })
    )
  })

  it('still merges into the patient who holds it: nothing in it is lost', () => {
    const named = registered(withPatient(p => delete p.birthDate))
    const before = JSON.stringify(named.demographics)
    const report = applyImport(
      named,
      importBundle(
        withPatient(p => delete p.name),
        { facility: DH, at: AT }
      )
    )
    expect(report.skipped).toBeGreaterThan(0)
    expect(JSON.stringify(named.demographics)).toBe(before)
  })
})
