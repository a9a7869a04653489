/**
 * Identifier rules the StructureDefinitions cannot state: the ABHA number's format and Luhn check
 * digit (domain.md §1.1), the ABHA address, and the shape of HFR facility ids. The systems ABDM uses
 * for each are in `constants.ts` (`IDENTIFIER_SYSTEMS`).
 */
import { luhnValid } from '../record/validate-ids.js'
import { isIdentifierSystem, SYSTEM } from './constants.js'
import { type Issues, type Json, isObject, list } from './issues.js'

const ABHA_NUMBER = /^(\d{2}-\d{4}-\d{4}-\d{4}|\d{14})$/
const ABHA_ADDRESS = /^[A-Za-z0-9._]{2,}@(abdm|sbx|ndhm)$/
const HFR_ID = /^IN\d{10}$/

/** Whether an identifier is an ABHA number or address (by system, or by the IG's ABHA/HIN type code). */
export function isAbhaIdentifier(id: Json): boolean {
  if (isIdentifierSystem('abha', id.system)) return true
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

/** The identifier rules of one entry's resource. */
export function checkIdentifiers(issues: Issues, r: Json, path: string): void {
  list(r.identifier).forEach((id, i) => {
    if (!isObject(id)) return
    const p = `${path}.identifier[${i}]`
    if (r.resourceType === 'Patient' && isAbhaIdentifier(id)) checkAbha(issues, id, p)
    if (isIdentifierSystem('hfr', id.system) && typeof id.value === 'string' && !HFR_ID.test(id.value))
      issues.add(`${p}.value`, 'hfr-format', 'warning')
  })
}
