/**
 * Reading helpers for the importer: a bundle's resources by reference, identifiers by system, and
 * the Pagdandi entry id of a resource (or a stable one derived from the bundle when another system
 * wrote it, so that importing the same foreign bundle twice lands on the same entries).
 */
import type { Coding, EntryId, FacilityId } from '../record/types.js'
import { isIdentifierSystem, SYSTEM } from './constants.js'
import { BundleIndex, type Json, isObject, list } from './issues.js'
import { shortHash } from './uuid.js'

/** A parsed bundle: the Composition, the resolver and the bundle's identity. */
export class BundleReader {
  readonly index: BundleIndex
  readonly composition: Json
  readonly bundleKey: string

  constructor(readonly bundle: Json) {
    const entries = list(bundle.entry)
    this.index = new BundleIndex(entries)
    const first = entries[0]
    this.composition = isObject(first) && isObject(first.resource) ? first.resource : {}
    const identifier = isObject(bundle.identifier) ? bundle.identifier : {}
    this.bundleKey = `${String(identifier.system)}|${String(identifier.value)}`
  }

  /** The resource a Reference points at, if it is in the bundle. */
  get(ref: unknown): Json | undefined {
    return isObject(ref) && typeof ref.reference === 'string' ? this.index.resolve(ref.reference) : undefined
  }

  /** The resources a list of References points at (unresolvable ones are skipped). */
  all(refs: unknown): Json[] {
    return list(refs)
      .map(r => this.get(r))
      .filter((r): r is Json => r !== undefined)
  }

  /** The entries of the Composition's section with this code (all such sections). */
  section(code: string): Json[] {
    return list(this.composition.section)
      .filter(isObject)
      .filter(s => list(isObject(s.code) ? s.code.coding : undefined).some(c => isObject(c) && c.code === code))
      .flatMap(s => this.all(s.entry))
  }

  /** The Pagdandi entry id of a resource, or one derived from the bundle and the resource. */
  entryId(r: Json, ...salt: string[]): EntryId {
    const own = identifierValue(r, SYSTEM.pagdandiEntry)
    // `__proto__` fits the pattern but is no map key Automerge (or a plain object) can hold.
    if (own !== undefined && own !== '__proto__' && /^[A-Za-z0-9_-]{1,64}$/.test(own)) return own as EntryId
    return `x${shortHash(this.bundleKey, String(r.resourceType), String(r.id), ...salt)}` as EntryId
  }
}

/** The value of a resource's first identifier in a system. */
export function identifierValue(r: Json | undefined, system: string): string | undefined {
  if (r === undefined) return undefined
  for (const id of list(r.identifier))
    if (isObject(id) && id.system === system && typeof id.value === 'string') return id.value
  return undefined
}

/** Whether the projection invented this resource (a synthesized Encounter). */
export function isSynthesized(r: Json | undefined): boolean {
  return identifierValue(r, SYSTEM.pagdandiSynthesized) !== undefined
}

/** The HFR id of an Organization (or of an identifier-only reference to one). */
export function hfrOf(r: Json | undefined): FacilityId | undefined {
  if (r === undefined) return undefined
  // Any of the HFR systems (facility.ndhm.gov.in, facility.abdm.gov.in, hfr.abdm.gov.in), in the HFR shape.
  const hfr = (id: unknown): FacilityId | undefined =>
    isObject(id) && isIdentifierSystem('hfr', id.system) && typeof id.value === 'string' && HFR.test(id.value)
      ? (id.value as FacilityId)
      : undefined
  return list(r.identifier)
    .map(hfr)
    .find(x => x !== undefined)
}

const HFR = /^IN\d{10}$/

/** A string property, if it is one. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

const KNOWN = new Set<string>([SYSTEM.snomed, SYSTEM.icd10, SYSTEM.loinc])

/** The first coding of a CodeableConcept in one of the allowed record code systems. */
export function codingOf(concept: unknown, systems: readonly string[] = [...KNOWN]): Coding | undefined {
  if (!isObject(concept)) return undefined
  for (const c of list(concept.coding)) {
    if (isObject(c) && typeof c.system === 'string' && systems.includes(c.system) && typeof c.code === 'string') {
      return {
        system: c.system as Coding['system'],
        code: c.code,
        display: str(c.display) ?? str(concept.text) ?? c.code
      }
    }
  }
  return undefined
}

/** The text of a CodeableConcept: its text, else its first display. */
export function textOf(concept: unknown): string | undefined {
  if (!isObject(concept)) return undefined
  return (
    str(concept.text) ??
    list(concept.coding)
      .filter(isObject)
      .map(c => str(c.display))
      .find(x => x !== undefined)
  )
}

/** The code of the first coding of a CodeableConcept. */
export function codeOf(concept: unknown): string | undefined {
  if (!isObject(concept)) return undefined
  const c = list(concept.coding)[0]
  return isObject(c) ? str(c.code) : undefined
}
