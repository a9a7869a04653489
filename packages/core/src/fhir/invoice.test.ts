import * as Automerge from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { newPatientDoc, readPatient, wrapStrings } from '../record/index.js'
import type { PatientDoc } from '../record/index.js'
import { exportPatientBundles } from './export.js'
import { foreignInvoice } from './foreign-records.js'
import { importBundle } from './import.js'
import { applyImport, registrationFromImport } from './merge.js'
import { formatIssue, validateBundle } from './validate.js'
import { DH } from './test-fixtures.js'

const AT = '2026-12-01T06:30:00.000Z'
type B = { entry: { resource: Record<string, unknown> }[] }
const resource = (b: B, type: string): Record<string, unknown> =>
  b.entry.find(e => e.resource.resourceType === type)!.resource

describe('an InvoiceRecord (a hospital billing system shares one)', () => {
  it('passes the IG rule table with no issue, and a broken one is refused by path and rule', () => {
    expect(validateBundle(foreignInvoice()).issues.map(formatIssue)).toEqual([])
    const b = foreignInvoice() as B
    resource(b, 'Invoice').status = 'paid'
    delete resource(b, 'Invoice').totalGross
    const errors = validateBundle(b).issues.map(formatIssue)
    expect(errors).toEqual([
      'Bundle.entry[4].resource.status: required-binding http://hl7.org/fhir/ValueSet/invoice-status',
      'Bundle.entry[4].resource.totalGross: cardinality 1..1 (found 0)'
    ])
  })

  it('imports with a report entry per resource: the invoice, its charge items and medicine kept verbatim', () => {
    const original = foreignInvoice() as B
    const rec = importBundle(original, { facility: DH, at: AT })
    expect(rec.kind).toBe('InvoiceRecord')
    expect(rec.report.map(r => `${r.entry} ${r.resourceType} ${r.outcome}`)).toEqual([
      '0 Composition context',
      '1 Patient context',
      '2 Practitioner context',
      '3 Organization context',
      '4 Invoice attached',
      '5 ChargeItem attached',
      '6 ChargeItem attached',
      '7 Medication attached'
    ])
    expect(rec.encounters).toEqual([])
    expect(rec.attached.map(a => [a.resourceType, a.title, a.at, a.document])).toEqual([
      ['Invoice', 'OPD', '2026-11-20T06:00:00.000Z', 'InvoiceRecord'],
      ['ChargeItem', 'Consultation', undefined, 'InvoiceRecord'],
      ['ChargeItem', 'Medicines', undefined, 'InvoiceRecord'],
      ['Medication', 'Paracetamol 500 mg oral tablet', undefined, 'InvoiceRecord']
    ])
    // Verbatim: the amounts, codes and the +05:30 time exactly as they came.
    expect(JSON.parse(rec.attached[0]!.json)).toEqual(resource(original, 'Invoice'))
  })

  it('round-trips: stored in an Automerge document and reloaded it is unchanged, a re-import adds nothing, and the export stays stable', () => {
    const rec = importBundle(foreignInvoice(), { facility: DH, at: AT })
    const initial = newPatientDoc(registrationFromImport(rec, DH), {
      facility: DH,
      at: AT,
      newId: () => 'reg' as never
    })
    let doc = Automerge.from(
      wrapStrings(initial) as unknown as Record<string, unknown>
    ) as unknown as Automerge.Doc<PatientDoc>
    let items: string[] = []
    doc = Automerge.change(doc, d => {
      items = applyImport(d, rec).items.map(i => `${i.section} ${i.title}`)
    })
    expect(items).toEqual([
      'attached Invoice: OPD',
      'attached ChargeItem: Consultation',
      'attached ChargeItem: Medicines',
      'attached Medication: Paracetamol 500 mg oral tablet'
    ])
    const reloaded = readPatient(Automerge.load<PatientDoc>(Automerge.save(doc)))
    const kept = Object.values(reloaded.attached ?? {}).find(a => a.resourceType === 'Invoice')!
    expect(JSON.parse(kept.json)).toEqual(resource(foreignInvoice() as B, 'Invoice'))
    let again = -1
    doc = Automerge.change(doc, d => {
      again = applyImport(d, importBundle(foreignInvoice(), { facility: DH, at: AT })).added
    })
    expect(again).toBe(0)
    // The record holds no billing of its own, so the export carries no Invoice; what it does carry is stable.
    const first = exportPatientBundles({ doc: reloaded, patientId: 'p-inv' as never })
    const second = exportPatientBundles({ doc: readPatient(doc), patientId: 'p-inv' as never })
    expect(JSON.stringify(first.map(x => x.bundle))).toBe(JSON.stringify(second.map(x => x.bundle)))
    expect(JSON.stringify(first)).not.toContain('"Invoice"')
  })
})
