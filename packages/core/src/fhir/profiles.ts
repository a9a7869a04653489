/**
 * Which IG document profile a Composition claims, and the few Composition rules that are not element
 * constraints of the rule table (`ig-check.ts`): the base invariant cmp-2 and the detection itself.
 * The fixed type codes are those of the IG's FSH source (`constants.ts`), and the profile ids are the
 * table's.
 */
import { COMPOSITION_TYPE } from './constants.js'
import { profileType } from './ig-check.js'
import { type Issues, type Json, isObject, list, present } from './issues.js'

/** The IG's document (Composition) profiles, and how a Composition without meta.profile names its kind. */
export const COMPOSITION_PROFILES: Readonly<Record<string, { code?: string; text?: string }>> = {
  OPConsultRecord: { code: COMPOSITION_TYPE.opConsult.code },
  PrescriptionRecord: { code: COMPOSITION_TYPE.prescription.code },
  DiagnosticReportRecord: {},
  DischargeSummaryRecord: { code: COMPOSITION_TYPE.dischargeSummary.code },
  ImmunizationRecord: { code: COMPOSITION_TYPE.immunization.code },
  HealthDocumentRecord: { code: COMPOSITION_TYPE.healthDocument.code },
  WellnessRecord: { text: 'Wellness Record' },
  InvoiceRecord: { text: 'Invoice Record' }
}

/**
 * Codes of the DiagnosticReportType value set that identify a DiagnosticReportRecord when the bundle
 * has no meta.profile (the binding is only preferred; is-a descendants cannot be expanded offline).
 */
const DIAGNOSTIC_REPORT_TYPES = new Set([
  '721981007',
  '371528001',
  '4311000179106',
  '722143004',
  '4241000179101',
  '4201000179104',
  '714335001',
  '4271000179106',
  '714337009'
])

/** The IG profile of a Composition: from meta.profile if it names one, else from its type. */
export function detectProfile(composition: Json): string | undefined {
  const meta = isObject(composition.meta) ? composition.meta : {}
  for (const p of list(meta.profile)) {
    const id = typeof p === 'string' ? /\/StructureDefinition\/([A-Za-z]+)(\|.*)?$/.exec(p)?.[1] : undefined
    if (id !== undefined && COMPOSITION_PROFILES[id] !== undefined && profileType(id) === 'Composition') return id
  }
  const type = isObject(composition.type) ? composition.type : {}
  const code = list(type.coding)
    .filter(isObject)
    .map(c => c.code)[0]
  for (const [id, p] of Object.entries(COMPOSITION_PROFILES)) {
    if (p.code !== undefined && p.code === code) return id
    if (p.text !== undefined && p.text === type.text && code === undefined) return id
  }
  return typeof code === 'string' && DIAGNOSTIC_REPORT_TYPES.has(code) ? 'DiagnosticReportRecord' : undefined
}

/** cmp-2 (base R4): a section has text, entries or sub-sections; checked at every depth. */
export function checkSections(issues: Issues, c: Json, path: string): void {
  list(c.section).forEach((s, i) => {
    const p = `${path}.section[${i}]`
    if (!isObject(s)) return
    if (!present(s.text) && !present(s.entry) && !present(s.section)) issues.add(p, 'cmp-2 text|entry|section')
    checkSections(issues, s, p)
  })
}
