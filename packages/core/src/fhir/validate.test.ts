import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Bundle, Composition, MedicationRequest, Patient } from '@medplum/fhirtypes'
import type { FacilityId } from '../record/index.js'
import { InvalidFhirBundleError, UnsupportedFhirDocumentError } from './errors.js'
import { exportPatientBundles } from './export.js'
import { importBundle } from './import.js'
import { formatIssue, validateBundle } from './validate.js'
import { copy, handBuiltDoc, scopeOf } from './test-fixtures.js'

const exported = exportPatientBundles(scopeOf(handBuiltDoc()))
const opConsult = exported.find(d => d.kind === 'OPConsultRecord' && d.sourceId === 'e1')!.bundle
const prescription = exported.find(d => d.kind === 'PrescriptionRecord')!.bundle
const labReport = exported.find(d => d.kind === 'DiagnosticReportRecord')!.bundle
const summary = exported.find(d => d.kind === 'DischargeSummaryRecord')!.bundle

function errors(b: unknown): string[] {
  return validateBundle(b)
    .issues.filter(i => i.severity === 'error')
    .map(formatIssue)
}
function composition(b: Bundle): Composition {
  return b.entry![0]!.resource as Composition
}
const pi = opConsult.entry!.findIndex(e => e.resource?.resourceType === 'Patient')
function patientOf(b: Bundle): Patient {
  return b.entry!.find(e => e.resource?.resourceType === 'Patient')!.resource as Patient
}

const AT = '2026-12-01T06:30:00.000Z'

describe('offline validation of ABDM document bundles: hand-broken variants fail with the named rule', () => {
  it('wrong Composition type code', () => {
    const b = copy(opConsult)
    composition(b).type.coding![0]!.code = '11488-4'
    expect(errors(b)).toContain('Bundle.entry[0].resource.type.coding[0].code: fixed-value 371530004')
  })

  it('wrong Composition type display', () => {
    const b = copy(prescription)
    composition(b).type.coding![0]!.display = 'Prescription'
    expect(errors(b)).toEqual(['Bundle.entry[0].resource.type.coding[0].display: fixed-value Prescription record'])
  })

  it('missing subject', () => {
    const b = copy(opConsult)
    delete composition(b).subject
    expect(errors(b)).toEqual(['Bundle.entry[0].resource.subject: cardinality 1..1 (found 0)'])
  })

  it('subject pointing at something other than a Patient', () => {
    const b = copy(opConsult)
    composition(b).subject = { reference: composition(b).custodian!.reference! }
    expect(errors(b)).toEqual(['Bundle.entry[0].resource.subject: reference-target Patient (found Organization)'])
  })

  it('dangling reference', () => {
    const b = copy(opConsult)
    composition(b).encounter = { reference: 'urn:uuid:00000000-0000-8000-8000-000000000000' }
    expect(errors(b)).toEqual(['Bundle.entry[0].resource.encounter.reference: dangling-reference'])
  })

  it('Composition not first', () => {
    const b = copy(opConsult)
    b.entry.push(b.entry.shift()!)
    expect(errors(b)).toEqual(['Bundle.entry[0].resource: composition-first'])
  })

  it('missing identifier, versionId or timestamp, and a non-document type', () => {
    const b = copy(opConsult)
    delete b.identifier
    delete b.meta!.versionId
    delete b.timestamp
    b.type = 'collection'
    expect(errors(b).sort()).toEqual([
      'Bundle.identifier: cardinality 1..1 (found 0)',
      'Bundle.meta.versionId: cardinality 1..1 (found 0)',
      'Bundle.timestamp: cardinality 1..1 (found 0)',
      'Bundle.type: fixed-value document'
    ])
  })

  it('bad ABHA number format is an error; a failed Luhn check is a warning only', () => {
    const b = copy(opConsult)
    patientOf(b).identifier![0]!.value = '91-1234-5678'
    expect(errors(b)).toEqual([`Bundle.entry[${pi}].resource.identifier[0].value: abha-number-format`])
    const luhn = copy(opConsult)
    const good = patientOf(luhn).identifier![0]!.value!
    patientOf(luhn).identifier![0]!.value = good.slice(0, -1) + String((Number(good.slice(-1)) + 1) % 10)
    const r = validateBundle(luhn)
    expect(r.ok).toBe(true)
    expect(r.issues.map(i => `${i.severity} ${formatIssue(i)}`)).toEqual([
      `warning Bundle.entry[${pi}].resource.identifier[0].value: abha-luhn`
    ])
  })

  it('bad ABHA address', () => {
    const b = copy(opConsult)
    patientOf(b).identifier![1]!.value = 'sukmati@gmail.com'
    expect(errors(b)).toEqual([`Bundle.entry[${pi}].resource.identifier[1].value: abha-address-format`])
  })

  it('Patient identifier without a type', () => {
    const b = copy(opConsult)
    delete patientOf(b).identifier![2]!.type
    expect(errors(b)).toEqual([`Bundle.entry[${pi}].resource.identifier[2].type: cardinality 1..1 (found 0)`])
  })

  it('prescription bundle with a wrong entry type (closed slicing)', () => {
    const b = copy(prescription)
    composition(b).section![0]!.entry![0]!.type = 'Observation'
    expect(errors(b)).toEqual(['Bundle.entry[0].resource.section[0].entry[0]: slice-closed MedicationRequest|Binary'])
  })

  it('prescription entry whose type does not match the resource it points at', () => {
    const b = copy(prescription)
    composition(b).section![0]!.entry![0]!.reference = composition(b).encounter!.reference
    expect(errors(b)).toEqual([
      'Bundle.entry[0].resource.section[0].entry[0]: reference-target Binary|MedicationRequest (found Encounter)'
    ])
  })

  it('prescription with two sections, and one with a wrong section code', () => {
    const two = copy(prescription)
    composition(two).section!.push(composition(two).section![0]!)
    expect(errors(two)).toEqual(['Bundle.entry[0].resource.section: cardinality 1..1 (found 2)'])
    const code = copy(prescription)
    composition(code).section![0]!.code!.coding![0]!.code = '721912009'
    expect(errors(code)).toEqual(['Bundle.entry[0].resource.section[0].code.coding[0].code: fixed-value 440545006'])
  })

  it('accepts a single-section document whose section has no code (section.code.coding is optional in the IG)', () => {
    const b = copy(prescription)
    delete composition(b).section![0]!.code
    expect(errors(b)).toEqual([])
  })

  it('MedicationRequest without dosage instructions or requester', () => {
    const b = copy(prescription)
    const rx = b.entry.find(e => e.resource?.resourceType === 'MedicationRequest')!
    const i = b.entry.indexOf(rx)
    delete (rx.resource as MedicationRequest).dosageInstruction
    delete (rx.resource as MedicationRequest).requester
    expect(errors(b).sort()).toEqual([
      `Bundle.entry[${i}].resource.dosageInstruction: cardinality 1..* (found 0)`,
      `Bundle.entry[${i}].resource.requester: cardinality 1..1 (found 0)`
    ])
  })

  it('OPConsult section slice repeated, and a Referral section pointing at a Condition', () => {
    const b = copy(opConsult)
    const sections = composition(b).section!
    const referral = sections.find(s => s.code?.coding?.[0]?.code === '306206005')!
    const complaints = sections.find(s => s.code?.coding?.[0]?.code === '422843007')!
    sections.push(JSON.parse(JSON.stringify(complaints)))
    referral.entry = complaints.entry
    const ri = sections.indexOf(referral)
    expect(errors(b).sort()).toEqual(
      [
        'Bundle.entry[0].resource.section: slice-cardinality ChiefComplaints 0..1 (found 2)',
        ...complaints.entry!.map(
          (_, k) =>
            `Bundle.entry[0].resource.section[${ri}].entry[${k}]: reference-target ServiceRequest (found Condition)`
        )
      ].sort()
    )
  })

  it('OPConsult and DischargeSummary without an encounter', () => {
    for (const src of [opConsult, summary]) {
      const b = copy(src)
      delete composition(b).encounter
      expect(errors(b)).toEqual(['Bundle.entry[0].resource.encounter: cardinality 1..1 (found 0)'])
    }
  })

  it('DiagnosticReportLab without conclusion or results interpreter', () => {
    const b = copy(labReport)
    const dr = b.entry.find(e => e.resource?.resourceType === 'DiagnosticReport')!
    const i = b.entry.indexOf(dr)
    const r = dr.resource as { conclusion?: string; resultsInterpreter?: unknown }
    delete r.conclusion
    delete r.resultsInterpreter
    expect(errors(b).sort()).toEqual([
      `Bundle.entry[${i}].resource.conclusion: cardinality 1..1 (found 0)`,
      `Bundle.entry[${i}].resource.resultsInterpreter: cardinality 1..* (found 0)`
    ])
  })

  it('Condition coded outside ICD-10 and SNOMED CT (closed slicing)', () => {
    const b = copy(opConsult)
    const c = b.entry.find(
      e =>
        e.resource?.resourceType === 'Condition' &&
        (e.resource as { code?: { coding?: unknown[] } }).code?.coding !== undefined
    )!
    const i = b.entry.indexOf(c)
    ;(c.resource as { code: { coding: { system: string }[] } }).code.coding[0]!.system = 'http://loinc.org'
    expect(errors(b)).toEqual([`Bundle.entry[${i}].resource.code.coding[0]: slice-closed ICD-10|SNOMEDCT`])
  })

  it('duplicate fullUrl', () => {
    const b = copy(opConsult)
    b.entry[2]!.fullUrl = b.entry[1]!.fullUrl
    expect(errors(b)).toContain('Bundle.entry[2].fullUrl: unique-fullurl')
  })

  it('an unknown document type is named as such', () => {
    const b = copy(opConsult)
    delete composition(b).meta
    composition(b).type = { coding: [{ system: 'http://loinc.org', code: '11488-4' }] }
    expect(errors(b)).toEqual(['Bundle.entry[0].resource.type: document-type (no ABDM document profile matches)'])
  })
})

describe('validation of bundles written by other systems', () => {
  it('accepts a hand-written v6-style OPConsult bundle with relative references and no meta.profile', () => {
    const bundle = {
      resourceType: 'Bundle',
      id: 'op-1',
      meta: { versionId: '1', lastUpdated: '2026-01-05T10:00:00+05:30' },
      identifier: { system: 'http://hip.example.in', value: 'op-1' },
      type: 'document',
      timestamp: '2026-01-05T10:00:00+05:30',
      entry: [
        {
          fullUrl: 'Composition/c1',
          resource: {
            resourceType: 'Composition',
            id: 'c1',
            status: 'final',
            type: {
              coding: [{ system: 'http://snomed.info/sct', code: '371530004', display: 'Clinical consultation report' }]
            },
            subject: { reference: 'Patient/p1' },
            encounter: { reference: 'Encounter/en1' },
            date: '2026-01-05',
            title: 'OP note',
            author: [{ reference: 'Practitioner/d1' }],
            section: [
              {
                title: 'Follow up (IG ≤3 code, accepted as an extra section)',
                code: {
                  coding: [{ system: 'http://snomed.info/sct', code: '736271009', display: 'Outpatient care plan' }]
                },
                text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Review in a week</div>' }
              },
              {
                title: 'Chief complaints',
                code: {
                  coding: [{ system: 'http://snomed.info/sct', code: '422843007', display: 'Chief complaint section' }]
                },
                entry: [{ reference: 'Condition/cc1' }]
              }
            ]
          }
        },
        {
          fullUrl: 'Patient/p1',
          resource: {
            resourceType: 'Patient',
            id: 'p1',
            identifier: [
              {
                type: {
                  coding: [
                    {
                      system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
                      code: 'MR',
                      display: 'Medical record number'
                    }
                  ]
                },
                system: 'https://healthid.ndhm.gov.in',
                value: '22-7225-4829-5255'
              }
            ],
            name: [{ text: 'Test Patient' }]
          }
        },
        {
          fullUrl: 'Practitioner/d1',
          resource: {
            resourceType: 'Practitioner',
            id: 'd1',
            identifier: [
              {
                type: {
                  coding: [
                    {
                      system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
                      code: 'MD',
                      display: 'Medical License number'
                    }
                  ]
                },
                system: 'https://doctor.ndhm.gov.in',
                value: '21-1521-3828-3227'
              }
            ],
            name: [{ text: 'Dr. Test' }]
          }
        },
        {
          fullUrl: 'Encounter/en1',
          resource: {
            resourceType: 'Encounter',
            id: 'en1',
            status: 'finished',
            class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
            subject: { reference: 'Patient/p1' }
          }
        },
        {
          fullUrl: 'Condition/cc1',
          resource: {
            resourceType: 'Condition',
            id: 'cc1',
            code: { coding: [{ system: 'http://snomed.info/sct', code: '386661006', display: 'Fever' }] },
            subject: { reference: 'Patient/p1' }
          }
        }
      ]
    }
    const r = validateBundle(bundle)
    expect(r.issues.map(formatIssue)).toEqual([])
    expect(r.profile).toBe('OPConsultRecord')
  })
})

describe('hostile input', () => {
  // Seeded synthetic data takes seconds on a loaded machine: an explicit timeout, not a performance assertion.
  it(
    'never throws, on any JSON value or on any random mutation of a valid bundle; the importer raises only its named errors (seeded)',
    { timeout: 60_000 },
    () => {
      const seed = 20261126
      const sources = [opConsult, prescription, labReport, summary]
      const pathsOf = (root: unknown): string[][] => {
        const paths: string[][] = []
        const walk = (v: unknown, p: string[]): void => {
          paths.push(p)
          if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...p, k])
        }
        walk(root, [])
        return paths
      }
      const allPaths = sources.map(pathsOf)
      fc.assert(
        fc.property(
          fc.jsonValue(),
          fc.nat(sources.length - 1),
          fc.nat(),
          fc.jsonValue(),
          (junk, which, at, replacement) => {
            validateBundle(junk)
            const b = copy(sources[which]!) as unknown as Record<string, unknown>
            const paths = allPaths[which]!
            const path = paths[at % paths.length]!
            if (path.length === 0) return
            let parent: Record<string, unknown> = b
            for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>
            parent[path.at(-1)!] = replacement
            const r = validateBundle(b)
            expect(typeof r.ok).toBe('boolean')
            // The importer on the same input: a record, or one of its named errors, never anything else.
            try {
              importBundle(b, { facility: 'IN2210000001' as FacilityId, at: AT })
            } catch (err) {
              expect(
                err instanceof InvalidFhirBundleError || err instanceof UnsupportedFhirDocumentError,
                String(err)
              ).toBe(true)
            }
          }
        ),
        { seed, numRuns: 800, verbose: true }
      )
    }
  )
})
