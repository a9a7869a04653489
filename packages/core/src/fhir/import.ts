/**
 * Import of ABDM document bundles (ours or another system's) into the shape of the patient document.
 * `importBundle` validates and reads one bundle into an {@link ImportedRecord}; `applyImport` merges
 * that into a PatientDoc (an Automerge proxy or a plain object), adding what is missing and never
 * overwriting what the document already holds.
 *
 * Nothing is dropped: every entry is either mapped into the record, used as context (the Patient,
 * Practitioner, Organization and Composition), or kept verbatim as an attached resource, and the
 * import report says which. Every time is normalised to UTC (Indian systems write `+05:30`); nothing
 * is invented (no default severity, no placeholder ids).
 */
import type {
  Allergy,
  Alert,
  AttachedResource,
  BirthInfo,
  CareSummary,
  Encounter,
  FacilityId,
  IsoInstant,
  Referral,
  Sex
} from '../record/types.js'
import { isIdentifierSystem } from './constants.js'
import { InvalidFhirBundleError } from './errors.js'
import { Reading } from './import-read.js'
import { type Json, isObject, list } from './issues.js'
import { BundleReader, codeOf, hfrOf, str } from './read.js'
import { type StructureCheck, validateBundle } from './validate.js'

/** The IG document kinds the importer reads (all of the IG's health-record documents). */
export type ImportedDocumentKind =
  | 'OPConsultRecord'
  | 'PrescriptionRecord'
  | 'DiagnosticReportRecord'
  | 'DischargeSummaryRecord'
  | 'ImmunizationRecord'
  | 'WellnessRecord'
  | 'HealthDocumentRecord'
  | 'InvoiceRecord'

/** The patient as a bundle describes them (identifiers are what a merge matches on). */
export interface ImportedPatient {
  name?: string
  sex?: Sex
  /** Absent when the bundle gives no usable birth date (the patient's birth is then `unknown`). */
  birth?: BirthInfo
  /** The parts of the first address the bundle gives (`city` is read as the village, `line` as the block). */
  address?: { village?: string; block?: string; district?: string; pin?: string }
  phone?: string
  /** 14 digits, no hyphens. */
  abhaNumber?: string
  abhaAddress?: string
  uhid: Record<FacilityId, string>
}

/** An encounter read from a bundle; `complete` when the bundle carried the whole visit (OPConsult). */
export interface ImportedEncounter {
  encounter: Encounter
  complete: boolean
}

/** What became of one bundle entry: mapped into the record, read as context, or attached verbatim. */
export interface ImportReportEntry {
  /** Index in Bundle.entry. */
  entry: number
  resourceType: string
  outcome: 'mapped' | 'context' | 'attached'
  /** Where it went, e.g. `allergies (no known allergy)`, `encounter.labOrders`, `attached`. */
  into: string
}

/** The clinical content of one bundle, in PatientDoc terms. */
export interface ImportedRecord {
  kind: ImportedDocumentKind
  /** `system|value` of the Bundle.identifier. */
  bundleKey: string
  patient: ImportedPatient
  encounters: ImportedEncounter[]
  allergies: Allergy[]
  alerts: Alert[]
  referrals: Referral[]
  summaries: CareSummary[]
  /** Resources the record has no field for, kept verbatim. */
  attached: AttachedResource[]
  /** One line per bundle entry (counts and types only: no patient data). */
  report: ImportReportEntry[]
  /**
   * The rules of the validation warnings the bundle passed with, once each (e.g. `abha-luhn`: an ABHA
   * number failing its check digit; `hfr-format`: an HFR id of an unusual shape). No values.
   */
  warnings: string[]
}

/** Options of {@link importBundle}. */
export interface ImportOptions {
  /** The importing facility: used where the bundle does not say which facility did something. */
  facility: FacilityId
  /** When the import happens (UTC), stamped on attached resources; injected, never read from a clock here. */
  at: IsoInstant
  /** The file or upload the bundle came from, named in errors. */
  source?: string
  /** Base R4 structure check, as for validateBundle. */
  structure?: StructureCheck
}

/**
 * Validate a bundle and read its clinical content. Throws InvalidFhirBundleError (naming the source,
 * and every issue with its path and rule) if it is invalid.
 */
export function importBundle(input: unknown, opts: ImportOptions): ImportedRecord {
  const result = validateBundle(input, opts.structure === undefined ? {} : { structure: opts.structure })
  if (!result.ok || result.profile === undefined)
    throw new InvalidFhirBundleError(
      result.issues.filter(i => i.severity === 'error'),
      opts.source
    )
  const r = new BundleReader(input as Json)
  const out: ImportedRecord = {
    kind: result.profile as ImportedDocumentKind,
    bundleKey: r.bundleKey,
    patient: readPatient(r.get(r.composition.subject)),
    encounters: [],
    allergies: [],
    alerts: [],
    referrals: [],
    summaries: [],
    attached: [],
    report: [],
    warnings: [...new Set(result.issues.filter(i => i.severity === 'warning').map(i => i.rule))]
  }
  new Reading(r, opts, out).read()
  return out
}

function readPatient(p: Json | undefined): ImportedPatient {
  const out: ImportedPatient = { uhid: {} }
  if (p === undefined) return out
  const name = list(p.name)
    .filter(isObject)
    .map(n => str(n.text))
    .find(x => x !== undefined)
  if (name !== undefined) out.name = name
  if (p.gender === 'female' || p.gender === 'male' || p.gender === 'other' || p.gender === 'unknown') out.sex = p.gender
  const born = str(p.birthDate)
  if (born !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(born)) out.birth = { kind: 'date', date: born }
  else if (born !== undefined && /^\d{4}$/.test(born)) out.birth = { kind: 'year', year: Number(born) }
  const address = readAddress(list(p.address).find(isObject))
  if (address !== undefined) out.address = address
  const phone = list(p.telecom)
    .filter(isObject)
    .find(t => t.system === 'phone')
  if (phone !== undefined && typeof phone.value === 'string') out.phone = phone.value
  for (const id of list(p.identifier).filter(isObject)) {
    const value = str(id.value)
    const system = str(id.system) ?? ''
    if (value === undefined) continue
    if (isIdentifierSystem('abha', system)) {
      if (value.includes('@')) out.abhaAddress = value
      else out.abhaNumber = value.replaceAll('-', '')
      continue
    }
    const uhid = /^https?:\/\/(facility\.ndhm|facility\.abdm|hfr\.abdm)\.gov\.in\/(IN\d{10})\/uhid$/.exec(system)
    const assigner = isObject(id.assigner) ? hfrOf(id.assigner) : undefined
    const hfr = uhid?.[2] ?? (codeOf(id.type) === 'MR' ? assigner : undefined)
    if (hfr !== undefined) out.uhid[hfr as FacilityId] = value
  }
  return out
}

/** The parts of a FHIR Address the record has fields for (as our export writes them); undefined when none. */
function readAddress(a: Json | undefined): ImportedPatient['address'] {
  if (a === undefined) return undefined
  const out: NonNullable<ImportedPatient['address']> = {}
  const part = (v: unknown): string | undefined => {
    const t = str(v)?.trim()
    return t === undefined || t === '' || t.length > 100 ? undefined : t
  }
  const village = part(a.city)
  const block = part(list(a.line)[0])
  const district = part(a.district)
  const pin = str(a.postalCode)
  if (village !== undefined) out.village = village
  if (block !== undefined) out.block = block
  if (district !== undefined) out.district = district
  if (pin !== undefined && /^[1-9]\d{5}$/.test(pin)) out.pin = pin
  return Object.keys(out).length === 0 ? undefined : out
}
