/**
 * The issue type of the FHIR validator and the small helpers its rule files share: presence and
 * cardinality checks, fixed values, and reference resolution inside a bundle.
 */
/** `error` makes a bundle invalid; `warning` is reported but accepted (e.g. an ABHA failing Luhn). */
export type FhirIssueSeverity = 'error' | 'warning'

/** One finding: where (a FHIRPath-like path), which rule, and how bad. */
export interface FhirIssue {
  severity: FhirIssueSeverity
  /** e.g. `Bundle.entry[0].resource.subject` */
  path: string
  /** e.g. `required`, `fixed-code 371530004`, `dangling-reference`, `composition-first` */
  rule: string
  /** Optional detail; never patient data (values of identifiers are not echoed). */
  detail?: string
}

/** A JSON object, as far as the validator can tell. */
export type Json = Record<string, unknown>

/** Whether a value is a plain JSON object. */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Whether a value is present in the FHIR sense: not undefined/null, not '' and not []. */
export function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)
}

/** An element as an array (FHIR JSON repeats are arrays; a single value counts as one). */
export function list(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]
}

/** Collects issues; helpers for the common rules keep the profile code declarative. */
export class Issues {
  readonly all: FhirIssue[] = []

  /** Record an issue. */
  add(path: string, rule: string, severity: FhirIssueSeverity = 'error', detail?: string): void {
    this.all.push(detail === undefined ? { severity, path, rule } : { severity, path, rule, detail })
  }

  /** `required`: the element must be present. Returns whether it was. */
  required(obj: Json, key: string, path: string): boolean {
    if (present(obj[key])) return true
    this.add(`${path}.${key}`, 'required')
    return false
  }

  /** `cardinality min..max` on a repeating element. */
  cardinality(obj: Json, key: string, min: number, max: number | '*', path: string): unknown[] {
    const items = list(obj[key])
    if (items.length < min || (max !== '*' && items.length > max)) {
      this.add(`${path}.${key}`, `cardinality ${min}..${max}`, 'error', `found ${items.length}`)
    }
    return items
  }

  /** `fixed-<what> <expected>`: an element must have exactly this value. */
  fixed(actual: unknown, expected: string, path: string, what: string): void {
    if (actual !== expected) this.add(path, `fixed-${what} ${expected}`)
  }
}

/** Resolves references inside a bundle: by fullUrl, by `Type/id`, or by an absolute URL ending in it. */
export class BundleIndex {
  private readonly byFullUrl = new Map<string, Json>()
  private readonly byTypeId = new Map<string, Json>()

  constructor(entries: readonly unknown[]) {
    for (const e of entries) {
      if (!isObject(e) || !isObject(e.resource)) continue
      if (typeof e.fullUrl === 'string') this.byFullUrl.set(e.fullUrl, e.resource)
      const { resourceType, id } = e.resource
      if (typeof resourceType === 'string' && typeof id === 'string')
        this.byTypeId.set(`${resourceType}/${id}`, e.resource)
    }
  }

  /** The resource a reference string points at, if it is in the bundle. */
  resolve(reference: string): Json | undefined {
    const direct = this.byFullUrl.get(reference)
    if (direct !== undefined) return direct
    const m = /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(reference)
    return m === null ? undefined : this.byTypeId.get(m[1]!)
  }

  /** The resourceType a reference resolves to, if it resolves. */
  typeOf(ref: unknown): string | undefined {
    if (!isObject(ref) || typeof ref.reference !== 'string') return undefined
    const r = this.resolve(ref.reference)
    return typeof r?.resourceType === 'string' ? r.resourceType : undefined
  }
}
