/**
 * The ABDM IG 6.x profile rules, hand-written: fixed Composition.type and section codes, the slicings
 * (open-at-end by section code for OPConsult and DischargeSummary, closed by entry type for
 * Prescription and DiagnosticReport), cardinalities and required fields of the resource profiles, and
 * the ABHA number's format and Luhn check. Values come from the IG's FSH source (`constants.ts`).
 */
import { COMPOSITION_TYPE, DS_SECTION, type FixedCode, OP_SECTION, SYSTEM } from './constants.js'
import { type BundleIndex, type Issues, type Json, isObject, list, present } from './issues.js'

/** A section slice: its fixed code and the resource types its entries may point at. */
interface SectionSlice {
  name: string
  code: FixedCode
  types: readonly string[]
}

/** The Composition rules of one document profile. */
interface CompositionProfile {
  /** Fixed Composition.type coding; `undefined` where the IG only binds a value set. */
  type?: FixedCode
  /** Fixed Composition.type.text, for profiles with no coding (Wellness, Invoice). */
  typeText?: string
  encounterRequired: boolean
  authorReferenceRequired: boolean
  section: { min: number; max: number | '*' }
  /** Sliced by section code (openAtEnd): each known code 0..1 with allowed entry types. */
  slices?: readonly SectionSlice[]
  /**
   * The single section: its code (fixed only where a coding is given: `section.code.coding` is optional
   * in the IG), its entry cardinality, and the entry types with their maxima. `byType` means the IG
   * slices entries (closed) on `Reference.type`, which then becomes required.
   */
  single?: {
    code?: FixedCode
    entry: { min: number; max: number | '*' }
    entryTypes: Readonly<Record<string, number | '*'>>
    byType: boolean
  }
}

const op = (name: string, code: FixedCode, ...types: string[]): SectionSlice => ({ name, code, types })

/** Composition profiles by IG StructureDefinition id. */
export const COMPOSITION_PROFILES: Readonly<Record<string, CompositionProfile>> = {
  OPConsultRecord: {
    type: COMPOSITION_TYPE.opConsult,
    encounterRequired: true,
    authorReferenceRequired: true,
    section: { min: 1, max: '*' },
    slices: [
      op('ChiefComplaints', OP_SECTION.chiefComplaints, 'Condition'),
      op('PhysicalExamination', OP_SECTION.physicalExamination, 'Observation'),
      op('Allergies', OP_SECTION.allergies, 'AllergyIntolerance'),
      op('MedicalHistory', OP_SECTION.medicalHistory, 'Condition', 'Procedure'),
      op('FamilyHistory', OP_SECTION.familyHistory, 'FamilyMemberHistory'),
      op('InvestigationAdvice', OP_SECTION.investigationAdvice, 'ServiceRequest'),
      op('Medications', OP_SECTION.medications, 'MedicationStatement', 'MedicationRequest'),
      op('FollowUp', OP_SECTION.followUp, 'Appointment'),
      op('Procedure', OP_SECTION.procedure, 'Procedure'),
      op('Referral', OP_SECTION.referral, 'ServiceRequest'),
      op('OtherObservations', OP_SECTION.otherObservations, 'Observation'),
      op('DocumentReference', OP_SECTION.documentReference, 'DocumentReference')
    ]
  },
  DischargeSummaryRecord: {
    type: COMPOSITION_TYPE.dischargeSummary,
    encounterRequired: true,
    authorReferenceRequired: false,
    section: { min: 1, max: '*' },
    slices: [
      op('ChiefComplaints', DS_SECTION.chiefComplaints, 'Condition'),
      op('PhysicalExamination', DS_SECTION.physicalExamination, 'Observation'),
      op('Allergies', DS_SECTION.allergies, 'AllergyIntolerance'),
      op('MedicalHistory', DS_SECTION.medicalHistory, 'Condition', 'Procedure'),
      op('FamilyHistory', DS_SECTION.familyHistory, 'FamilyMemberHistory'),
      op('Investigations', DS_SECTION.investigations, 'DiagnosticReport'),
      op('Medications', DS_SECTION.medications, 'MedicationRequest'),
      op('Procedures', DS_SECTION.procedures, 'Procedure'),
      op('CarePlan', DS_SECTION.carePlan, 'CarePlan'),
      op('DocumentReference', DS_SECTION.documentReference, 'DocumentReference')
    ]
  },
  PrescriptionRecord: {
    type: COMPOSITION_TYPE.prescription,
    encounterRequired: false,
    authorReferenceRequired: true,
    section: { min: 1, max: 1 },
    single: {
      code: COMPOSITION_TYPE.prescription,
      entry: { min: 1, max: '*' },
      entryTypes: { MedicationRequest: '*', Binary: 1 },
      byType: true
    }
  },
  DiagnosticReportRecord: {
    encounterRequired: false,
    authorReferenceRequired: true,
    section: { min: 1, max: 1 },
    single: { entry: { min: 1, max: 2 }, entryTypes: { DiagnosticReport: 1, DocumentReference: 1 }, byType: true }
  },
  ImmunizationRecord: {
    type: COMPOSITION_TYPE.immunization,
    encounterRequired: false,
    authorReferenceRequired: true,
    section: { min: 1, max: 1 },
    single: {
      code: COMPOSITION_TYPE.immunization,
      entry: { min: 0, max: '*' },
      entryTypes: { Immunization: '*', ImmunizationRecommendation: 1, DocumentReference: '*' },
      byType: true
    }
  },
  HealthDocumentRecord: {
    type: COMPOSITION_TYPE.healthDocument,
    encounterRequired: false,
    authorReferenceRequired: true,
    section: { min: 1, max: 1 },
    single: {
      code: COMPOSITION_TYPE.healthDocument,
      entry: { min: 1, max: '*' },
      entryTypes: { DocumentReference: '*' },
      byType: false
    }
  },
  WellnessRecord: {
    typeText: 'Wellness Record',
    encounterRequired: false,
    authorReferenceRequired: true,
    section: { min: 1, max: '*' }
  },
  InvoiceRecord: {
    typeText: 'Invoice Record',
    encounterRequired: false,
    authorReferenceRequired: true,
    section: { min: 1, max: 1 }
  }
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
    if (id !== undefined && COMPOSITION_PROFILES[id] !== undefined) return id
  }
  const type = isObject(composition.type) ? composition.type : {}
  const code = list(type.coding)
    .filter(isObject)
    .map(c => c.code)[0]
  for (const [id, p] of Object.entries(COMPOSITION_PROFILES)) {
    if (p.type !== undefined && p.type.code === code) return id
    if (p.typeText !== undefined && p.typeText === type.text) return id
  }
  return typeof code === 'string' && DIAGNOSTIC_REPORT_TYPES.has(code) ? 'DiagnosticReportRecord' : undefined
}

function checkFixedCoding(issues: Issues, concept: unknown, fixed: FixedCode, path: string): void {
  const cc = isObject(concept) ? concept : {}
  const codings = list(cc.coding)
  if (codings.length !== 1) issues.add(`${path}.coding`, 'cardinality 1..1', 'error', `found ${codings.length}`)
  const c = isObject(codings[0]) ? codings[0] : {}
  issues.fixed(c.system, SYSTEM.snomed, `${path}.coding[0].system`, 'system')
  issues.fixed(c.code, fixed.code, `${path}.coding[0].code`, 'code')
  if (c.code === fixed.code) issues.fixed(c.display, fixed.display, `${path}.coding[0].display`, 'display')
}

function checkReferenceTo(
  issues: Issues,
  index: BundleIndex,
  ref: unknown,
  types: readonly string[],
  path: string
): void {
  if (!isObject(ref) || !present(ref.reference)) {
    issues.add(`${path}.reference`, 'required')
    return
  }
  const t = index.typeOf(ref)
  if (t !== undefined && !types.includes(t))
    issues.add(path, `reference-type ${types.join('|')}`, 'error', `found ${t}`)
}

/** Composition rules: base-R4 required elements plus the profile's fixed codes and slicings. */
export function checkComposition(
  issues: Issues,
  index: BundleIndex,
  c: Json,
  profileId: string | undefined,
  path: string
): void {
  for (const key of ['status', 'type', 'date', 'title']) issues.required(c, key, path)
  issues.cardinality(c, 'author', 1, '*', path)
  if (!present(c.subject)) issues.add(`${path}.subject`, 'required')
  else checkReferenceTo(issues, index, c.subject, ['Patient'], `${path}.subject`)
  if (profileId === undefined) {
    issues.add(`${path}.type`, 'document-type', 'error', 'no ABDM document profile matches')
    return
  }
  const p = COMPOSITION_PROFILES[profileId]!
  if (p.type !== undefined) checkFixedCoding(issues, c.type, p.type, `${path}.type`)
  else if (p.typeText !== undefined)
    issues.fixed(isObject(c.type) ? c.type.text : undefined, p.typeText, `${path}.type.text`, 'text')
  else {
    const codings = list(isObject(c.type) ? c.type.coding : undefined)
    if (codings.length !== 1) issues.add(`${path}.type.coding`, 'cardinality 1..1', 'error', `found ${codings.length}`)
    const t = isObject(codings[0]) ? codings[0] : {}
    issues.fixed(t.system, SYSTEM.snomed, `${path}.type.coding[0].system`, 'system')
    issues.required(t, 'code', `${path}.type.coding[0]`)
    issues.required(t, 'display', `${path}.type.coding[0]`)
  }
  if (p.encounterRequired && !present(c.encounter)) issues.add(`${path}.encounter`, 'required')
  else if (present(c.encounter)) checkReferenceTo(issues, index, c.encounter, ['Encounter'], `${path}.encounter`)
  if (p.authorReferenceRequired) {
    list(c.author).forEach((a, i) => {
      if (!isObject(a) || !present(a.reference)) issues.add(`${path}.author[${i}].reference`, 'required')
    })
  }
  if (present(c.custodian)) checkReferenceTo(issues, index, c.custodian, ['Organization'], `${path}.custodian`)
  const sections = issues.cardinality(c, 'section', p.section.min, p.section.max, path)
  sections.forEach((s, i) => checkSection(issues, index, s, p, `${path}.section[${i}]`))
  if (p.slices !== undefined) {
    for (const slice of p.slices) {
      const n = sections.filter(s => sectionCode(s) === slice.code.code).length
      if (n > 1) issues.add(`${path}.section`, `slice-cardinality ${slice.name} 0..1`, 'error', `found ${n}`)
    }
  }
}

function sectionCode(s: unknown): unknown {
  const code = isObject(s) && isObject(s.code) ? s.code : {}
  const first = list(code.coding)[0]
  return isObject(first) ? first.code : undefined
}

function checkSection(issues: Issues, index: BundleIndex, s: unknown, p: CompositionProfile, path: string): void {
  if (!isObject(s)) {
    issues.add(path, 'required')
    return
  }
  // cmp-2: a section has text, entries or sub-sections.
  if (!present(s.text) && !present(s.entry) && !present(s.section)) issues.add(path, 'cmp-2 text|entry|section')
  const entries = list(s.entry)
  if (p.slices !== undefined) {
    const slice = p.slices.find(x => x.code.code === sectionCode(s))
    if (slice === undefined) return // openAtEnd: other sections are allowed after the slices
    checkFixedCoding(issues, s.code, slice.code, `${path}.code`)
    entries.forEach((e, i) => checkReferenceTo(issues, index, e, slice.types, `${path}.entry[${i}]`))
    return
  }
  if (p.single === undefined) return
  list(isObject(s.code) ? s.code.coding : undefined).forEach((c, k) => {
    const coding = isObject(c) ? c : {}
    const cp = `${path}.code.coding[${k}]`
    issues.fixed(coding.system, SYSTEM.snomed, `${cp}.system`, 'system')
    if (p.single?.code === undefined) {
      issues.required(coding, 'code', cp)
      issues.required(coding, 'display', cp)
    } else {
      issues.fixed(coding.code, p.single.code.code, `${cp}.code`, 'code')
      if (coding.code === p.single.code.code)
        issues.fixed(coding.display, p.single.code.display, `${cp}.display`, 'display')
    }
  })
  issues.cardinality(s, 'entry', p.single.entry.min, p.single.entry.max, path)
  const allowed = Object.keys(p.single.entryTypes)
  const counts = new Map<string, number>()
  entries.forEach((e, i) => {
    const ep = `${path}.entry[${i}]`
    if (!isObject(e)) {
      issues.add(ep, 'required')
      return
    }
    if (!p.single!.byType) {
      checkReferenceTo(issues, index, e, allowed, ep)
      const t = index.typeOf(e)
      if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1)
      return
    }
    // Closed slicing on Reference.type: the type is required, must be a slice, and must match the target.
    if (!present(e.type)) {
      issues.add(`${ep}.type`, 'required')
      return
    }
    if (typeof e.type !== 'string' || !allowed.includes(e.type)) {
      issues.add(`${ep}.type`, `slice-closed ${allowed.join('|')}`)
      return
    }
    counts.set(e.type, (counts.get(e.type) ?? 0) + 1)
    checkReferenceTo(issues, index, e, [e.type], ep)
  })
  for (const [type, max] of Object.entries(p.single.entryTypes)) {
    const n = counts.get(type) ?? 0
    if (max !== '*' && n > max)
      issues.add(`${path}.entry`, `slice-cardinality ${type} 0..${max}`, 'error', `found ${n}`)
  }
}
