/**
 * Offline validation of FHIR document bundles against the NRCeS ABDM IG. The Bundle, its Composition
 * and every entry are walked along the IG's StructureDefinitions (the rule table of `ig-check.ts`,
 * derived from SUSHI's snapshots); the rules no element states are added here: references resolve,
 * fullUrls are unique, the Composition comes first, cmp-2, and the ABHA/HFR identifier shapes. Every
 * issue names the path and the rule, e.g. `Bundle.entry[0].resource.type.coding[0].code: fixed-value 371530004`.
 *
 * Base R4 structure (unknown elements, datatypes) is checked by a pluggable {@link StructureCheck}:
 * core stays free of the 90 MB of R4 StructureDefinitions, and the node supplies one backed by
 * @medplum/core. The profile is found from the bundle itself, so any bundle is checked the same way.
 */
import { ProfileWalker, profilesOfType, profileType } from './ig-check.js'
import { BundleIndex, Issues, type FhirIssue, type Json, isObject, list } from './issues.js'
import { checkSections, detectProfile } from './profiles.js'
import { checkIdentifiers } from './resource-rules.js'

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

/** The IG profiles a resource claims in meta.profile (those the table knows, of its own type). */
function claimedProfiles(r: Json): string[] {
  const meta = isObject(r.meta) ? r.meta : {}
  return list(meta.profile)
    .map(p => (typeof p === 'string' ? /\/StructureDefinition\/([A-Za-z]+)(\|.*)?$/.exec(p)?.[1] : undefined))
    .filter((id): id is string => id !== undefined && profileType(id) === r.resourceType)
}

/**
 * Check each entry after the Composition against its IG profile: the one it claims, else those the
 * references to it demand, else every IG profile of its type; it must meet one of them (FHIR's rule
 * for a reference with several target profiles). The issues of the closest candidate are reported.
 */
function checkEntries(issues: Issues, index: BundleIndex, entries: unknown[], demanded: Map<Json, Set<string>>): void {
  const walker = (into: Issues, refs: [Json, readonly string[]][]): ProfileWalker =>
    new ProfileWalker(into, index, (t, p) => refs.push([t, p]))
  const chosen = new Map<Json, string>()
  const perEntry = new Map<number, FhirIssue[]>()
  const checkOne = (r: Json, i: number): void => {
    const claimed = claimedProfiles(r)
    const wanted = [...(demanded.get(r) ?? [])]
    const type = typeof r.resourceType === 'string' ? r.resourceType : ''
    const candidates = claimed.length > 0 ? claimed : wanted.length > 0 ? wanted : profilesOfType(type)
    let best: { id: string; issues: FhirIssue[]; refs: [Json, readonly string[]][] } | undefined
    for (const id of candidates) {
      const trial = new Issues()
      const refs: [Json, readonly string[]][] = []
      walker(trial, refs).check(r, id, `Bundle.entry[${i}].resource`)
      const errors = trial.all.filter(x => x.severity === 'error').length
      if (best === undefined || errors < best.issues.filter(x => x.severity === 'error').length)
        best = { id, issues: trial.all, refs }
      if (errors === 0) break
    }
    if (best === undefined) return
    chosen.set(r, best.id)
    perEntry.set(i, best.issues)
    for (const [t, p] of best.refs) demand(demanded, t, p)
  }
  const resources = entries.map(e => (isObject(e) && isObject(e.resource) ? e.resource : undefined))
  resources.forEach((r, i) => {
    if (r !== undefined && i > 0) checkOne(r, i)
  })
  // A reference met later may demand a profile other than the one an entry was checked against.
  resources.forEach((r, i) => {
    if (r === undefined || i === 0) return
    const want = demanded.get(r)
    const got = chosen.get(r)
    if (want !== undefined && got !== undefined && !want.has(got) && claimedProfiles(r).length === 0) checkOne(r, i)
  })
  for (const i of [...perEntry.keys()].sort((a, b) => a - b)) issues.all.push(...perEntry.get(i)!)
}

function demand(demanded: Map<Json, Set<string>>, target: Json, profiles: readonly string[]): void {
  if (profiles.length === 0) return
  const have = demanded.get(target)
  if (have === undefined) demanded.set(target, new Set(profiles))
  else for (const p of [...have]) if (!profiles.includes(p)) have.delete(p)
}

/**
 * Validate a FHIR document bundle (parsed JSON) against DocumentBundle, the Composition profile named
 * by its meta.profile or type, and the IG profiles of its entries.
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
  const entries = list(b.entry)
  const index = new BundleIndex(entries)
  const demanded = new Map<Json, Set<string>>()
  const refs = (t: Json, p: readonly string[]): void => demand(demanded, t, p)
  new ProfileWalker(issues, index, refs).check(b, 'DocumentBundle', 'Bundle')
  if (entries.length === 0) issues.add('Bundle.entry', 'cardinality 1..*', 'error', 'found 0')
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
    issues.required(e.resource, 'resourceType', `${path}.resource`)
    checkReferences(issues, index, e.resource, `${path}.resource`)
    checkIdentifiers(issues, e.resource, `${path}.resource`)
  })
  const first = entries[0]
  const composition = isObject(first) && isObject(first.resource) ? first.resource : undefined
  let profile: string | undefined
  if (composition?.resourceType !== 'Composition') {
    if (entries.length > 0) issues.add('Bundle.entry[0].resource', 'composition-first')
  } else {
    const path = 'Bundle.entry[0].resource'
    profile = detectProfile(composition)
    if (profile === undefined) issues.add(`${path}.type`, 'document-type', 'error', 'no ABDM document profile matches')
    else new ProfileWalker(issues, index, refs).check(composition, profile, path)
    checkSections(issues, composition, path)
  }
  checkEntries(issues, index, entries, demanded)
  if (opts.structure !== undefined) issues.all.push(...opts.structure(b))
  const result: ValidationResult = { ok: !issues.all.some(i => i.severity === 'error'), issues: issues.all }
  if (profile !== undefined) result.profile = profile
  return result
}
