/**
 * ABDM resource-profile rules applied to every entry of a bundle (domain.md §2.2): identifiers with
 * type and value, names with text, the closed coding slicings of Condition and Observation, the
 * required elements of MedicationRequest, ServiceRequest and DiagnosticReportLab, and the ABHA
 * number's format and Luhn check digit.
 */
import { luhnValid } from '../record/validate-ids.js'
import { SYSTEM } from './constants.js'
import { type Issues, type Json, isObject, list, present } from './issues.js'

const ABHA_NUMBER = /^(\d{2}-\d{4}-\d{4}-\d{4}|\d{14})$/
const ABHA_ADDRESS = /^[A-Za-z0-9._]{2,}@(abdm|sbx|ndhm)$/
const HFR_ID = /^IN\d{10}$/

function isAbhaIdentifier(id: Json): boolean {
  if (typeof id.system === 'string' && /^https?:\/\/healthid\.(ndhm|abdm)\.gov\.in\/?$/.test(id.system)) return true
  const type = isObject(id.type) ? id.type : {}
  return list(type.coding).some(
    c => isObject(c) && c.system === SYSTEM.ndhmIdentifierType && (c.code === 'ABHA' || c.code === 'HIN')
  )
}

/** An ABHA identifier: an address (`handle@abdm`) or a 14-digit number whose last digit is Luhn. */
function checkAbha(issues: Issues, id: Json, path: string): void {
  if (typeof id.value !== 'string') return
  if (id.value.includes('@')) {
    if (!ABHA_ADDRESS.test(id.value)) issues.add(`${path}.value`, 'abha-address-format')
    return
  }
  if (!ABHA_NUMBER.test(id.value)) {
    issues.add(`${path}.value`, 'abha-number-format')
    return
  }
  // A failed Luhn check is a warning, as in the record validators: the algorithm is inferred, not published.
  if (!luhnValid(id.value.replaceAll('-', ''))) issues.add(`${path}.value`, 'abha-luhn', 'warning')
}

function checkIdentifiers(issues: Issues, r: Json, path: string, opts: { system: boolean }): void {
  const ids = issues.cardinality(r, 'identifier', 1, '*', path)
  ids.forEach((id, i) => {
    const p = `${path}.identifier[${i}]`
    if (!isObject(id)) {
      issues.add(p, 'required')
      return
    }
    if (issues.required(id, 'type', p) && isObject(id.type)) {
      list(id.type.coding).forEach((c, j) => {
        if (!isObject(c)) return
        for (const k of ['system', 'code', 'display']) issues.required(c, k, `${p}.type.coding[${j}]`)
      })
    }
    issues.required(id, 'value', p)
    if (opts.system) issues.required(id, 'system', p)
    if (r.resourceType === 'Patient' && isAbhaIdentifier(id)) checkAbha(issues, id, p)
    if (id.system === SYSTEM.hfr && typeof id.value === 'string' && !HFR_ID.test(id.value))
      issues.add(`${p}.value`, 'hfr-format', 'warning')
  })
}

function checkNameText(issues: Issues, r: Json, path: string): void {
  list(r.name).forEach((n, i) => {
    if (isObject(n)) issues.required(n, 'text', `${path}.name[${i}]`)
  })
}

/** Closed slicing of `code.coding` by system. */
function checkCodingSystems(issues: Issues, r: Json, path: string, systems: readonly string[]): void {
  const code = isObject(r.code) ? r.code : {}
  list(code.coding).forEach((c, i) => {
    if (isObject(c) && !systems.includes(String(c.system)))
      issues.add(`${path}.code.coding[${i}].system`, `slice-closed ${systems.join('|')}`)
  })
}

function hasProfile(r: Json, id: string): boolean {
  const meta = isObject(r.meta) ? r.meta : {}
  return list(meta.profile).some(p => typeof p === 'string' && p.endsWith(`/StructureDefinition/${id}`))
}

/** The ABDM rules of one entry's resource, by resourceType. Unknown types get no extra rules. */
export function checkResource(issues: Issues, r: Json, path: string): void {
  if (!present(r.resourceType)) {
    issues.add(`${path}.resourceType`, 'required')
    return
  }
  switch (r.resourceType) {
    case 'Patient':
      checkIdentifiers(issues, r, path, { system: false })
      checkNameText(issues, r, path)
      list(r.telecom).forEach((t, i) => {
        if (isObject(t)) issues.required(t, 'value', `${path}.telecom[${i}]`)
      })
      break
    case 'Practitioner':
      checkIdentifiers(issues, r, path, { system: false })
      issues.cardinality(r, 'name', 1, '*', path)
      checkNameText(issues, r, path)
      break
    case 'Organization':
      checkIdentifiers(issues, r, path, { system: true })
      issues.required(r, 'name', path)
      break
    case 'Encounter':
      issues.required(r, 'status', path)
      issues.required(r, 'class', path)
      issues.required(r, 'subject', path)
      break
    case 'Condition':
      issues.required(r, 'code', path)
      issues.required(r, 'subject', path)
      checkCodingSystems(issues, r, path, [SYSTEM.icd10, SYSTEM.snomed])
      break
    case 'Observation':
      issues.required(r, 'status', path)
      issues.required(r, 'code', path)
      checkCodingSystems(issues, r, path, [SYSTEM.loinc, SYSTEM.snomed])
      break
    case 'MedicationRequest':
      for (const k of ['status', 'intent', 'subject', 'authoredOn', 'requester']) issues.required(r, k, path)
      if (!present(r.medicationCodeableConcept)) issues.add(`${path}.medicationCodeableConcept`, 'required')
      if (present(r.medicationReference)) issues.add(`${path}.medicationReference`, 'type-only CodeableConcept')
      issues.cardinality(r, 'dosageInstruction', 1, '*', path)
      break
    case 'ServiceRequest':
      for (const k of ['status', 'intent', 'subject', 'requester']) issues.required(r, k, path)
      break
    case 'DiagnosticReport':
      for (const k of ['status', 'code', 'subject']) issues.required(r, k, path)
      if (hasProfile(r, 'DiagnosticReportLab')) {
        const code = isObject(r.code) ? r.code : {}
        const loinc = list(code.coding).filter(c => isObject(c) && c.system === SYSTEM.loinc).length
        if (loinc !== 1) issues.add(`${path}.code.coding`, 'slice-cardinality LOINC 1..1', 'error', `found ${loinc}`)
        issues.cardinality(r, 'resultsInterpreter', 1, '*', path)
        issues.cardinality(r, 'result', 1, '*', path)
        issues.required(r, 'conclusion', path)
      }
      break
    default:
      break
  }
}
