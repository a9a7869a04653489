import { describe, expect, it } from 'vitest'
import rules from './ig-rules.json' with { type: 'json' }
import { foreignLabReport, foreignOpConsult } from './foreign-fixtures.js'
import { formatIssue, validateBundle } from './validate.js'

type B = { entry: { resource: Record<string, unknown> }[] }
const errors = (b: unknown): string[] =>
  validateBundle(b)
    .issues.filter(i => i.severity === 'error')
    .map(formatIssue)
const find = (b: B, type: string): Record<string, unknown> =>
  b.entry.find(e => e.resource.resourceType === type)!.resource
const at = (b: B, type: string): number => b.entry.findIndex(e => e.resource.resourceType === type)
const element = (profile: string, id: string): Record<string, unknown> | undefined =>
  (rules.profiles as Record<string, { elements: { id: string }[] }>)[profile]?.elements.find(e => e.id === id)

describe('the rule table derived from the IG 6.5.0 StructureDefinitions (scripts/fhir-ig-rules.mjs)', () => {
  it('holds the IG’s own constraints, as SUSHI’s snapshots state them', () => {
    expect(rules.source).toMatch(/IG 6\.5\.0 \(ndhm\.in\)/)
    expect(element('ServiceRequest', 'ServiceRequest.code.coding.system')).toMatchObject({
      min: 1,
      fixed: 'http://snomed.info/sct'
    })
    expect(element('OPConsultRecord', 'Composition.encounter')).toMatchObject({ min: 1, max: '1' })
    expect(element('Encounter', 'Encounter.subject')).toMatchObject({ min: 0, max: '1' })
    expect(element('DiagnosticReportLab', 'DiagnosticReport.subject')).toMatchObject({ min: 0, max: '1' })
    expect(element('DiagnosticReportLab', 'DiagnosticReport.code.coding.system')).toMatchObject({
      fixed: 'http://loinc.org'
    })
    expect(element('MedicationRequest', 'MedicationRequest.status')).toMatchObject({
      binding: 'http://hl7.org/fhir/ValueSet/medicationrequest-status'
    })
  })

  it('checks required value sets: MedicationRequest.status "bogus-status" and Patient.gender "F" are refused', () => {
    const b = foreignOpConsult() as B
    find(b, 'MedicationRequest').status = 'bogus-status'
    find(b, 'Patient').gender = 'F'
    expect(errors(b).sort()).toEqual(
      [
        `Bundle.entry[${at(b, 'MedicationRequest')}].resource.status: required-binding http://hl7.org/fhir/ValueSet/medicationrequest-status`,
        `Bundle.entry[${at(b, 'Patient')}].resource.gender: required-binding http://hl7.org/fhir/ValueSet/administrative-gender`
      ].sort()
    )
  })

  it('accepts an Encounter and a DiagnosticReport without subject (0..1 in the IG), as other systems send them', () => {
    const op = foreignOpConsult() as B
    expect(find(op, 'Encounter').subject).toBeUndefined()
    expect(errors(op)).toEqual([])
    const lab = foreignLabReport() as B
    delete find(lab, 'DiagnosticReport').subject
    expect(errors(lab)).toEqual([])
  })

  it('refuses a ServiceRequest coded in LOINC, which the IG fixes to SNOMED CT', () => {
    const b = foreignOpConsult() as B
    find(b, 'ServiceRequest').code = { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' }] }
    expect(errors(b)).toEqual([
      `Bundle.entry[${at(b, 'ServiceRequest')}].resource.code.coding[0].system: fixed-value http://snomed.info/sct`
    ])
  })

  it('refuses a medicine coding without its display, and a MedicationReference where the IG allows only a CodeableConcept', () => {
    const b = foreignOpConsult() as B
    const rx = find(b, 'MedicationRequest')
    const i = at(b, 'MedicationRequest')
    ;(rx.medicationCodeableConcept as { coding: { display?: string }[] }).coding[0]!.display = undefined
    expect(errors(b)).toEqual([
      `Bundle.entry[${i}].resource.medicationCodeableConcept.coding[0].display: cardinality 1..1 (found 0)`
    ])
    rx.medicationReference = { reference: 'Medication/m1' }
    expect(errors(b)).toContain(`Bundle.entry[${i}].resource.medicationReference: choice-type CodeableConcept`)
  })

  it('checks datatypes: an instant without a zone is refused where the IG says instant', () => {
    const b = foreignLabReport() as B
    find(b, 'DiagnosticReport').issued = '2026-11-20T13:10:00'
    expect(errors(b)).toEqual([`Bundle.entry[${at(b, 'DiagnosticReport')}].resource.issued: datatype instant`])
  })
})
