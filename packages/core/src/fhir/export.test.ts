import { describe, expect, it } from 'vitest'
import { exportPatientBundles } from './export.js'
import { formatIssue, validateBundle } from './validate.js'
import { CHC, DH, handBuiltDoc, scopeOf, synthDocs } from './test-fixtures.js'
import type { Composition, Organization, Patient, Practitioner, ServiceRequest } from '@medplum/fhirtypes'

describe('export of a patient document to ABDM document bundles', () => {
  const docs = exportPatientBundles(scopeOf(handBuiltDoc()))

  it('produces every bundle that validates, with no issue at all', () => {
    for (const d of docs) {
      const r = validateBundle(d.bundle)
      expect(r.issues.map(formatIssue), d.kind).toEqual([])
      expect(r.profile).toBe(d.kind)
    }
  })

  it('writes one OPConsult per visit and per referral outside a visit, a Prescription, a DiagnosticReport per result and a DischargeSummary', () => {
    expect(docs.map(d => d.kind).sort()).toEqual([
      'DiagnosticReportRecord',
      'DiagnosticReportRecord',
      'DischargeSummaryRecord',
      'OPConsultRecord',
      'OPConsultRecord',
      'PrescriptionRecord'
    ])
  })

  it('gives each bundle type=document, an identifier, a timestamp, a versionId and the Composition first with its SNOMED type', () => {
    const codes = {
      OPConsultRecord: '371530004',
      PrescriptionRecord: '440545006',
      DiagnosticReportRecord: '721981007',
      DischargeSummaryRecord: '373942005'
    }
    for (const { kind, bundle } of docs) {
      expect(bundle.type).toBe('document')
      expect(bundle.identifier?.system).toBe('urn:ietf:rfc:3986')
      expect(bundle.identifier?.value).toMatch(/^urn:uuid:/)
      expect(bundle.timestamp).toMatch(/^2026-11-0\dT/)
      expect(bundle.meta?.versionId).toMatch(/^[0-9a-f]{16}$/)
      const c = bundle.entry![0]!.resource as Composition
      expect(c.resourceType).toBe('Composition')
      expect(c.type.coding).toEqual([
        { system: 'http://snomed.info/sct', code: codes[kind], display: expect.any(String) }
      ])
      for (const e of bundle.entry!) expect(e.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/)
    }
  })

  it('identifies the Patient by ABHA number, ABHA address and UHID, the Organization by HFR and the Practitioner by HPR', () => {
    const op = docs.find(d => d.kind === 'OPConsultRecord' && d.sourceId === 'e1')!.bundle
    const resources = op.entry!.map(e => e.resource!)
    const patient = resources.find(r => r.resourceType === 'Patient') as Patient
    expect(patient.identifier!.map(i => i.system)).toEqual([
      'https://healthid.ndhm.gov.in',
      'https://healthid.ndhm.gov.in',
      `https://facility.ndhm.gov.in/${CHC}/uhid`
    ])
    expect(patient.identifier![0]!.value).toMatch(/^91-1234-5678-901\d$/)
    expect(patient.identifier![1]!.value).toBe('sukmati.k@sbx')
    const orgs = resources.filter(r => r.resourceType === 'Organization') as Organization[]
    expect(orgs.map(o => o.identifier![0]!.system)).toEqual(orgs.map(() => 'https://facility.ndhm.gov.in'))
    expect(orgs.map(o => o.identifier![0]!.value).sort()).toEqual([DH, CHC].sort())
    const mo = resources.find(r => r.resourceType === 'Practitioner') as Practitioner
    expect(mo.identifier![0]).toMatchObject({ system: 'https://doctor.ndhm.gov.in', value: '71-1234-5678-9012' })
  })

  it('puts the referral decided at a visit in its Referral section (306206005) as a ServiceRequest to the receiving facility', () => {
    const op = docs.find(d => d.kind === 'OPConsultRecord' && d.sourceId === 'e1')!.bundle
    const c = op.entry![0]!.resource as Composition
    const section = c.section!.find(s => s.code?.coding?.[0]?.code === '306206005')!
    expect(section.entry).toHaveLength(1)
    const sr = op.entry!.find(e => e.fullUrl === section.entry![0]!.reference)!.resource as ServiceRequest
    expect(sr.resourceType).toBe('ServiceRequest')
    expect(sr.category?.[0]?.coding?.[0]?.code).toBe('3457005')
    expect(sr.priority).toBe('urgent')
    const performer = op.entry!.find(e => e.fullUrl === sr.performer![0]!.reference)!.resource as Organization
    expect(performer.identifier![0]!.value).toBe(DH)
  })

  it('is stable: the same document exports byte-identical bundles', () => {
    expect(JSON.stringify(exportPatientBundles(scopeOf(handBuiltDoc())))).toBe(JSON.stringify(docs))
  })

  it('changes the versionId, and only it among the bundle ids, when the content changes', () => {
    const doc = handBuiltDoc()
    doc.encounters['e1' as keyof typeof doc.encounters]!.complaints.push('headache')
    const changed = exportPatientBundles(scopeOf(doc)).find(
      d => d.kind === 'OPConsultRecord' && d.sourceId === 'e1'
    )!.bundle
    const before = docs.find(d => d.kind === 'OPConsultRecord' && d.sourceId === 'e1')!.bundle
    expect(changed.identifier).toEqual(before.identifier)
    expect(changed.meta!.versionId).not.toBe(before.meta!.versionId)
  })

  // Seeded synthetic data takes seconds on a loaded machine: an explicit timeout, not a performance assertion.
  it('exports synthetic patients into bundles that all validate (seeded)', { timeout: 60_000 }, () => {
    const seed = 7
    let bundles = 0
    for (const { id, doc } of synthDocs(seed, 40)) {
      for (const d of exportPatientBundles({ doc, patientId: id })) {
        bundles++
        const r = validateBundle(d.bundle)
        expect(r.issues.filter(i => i.severity === 'error').map(formatIssue), `seed ${seed} ${id} ${d.kind}`).toEqual(
          []
        )
      }
    }
    expect(bundles).toBeGreaterThan(40)
  })
})

describe('export meets the IG profiles where the old projection did not', () => {
  const docs = exportPatientBundles(scopeOf(handBuiltDoc()))
  const resources = (kind: string): Record<string, unknown>[] =>
    docs
      .filter(d => d.kind === kind)
      .flatMap(d => d.bundle.entry!.map(e => e.resource as unknown as Record<string, unknown>))

  it('codes lab orders in SNOMED CT (the IG fixes the system), keeping the LOINC test in orderDetail', () => {
    const orders = resources('OPConsultRecord').filter(
      r => r.resourceType === 'ServiceRequest' && r.category !== undefined
    )
    const labOrders = orders.filter(
      r => (r as { category: { coding: { code: string }[] }[] }).category[0]!.coding[0]!.code === '108252007'
    ) as unknown as ServiceRequest[]
    expect(labOrders.length).toBeGreaterThan(0)
    for (const o of labOrders) {
      expect(o.code!.coding!.map(c => c.system)).toEqual(['http://snomed.info/sct'])
      expect(o.orderDetail![0]!.coding![0]!.system).toBe('http://loinc.org')
    }
    const hb = labOrders.find(o => o.orderDetail![0]!.coding![0]!.code === '718-7')!
    expect(hb.code!.coding![0]!.code).toBe('104142005')
  })

  it('codes a medicine where the record knows its SNOMED CT code, keeping the text', () => {
    const meds = resources('PrescriptionRecord').filter(r => r.resourceType === 'MedicationRequest') as {
      medicationCodeableConcept: { coding?: { code: string }[]; text: string }
    }[]
    const paracetamol = meds.find(m => m.medicationCodeableConcept.text === 'Paracetamol 500 mg tablet')!
    expect(paracetamol.medicationCodeableConcept.coding![0]!.code).toBe('322236009')
  })

  it('names a practitioner only as the record names them: no placeholder name', () => {
    const practitioners = resources('OPConsultRecord').filter(
      r => r.resourceType === 'Practitioner'
    ) as unknown as Practitioner[]
    expect(practitioners.length).toBeGreaterThan(0)
    for (const p of practitioners) expect(JSON.stringify(p.name ?? [])).not.toMatch(/Practitioner \d/)
  })

  // Seeded synthetic data takes seconds on a loaded machine: an explicit timeout, not a performance assertion.
  it(
    'gives seeded synthetic patients real practitioner names with HPR ids, coded medicines, and a discharge summary (seed 5)',
    { timeout: 60_000 },
    () => {
      const seeded = synthDocs(5, 22)
      const all = seeded.flatMap(({ id, doc }) => exportPatientBundles({ doc, patientId: id }))
      for (const d of all) expect(validateBundle(d.bundle).issues.map(formatIssue), d.kind).toEqual([])
      const entries = all.flatMap(d => d.bundle.entry!.map(e => e.resource as unknown as Record<string, unknown>))
      const named = entries.filter(r => r.resourceType === 'Practitioner') as unknown as Practitioner[]
      expect(named.length).toBeGreaterThan(0)
      for (const p of named) {
        expect(p.name?.[0]?.text).toMatch(/^Dr\. \S+ \S+/)
        expect(p.identifier![0]!.system).toBe('https://doctor.ndhm.gov.in')
      }
      const meds = entries.filter(r => r.resourceType === 'MedicationRequest') as {
        medicationCodeableConcept: { coding?: unknown[] }
      }[]
      expect(meds.some(m => m.medicationCodeableConcept.coding !== undefined)).toBe(true)
      const discharge = seeded.flatMap(({ doc }) => Object.values(doc.summaries)).filter(s => s.kind === 'discharge')
      expect(discharge.length).toBeGreaterThan(0)
      expect(all.filter(d => d.kind === 'DischargeSummaryRecord').length).toBeGreaterThanOrEqual(discharge.length)
    }
  )
})
