/**
 * Offline validation of FHIR document bundles against the NRCeS ABDM IG (see `profiles.ts` for the
 * profile rules). Every issue names the path and the rule it broke, e.g.
 * `Bundle.entry[0].resource.type.coding[0].code: fixed-code 371530004`.
 *
 * Base R4 structure (unknown elements, datatypes, required base elements) is checked by a pluggable
 * {@link StructureCheck}: core stays free of the 90 MB of R4 StructureDefinitions, and the node
 * supplies a check backed by @medplum/core. The ABDM rules below run the same way on any bundle,
 * whether Pagdandi wrote it or another system did: the profile is found from the bundle itself.
 */
import { BundleIndex, Issues, type FhirIssue, type Json, isObject, list } from './issues.js'
import { checkComposition, detectProfile } from './profiles.js'
import { checkResource } from './resource-rules.js'

export type { FhirIssue, FhirIssueSeverity } from './issues.js'

/** A base-R4 structural check of a whole resource, returning issues with FHIRPath-like paths. */
export type StructureCheck = (resource: object) => FhirIssue[]

/** Options of {@link validateBundle}. */
export interface ValidateOptions {
  /** Base R4 structure check (the node injects one backed by @medplum/core). */
  structure?: StructureCheck
}

/** The outcome: `ok` when no issue is an error; the detected IG profile, if any. */
export interface ValidationResult {
  ok: boolean
  profile?: string
  issues: FhirIssue[]
}

/** `path: rule` (the form tests and the CLI print). */
export function formatIssue(i: FhirIssue): string {
  return `${i.path}: ${i.rule}${i.detail === undefined ? '' : ` (${i.detail})`}`
}

/** Walk every `reference` inside a resource; `#id` must name a contained resource, others an entry. */
function checkReferences(issues: Issues, index: BundleIndex, resource: Json, path: string): void {
  const contained = new Set(
    list(resource.contained)
      .filter(isObject)
      .map(c => `#${String(c.id)}`)
  )
  const walk = (v: unknown, p: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}[${i}]`))
      return
    }
    if (!isObject(v)) return
    for (const [k, x] of Object.entries(v)) {
      if (k === 'reference' && typeof x === 'string') {
        const ok = x.startsWith('#') ? contained.has(x) : index.resolve(x) !== undefined
        if (!ok) issues.add(`${p}.reference`, 'dangling-reference')
      } else if (k !== 'contained') {
        walk(x, `${p}.${k}`)
      }
    }
  }
  walk(resource, path)
}

const UUID_URN = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/**
 * Validate a FHIR document bundle (parsed JSON) against the DocumentBundle profile, the Composition
 * profile named by its meta.profile or type code, and the ABDM resource profiles of its entries.
 */
export function validateBundle(input: unknown, opts: ValidateOptions = {}): ValidationResult {
  const issues = new Issues()
  if (!isObject(input)) {
    issues.add('Bundle', 'fixed-value Bundle', 'error', 'not a JSON object')
    return { ok: false, issues: issues.all }
  }
  const b = input
  issues.fixed(b.resourceType, 'Bundle', 'Bundle.resourceType', 'value')
  if (b.resourceType !== 'Bundle') return { ok: false, issues: issues.all }
  // DocumentBundle: meta.versionId 1..1, identifier.system/value 1..1, type = document, timestamp 1..1.
  if (issues.required(b, 'meta', 'Bundle') && isObject(b.meta)) issues.required(b.meta, 'versionId', 'Bundle.meta')
  if (issues.required(b, 'identifier', 'Bundle') && isObject(b.identifier)) {
    issues.required(b.identifier, 'system', 'Bundle.identifier')
    issues.required(b.identifier, 'value', 'Bundle.identifier')
  }
  issues.fixed(b.type, 'document', 'Bundle.type', 'value')
  issues.required(b, 'timestamp', 'Bundle')
  const entries = issues.cardinality(b, 'entry', 1, '*', 'Bundle')
  const index = new BundleIndex(entries)
  const seen = new Set<string>()
  entries.forEach((e, i) => {
    const path = `Bundle.entry[${i}]`
    if (!isObject(e)) {
      issues.add(path, 'required', 'error', 'entry is not an object')
      return
    }
    if (issues.required(e, 'fullUrl', path) && typeof e.fullUrl === 'string') {
      if (seen.has(e.fullUrl)) issues.add(`${path}.fullUrl`, 'unique-fullurl')
      seen.add(e.fullUrl)
      if (e.fullUrl.startsWith('urn:uuid:') && !UUID_URN.test(e.fullUrl)) issues.add(`${path}.fullUrl`, 'fullurl-uuid')
    }
    if (!issues.required(e, 'resource', path) || !isObject(e.resource)) return
    checkReferences(issues, index, e.resource, `${path}.resource`)
    checkResource(issues, e.resource, `${path}.resource`)
  })
  const first = entries[0]
  const composition = isObject(first) && isObject(first.resource) ? first.resource : undefined
  let profile: string | undefined
  if (composition?.resourceType !== 'Composition') {
    if (entries.length > 0) issues.add('Bundle.entry[0].resource', 'composition-first')
  } else {
    profile = detectProfile(composition)
    checkComposition(issues, index, composition, profile, 'Bundle.entry[0].resource')
  }
  if (opts.structure !== undefined) issues.all.push(...opts.structure(b))
  const result: ValidationResult = { ok: !issues.all.some(i => i.severity === 'error'), issues: issues.all }
  if (profile !== undefined) result.profile = profile
  return result
}
