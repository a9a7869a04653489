/**
 * The Composition of every document the projection writes, and its sections (export.ts,
 * export-discharge.ts).
 */
import type {
  Composition,
  CompositionSection,
  Encounter as FhirEncounter,
  Organization,
  Patient,
  Practitioner,
  Reference
} from '@medplum/fhirtypes'
import { type FixedCode, SYSTEM, profileUrl } from './constants.js'

/** The ABDM document kinds the projection writes (the IG profile ids of their Compositions). */
export type AbdmDocumentKind =
  'OPConsultRecord' | 'PrescriptionRecord' | 'DiagnosticReportRecord' | 'DischargeSummaryRecord'

export function section(code: FixedCode, title: string, entry: Reference[]): CompositionSection {
  return { title, code: { coding: [{ system: SYSTEM.snomed, code: code.code, display: code.display }] }, entry }
}

export interface CompositionInput {
  kind: AbdmDocumentKind
  type: FixedCode
  title: string
  date: string
  subject: Reference<Patient>
  author: Reference<Practitioner | Organization>
  custodian: Reference<Organization>
  encounter?: Reference<FhirEncounter>
  section: CompositionSection[]
}

export function composition(c: CompositionInput): Composition {
  return {
    resourceType: 'Composition',
    meta: { profile: [profileUrl(c.kind)] },
    status: 'final',
    type: { coding: [{ system: SYSTEM.snomed, code: c.type.code, display: c.type.display }], text: c.type.display },
    subject: c.subject,
    ...(c.encounter === undefined ? {} : { encounter: c.encounter }),
    date: c.date,
    author: [c.author],
    title: c.title,
    custodian: c.custodian,
    section: c.section
  }
}
