import * as Automerge from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { newPatientDoc, readPatient, wrapStrings } from '../record/index.js'
import type { FacilityId, PatientDoc } from '../record/index.js'
import { exportPatientBundles } from './export.js'
import {
  FOREIGN_HFR,
  foreignDischargeSummary,
  foreignImagingReport,
  foreignLabReport,
  foreignOpConsult,
  PDF_BASE64
} from './foreign-fixtures.js'
import { foreignHealthDocument, foreignImmunization, foreignInvoice, foreignWellness } from './foreign-records.js'
import { importBundle, type ImportedRecord } from './import.js'
import { applyImport, registrationFromImport } from './merge.js'
import { formatIssue, validateBundle } from './validate.js'
import { DH, handBuiltDoc, synthDocs } from './test-fixtures.js'

const AT = '2026-12-01T06:30:00.000Z'
const read = (b: unknown): ImportedRecord => importBundle(b, { facility: DH, at: AT })
const into = (rec: ImportedRecord): PatientDoc => {
  const d = newPatientDoc(registrationFromImport(rec, DH), { facility: DH, at: AT, newId: () => 'reg' as never })
  applyImport(d, rec)
  return d
}
const outcomes = (rec: ImportedRecord): string[] => rec.report.map(r => `${r.resourceType} ${r.outcome} ${r.into}`)

describe('import of bundles other ABDM systems write (fixtures after the IG patterns)', () => {
  it('every fixture passes the IG rule table with no issue', () => {
    for (const b of [
      foreignOpConsult(),
      foreignLabReport(),
      foreignImagingReport(),
      foreignImmunization(),
      foreignWellness(),
      foreignHealthDocument(),
      foreignDischargeSummary(),
      foreignInvoice()
    ]) {
      expect(validateBundle(b).issues.map(formatIssue)).toEqual([])
    }
  })

  it('reads a +05:30 OPD consultation: UTC times, the SNOMED order, frequency and duration, no known allergy, the HFR and HPR of abdm.gov.in', () => {
    const rec = read(foreignOpConsult())
    const [e] = rec.encounters.map(x => x.encounter)
    expect(e!.at).toBe('2026-11-20T04:45:00.000Z')
    expect(e!.facility).toBe(FOREIGN_HFR)
    expect(e!.practitioner).toBe('71234567890123')
    expect(e!.practitionerName).toBe('Dr. Kavita Sori')
    expect(e!.complaints).toEqual(['Fever for 3 days with chills'])
    expect(Object.values(e!.diagnoses).map(d => [d.coding.code, d.certainty])).toEqual([['62676009', 'confirmed']])
    expect(Object.values(e!.labOrders).map(o => [o.test.system, o.test.code, o.orderedAt])).toEqual([
      ['http://snomed.info/sct', '104142005', '2026-11-20T05:00:00.000Z']
    ])
    const [rx] = Object.values(e!.prescriptions)
    expect(rx).toMatchObject({ drug: 'Paracetamol 500 mg', dose: '1 tablet', frequency: '3 per 1 d', durationDays: 7 })
    expect(rx!.coding?.code).toBe('322236009')
    // "No known allergy" is a negative assertion: never an allergy, and no severity is made up.
    expect(rec.allergies).toEqual([
      expect.objectContaining({ absent: true, coding: expect.objectContaining({ code: '716186003' }) })
    ])
    expect(rec.allergies[0]!.severity).toBeUndefined()
    expect(rec.allergies[0]!.recordedAt).toBe('2026-11-20T04:50:00.000Z')
  })

  it('keeps what the record has no field for verbatim, and the report says which entry went where', () => {
    const rec = read(foreignOpConsult())
    expect(outcomes(rec)).toEqual([
      'Composition context composition',
      'Patient context patient identifiers',
      'Practitioner context who and where',
      'Organization context who and where',
      'Encounter mapped encounters',
      'Condition mapped encounter.diagnoses',
      'Condition mapped encounter.complaints',
      'AllergyIntolerance mapped allergies (no known allergy)',
      'ServiceRequest mapped encounter.labOrders',
      'MedicationRequest mapped encounter.prescriptions',
      'MedicationStatement attached attached',
      'Procedure attached attached',
      'Appointment attached attached',
      'DocumentReference attached attached'
    ])
    const doc = into(rec)
    const kept = Object.values(doc.attached ?? {})
    expect(kept.map(a => a.resourceType).sort()).toEqual([
      'Appointment',
      'DocumentReference',
      'MedicationStatement',
      'Procedure'
    ])
    const appointment = kept.find(a => a.resourceType === 'Appointment')!
    expect(appointment.at).toBe('2026-11-27T04:30:00.000Z')
    const letter = kept.find(a => a.resourceType === 'DocumentReference')!
    expect(JSON.parse(letter.json).content[0].attachment.data).toBe(PDF_BASE64)
    expect(letter).toMatchObject({ document: 'OPConsultRecord', importedAt: AT, by: DH })
  })

  it('imports every result of a three-result lab report and keeps the report itself (its conclusion)', () => {
    const rec = read(foreignLabReport())
    const orders = Object.values(rec.encounters[0]!.encounter.labOrders)
    expect(orders.map(o => [o.test.code, o.result?.value, o.result?.unit, o.result?.resultedAt]).sort()).toEqual([
      ['6690-2', '11.2', '10*3/uL', '2026-11-20T07:35:00.000Z'],
      ['718-7', '9.8', 'g/dL', '2026-11-20T07:35:00.000Z'],
      ['789-8', '3.9', '10*6/uL', '2026-11-20T07:35:00.000Z']
    ])
    expect(orders.every(o => o.orderedAt === '2026-11-20T06:30:00.000Z' && o.result?.by === FOREIGN_HFR)).toBe(true)
    const report = rec.attached.find(a => a.resourceType === 'DiagnosticReport')!
    expect(JSON.parse(report.json).conclusion).toBe('Mild anaemia; leukocytosis.')
  })

  it('keeps an imaging report with its PDF and image, and adds no visit it did not have', () => {
    const rec = read(foreignImagingReport())
    expect(rec.encounters).toEqual([])
    expect(rec.attached.map(a => [a.resourceType, a.title])).toEqual([
      ['DiagnosticReport', 'XR Chest 2 Views'],
      ['Media', 'Media']
    ])
    expect(JSON.parse(rec.attached[0]!.json).presentedForm[0].data).toBe(PDF_BASE64)
  })

  it('imports an immunisation record (which PHR apps send) as the attached Immunization, at its UTC time', () => {
    const rec = read(foreignImmunization())
    expect(rec.kind).toBe('ImmunizationRecord')
    expect(rec.attached.map(a => [a.resourceType, a.title, a.at])).toEqual([
      ['Immunization', 'Rotavirus vaccine', '2026-10-02T05:30:00.000Z']
    ])
  })

  it('keeps an allergy without a stated severity without one (no default "moderate")', () => {
    const b = foreignOpConsult() as { entry: { resource: Record<string, unknown> }[] }
    const allergy = b.entry.find(e => e.resource.resourceType === 'AllergyIntolerance')!.resource
    allergy.code = {
      coding: [{ system: 'http://snomed.info/sct', code: '91936005', display: 'Allergy to penicillin' }]
    }
    const [a] = read(b).allergies
    expect(a).toMatchObject({ substance: 'Allergy to penicillin' })
    expect(a!.absent).toBeUndefined()
    expect(a!.severity).toBeUndefined()
  })

  it('imports a wellness record and a scanned health document (kept verbatim, shown in the chart list)', () => {
    const wellness = read(foreignWellness())
    expect(wellness.kind).toBe('WellnessRecord')
    expect(wellness.attached.map(a => [a.resourceType, a.title])).toEqual([
      ['Observation', 'Heart rate'],
      ['Observation', 'Body weight']
    ])
    const scan = read(foreignHealthDocument())
    expect(scan.kind).toBe('HealthDocumentRecord')
    expect(scan.attached.map(a => [a.resourceType, a.at])).toEqual([['DocumentReference', '2019-06-14T06:30:00.000Z']])
  })

  it('reads a discharge summary whose diagnosis is its chief complaint, with the procedure as treatment', () => {
    const rec = read(foreignDischargeSummary())
    expect(rec.summaries).toEqual([
      expect.objectContaining({
        kind: 'discharge',
        from: FOREIGN_HFR,
        to: DH,
        finalDiagnosis: expect.objectContaining({ code: '62676009' }),
        treatmentGiven: 'Glucose measurement, blood',
        outcome: 'improved',
        at: '2026-11-15T06:00:00.000Z'
      })
    ])
    expect(rec.report.filter(r => r.outcome === 'attached')).toEqual([])
  })

  it('registers a patient known only from a bundle with no invented UHID, and matches the ABHA number', () => {
    const rec = read(foreignOpConsult())
    const reg = registrationFromImport(rec, DH)
    expect(reg.uhid).toBeUndefined()
    expect(reg.abhaNumber).toBe('91445277031180')
    expect(into(rec).identifiers.uhid).toEqual({})
  })

  it('merges foreign bundles into an Automerge document; importing them again adds nothing', () => {
    const bundles = [foreignOpConsult(), foreignLabReport(), foreignImagingReport(), foreignImmunization()]
    const recs = bundles.map(read)
    const initial = newPatientDoc(registrationFromImport(recs[0]!, DH), { facility: DH, at: AT })
    let doc = Automerge.from(
      wrapStrings(initial) as unknown as Record<string, unknown>
    ) as unknown as Automerge.Doc<PatientDoc>
    for (const r of recs)
      doc = Automerge.change(doc, d => {
        applyImport(d, r)
      })
    const again = recs.map(r => {
      let added = -1
      doc = Automerge.change(doc, d => {
        added = applyImport(d, r).added
      })
      return added
    })
    expect(again).toEqual([0, 0, 0, 0])
    expect(Object.keys(readPatient(doc).attached ?? {})).toHaveLength(8)
  })

  it('names the file, the element path and the rule when a time is not a FHIR dateTime', () => {
    const b = foreignOpConsult() as { entry: { resource: Record<string, unknown> }[] }
    b.entry[0]!.resource.date = '20/11/2026 10:45'
    expect(() => importBundle(b, { facility: DH, at: AT, source: 'phone.json' })).toThrow(
      /^phone\.json: .*Bundle\.entry\[0\]\.resource\.date: datatype dateTime/
    )
  })
})

describe('round trip of our own bundles', () => {
  const strip = (doc: PatientDoc): PatientDoc => {
    const c = JSON.parse(JSON.stringify(readPatient(doc))) as PatientDoc
    for (const k of ['encounters', 'allergies', 'alerts', 'referrals', 'summaries'] as const) c[k] = {}
    return c
  }

  // Seeded synthetic data takes seconds on a loaded machine: an explicit timeout, not a performance assertion.
  it(
    'export → import → export gives byte-identical bundles (hand-built patient and seeded synthetic ones)',
    { timeout: 60_000 },
    () => {
      const docs = [{ id: 'doc-handbuilt', doc: handBuiltDoc() }, ...synthDocs(11, 20)]
      for (const { id, doc } of docs) {
        const first = exportPatientBundles({ doc, patientId: id as never })
        const back = strip(doc)
        for (const b of first) applyImport(back, read(JSON.parse(JSON.stringify(b.bundle))))
        const second = exportPatientBundles({ doc: back, patientId: id as never })
        expect(JSON.stringify(second.map(x => x.bundle)), `seed 11 ${id}`).toBe(
          JSON.stringify(first.map(x => x.bundle))
        )
      }
    }
  )
})

describe('registering from a bundle', () => {
  it('keeps the importing facility when a bundle names none', () => {
    const b = foreignImmunization() as { entry: { resource: Record<string, unknown> }[] }
    delete b.entry[0]!.resource.custodian
    const rec = importBundle(b, { facility: 'IN2210000999' as FacilityId, at: AT })
    expect(rec.attached[0]!.by).toBe('IN2210000999')
  })
})
