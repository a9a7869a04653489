import * as Automerge from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { newPatientDoc, readPatient, wrapStrings } from '../record/index.js'
import type { FacilityId, PatientDoc } from '../record/index.js'
import { InvalidFhirBundleError } from './errors.js'
import { exportPatientBundles } from './export.js'
import { importBundle } from './import.js'
import { applyImport, registrationFromImport } from './merge.js'
import { CHC, DH, clinicalContent, copy, handBuiltDoc, scopeOf, synthDocs } from './test-fixtures.js'

/** Export every bundle of `doc`, import each into a fresh document registered from the first. */
function roundTrip(doc: PatientDoc, patientId = 'p1'): PatientDoc {
  const bundles = exportPatientBundles({ ...scopeOf(doc), patientId: patientId as never })
  const records = bundles.map(b => importBundle(JSON.parse(JSON.stringify(b.bundle)), { facility: DH, at: AT }))
  const fresh = newPatientDoc(registrationFromImport(records[0]!, doc.registeredBy), {
    facility: doc.registeredBy,
    at: doc.registeredAt,
    newId: () => 'reg' as never
  })
  for (const r of records) applyImport(fresh, r)
  return fresh
}

const AT = '2026-12-01T06:30:00.000Z'

describe('import of ABDM document bundles into a patient document', () => {
  it('round-trips the clinical content: diagnoses, prescriptions, lab results, referrals, summary, allergies and alerts', () => {
    const doc = handBuiltDoc()
    const back = roundTrip(doc)
    expect(clinicalContent(back)).toEqual(clinicalContent(doc))
    // spot checks a reader would look for first
    const e = back.encounters['e1' as keyof typeof back.encounters]!
    expect(
      Object.values(e.diagnoses)
        .map(d => d.coding.code)
        .sort()
    ).toEqual(['271737000', 'B50.9'])
    expect(Object.values(e.labOrders).find(o => o.test.code === '718-7')!.result).toMatchObject({
      value: '6.8',
      unit: 'g/dL',
      interpretation: 'abnormal'
    })
    expect(Object.values(back.summaries)[0]).toMatchObject({
      kind: 'back-referral',
      reviewAfterDays: 14,
      redFlags: ['fever returns', 'breathlessness']
    })
    expect(
      Object.values(back.referrals)
        .map(r => r.transport)
        .sort()
    ).toEqual(['108', 'own'])
  })

  // Seeded synthetic data takes seconds on a loaded machine: an explicit timeout, not a performance assertion.
  it('round-trips the clinical content of synthetic patients (seeded)', { timeout: 60_000 }, () => {
    const seed = 11
    for (const { id, doc } of synthDocs(seed, 30)) {
      expect(clinicalContent(roundTrip(doc, id)), `seed ${seed} patient ${id}`).toEqual(clinicalContent(doc))
    }
  })

  it('is idempotent: importing the same bundles again adds nothing', () => {
    const doc = handBuiltDoc()
    const bundles = exportPatientBundles(scopeOf(doc))
    const before = JSON.stringify(doc)
    for (const b of bundles) {
      const report = applyImport(doc, importBundle(b.bundle, { facility: DH, at: AT }))
      expect(report.added).toBe(0)
      expect(report.identifierMismatches).toEqual([])
    }
    expect(JSON.stringify(doc)).toBe(before)
  })

  it('merges into an Automerge document inside a change', () => {
    const source = handBuiltDoc()
    const records = exportPatientBundles(scopeOf(source)).map(b => importBundle(b.bundle, { facility: DH, at: AT }))
    const initial = newPatientDoc(registrationFromImport(records[0]!, CHC), {
      facility: CHC,
      at: source.registeredAt,
      newId: () => 'reg' as never
    })
    let doc = Automerge.from(
      wrapStrings(initial) as unknown as Record<string, unknown>
    ) as unknown as Automerge.Doc<PatientDoc>
    for (const r of records)
      doc = Automerge.change(doc, d => {
        applyImport(d, r)
      })
    const loaded = Automerge.load<PatientDoc>(Automerge.save(doc))
    expect(clinicalContent(readPatient(loaded))).toEqual(clinicalContent(source))
  })

  it('replaces an entry id that no map can hold (__proto__) by a derived one, and merges', () => {
    // Found by `pnpm fuzz` (test/fuzz/fixtures/fhir-entry-id-proto.json): it reached Automerge as a key.
    const b = copy(exportPatientBundles(scopeOf(handBuiltDoc())).find(d => d.kind === 'OPConsultRecord')!.bundle)
    const allergy = b.entry.find(e => e.resource?.resourceType === 'AllergyIntolerance')!.resource as {
      identifier: { value: string }[]
    }
    allergy.identifier[0]!.value = '__proto__'
    const rec = importBundle(b, { facility: DH, at: AT })
    expect(rec.allergies.map(a => a.id)).not.toContain('__proto__')
    const initial = newPatientDoc(registrationFromImport(rec, CHC), {
      facility: CHC,
      at: '2026-11-01T04:00:00.000Z' as never
    })
    const doc = Automerge.change(
      Automerge.from(
        wrapStrings(initial) as unknown as Record<string, unknown>
      ) as unknown as Automerge.Doc<PatientDoc>,
      d => {
        applyImport(d, rec)
      }
    )
    expect(Object.keys(doc.allergies)).toHaveLength(rec.allergies.length)
  })

  it('reports, and does not overwrite, an ABHA number that differs from the document', () => {
    const doc = handBuiltDoc()
    const other = handBuiltDoc()
    other.identifiers.abhaNumber = '91000000000000'
    const bundle = exportPatientBundles(scopeOf(other))[0]!.bundle
    const report = applyImport(doc, importBundle(bundle, { facility: DH, at: AT }))
    expect(report.identifierMismatches).toEqual(['abhaNumber'])
    expect(doc.identifiers.abhaNumber).not.toBe('91000000000000')
  })

  it('refuses an invalid bundle with InvalidFhirBundleError naming path and rule', () => {
    const bad = copy(exportPatientBundles(scopeOf(handBuiltDoc()))[0]!.bundle)
    delete bad.timestamp
    let caught: unknown
    try {
      importBundle(bad, { facility: DH, at: AT, source: 'phone/op-consult.json' })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(InvalidFhirBundleError)
    expect((caught as InvalidFhirBundleError).name).toBe('InvalidFhirBundleError')
    expect((caught as InvalidFhirBundleError).issues.map(i => `${i.path}: ${i.rule}`)).toEqual([
      'Bundle.timestamp: cardinality 1..1'
    ])
    // The message names the file, the element path and the rule.
    expect((caught as Error).message).toMatch(/^phone\/op-consult\.json: .*Bundle\.timestamp: cardinality 1\.\.1/)
  })

  it('gives a bundle from another system (no Pagdandi ids) the same derived entry ids on every import', () => {
    const b = copy(exportPatientBundles(scopeOf(handBuiltDoc())).find(d => d.kind === 'PrescriptionRecord')!.bundle)
    for (const e of b.entry) {
      const r = e.resource as { identifier?: { system?: string }[] }
      if (r.identifier !== undefined) r.identifier = r.identifier.filter(i => i.system !== 'urn:pagdandi:entry-id')
    }
    const a1 = importBundle(b, { facility: 'IN2210000999' as FacilityId, at: AT })
    const a2 = importBundle(copy(b), { facility: 'IN2210000999' as FacilityId, at: AT })
    const ids = (x: typeof a1): string[] => x.encounters.flatMap(e => Object.keys(e.encounter.prescriptions))
    expect(ids(a1)).toHaveLength(2)
    expect(ids(a1)).toEqual(ids(a2))
    expect(ids(a1).every(id => /^x[0-9a-f]{16}$/.test(id))).toBe(true)
  })
})
