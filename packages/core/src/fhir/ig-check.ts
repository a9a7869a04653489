/**
 * The IG's StructureDefinitions, applied. `ig-rules.json` is derived mechanically from the snapshots
 * SUSHI builds from the NRCeS IG's FSH source (`scripts/fhir-ig-rules.mjs`; docs/design/0004-fhir.md):
 * every element's cardinality, fixed values, required bindings (where the value set can be listed),
 * types and reference targets, and its slicings by value. This module walks a resource along that
 * element tree; nothing here is specific to one profile.
 */
import { FHIR_DATE, FHIR_DATE_TIME, FHIR_INSTANT } from './datetime.js'
import rules from './ig-rules.json' with { type: 'json' }
import { type BundleIndex, type Issues, type Json, isObject, list, present } from './issues.js'

/** One element of a snapshot, as the rule table keeps it. */
interface ElementRule {
  id: string
  min: number
  max: string
  /** `contentReference`: the element whose children this one repeats (e.g. Composition.section.section). */
  ref?: string
  types?: string[]
  /** Profile ids (IG) or resource types (base) a Reference may point at. */
  targets?: string[]
  fixed?: unknown
  pattern?: unknown
  /** A required binding whose value set is listed in `valueSets` (as `system|code`). */
  binding?: string
  slicing?: { discriminator: string[]; rules: string }
  sliceName?: string
}

interface RuleTable {
  source: string
  profiles: Record<string, { type: string; version?: string; elements: ElementRule[] }>
  datatypes: Record<string, ElementRule[]>
  valueSets: Record<string, string[]>
}

const TABLE = rules as RuleTable

/** Where the rule table came from (printed by `pagdandi fhir validate --help` and the design note). */
export const IG_RULES_SOURCE = TABLE.source

/** The element tree of one StructureDefinition: elements by id, children and slices by parent id. */
class Tree {
  readonly byId = new Map<string, ElementRule>()
  readonly children = new Map<string, ElementRule[]>()
  readonly slices = new Map<string, ElementRule[]>()

  constructor(readonly elements: readonly ElementRule[]) {
    for (const e of elements) {
      this.byId.set(e.id, e)
      const slice = /^(.*):([^.:]+)$/.exec(e.id)
      if (slice !== null && e.sliceName !== undefined) {
        push(this.slices, slice[1]!, e)
        continue
      }
      const dot = e.id.lastIndexOf('.')
      if (dot > 0) push(this.children, e.id.slice(0, dot), e)
    }
  }

  get root(): ElementRule {
    return this.elements[0]!
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k)
  if (a === undefined) m.set(k, [v])
  else a.push(v)
}

const trees = new Map<string, Tree | undefined>()
function tree(kind: 'profile' | 'datatype', id: string): Tree | undefined {
  const key = `${kind}:${id}`
  if (!trees.has(key)) {
    const elements = kind === 'profile' ? TABLE.profiles[id]?.elements : TABLE.datatypes[id]
    trees.set(key, elements === undefined ? undefined : new Tree(elements))
  }
  return trees.get(key)
}

/** Profile ids of the IG whose type is this resource type. */
export function profilesOfType(resourceType: string): string[] {
  return Object.entries(TABLE.profiles)
    .filter(([, p]) => p.type === resourceType)
    .map(([id]) => id)
}

/** The resource type a profile constrains (undefined for an id the table does not know). */
export function profileType(id: string): string | undefined {
  return TABLE.profiles[id]?.type
}

const PRIMITIVE: Record<string, RegExp> = {
  boolean: /^(true|false)$/,
  date: FHIR_DATE,
  dateTime: FHIR_DATE_TIME,
  instant: FHIR_INSTANT,
  time: /^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$/,
  code: /^[^\s]+(\s[^\s]+)*$/,
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  base64Binary: /^(\s*([0-9a-zA-Z+/=]){4}\s*)+$/
}
const NUMERIC = new Set(['integer', 'positiveInt', 'unsignedInt', 'decimal'])
const STRINGY = new Set(['string', 'uri', 'url', 'canonical', 'oid', 'uuid', 'markdown', 'xhtml', 'code', 'id'])
const ALL_TYPES = new Set([
  ...Object.keys(PRIMITIVE),
  ...NUMERIC,
  ...STRINGY,
  ...Object.keys(TABLE.datatypes),
  'Reference',
  'Meta',
  'Narrative',
  'Extension'
])

/** Called for every Reference that resolves inside the bundle, with the IG profiles it must meet. */
export type OnReference = (target: Json, profiles: readonly string[]) => void

/** Walks one resource against one profile, adding issues at instance paths. */
export class ProfileWalker {
  constructor(
    private readonly issues: Issues,
    private readonly index: BundleIndex,
    private readonly onReference: OnReference
  ) {}

  /** Check `resource` against the IG profile `profileId` (issues are added under `path`). */
  check(resource: Json, profileId: string, path: string): void {
    const t = tree('profile', profileId)
    if (t === undefined) return
    this.value(t, t.root, resource, path, profileId)
  }

  private value(t: Tree, el: ElementRule, v: unknown, path: string, profile: string): void {
    if (el.fixed !== undefined && !deepEqual(v, el.fixed)) this.issues.add(path, `fixed-value ${show(el.fixed)}`)
    if (el.pattern !== undefined && !contains(v, el.pattern)) this.issues.add(path, `pattern-value ${show(el.pattern)}`)
    if (el.binding !== undefined) this.binding(el.binding, v, path)
    const types = el.types ?? []
    if (types.length === 1) this.primitive(types[0]!, v, path)
    if (types.includes('Reference') && el.targets !== undefined && isObject(v)) this.reference(el.targets, v, path)
    if (!isObject(v)) return
    let base: { tree: Tree; id: string } | undefined
    const own = t.children.get(el.id)
    if (own !== undefined) base = { tree: t, id: el.id }
    else if (el.ref !== undefined && t.children.has(el.ref)) base = { tree: t, id: el.ref }
    else if (types.length === 1) {
      const dt = tree('datatype', types[0]!)
      if (dt !== undefined) base = { tree: dt, id: dt.root.id }
    }
    if (base === undefined) return
    for (const child of base.tree.children.get(base.id) ?? []) this.child(base.tree, child, v, path, profile)
  }

  private child(t: Tree, c: ElementRule, parent: Json, path: string, profile: string): void {
    const name = c.id.slice(c.id.lastIndexOf('.') + 1)
    const keys: string[] = []
    if (name.endsWith('[x]')) {
      const stem = name.slice(0, -3)
      for (const k of Object.keys(parent)) {
        if (!k.startsWith(stem) || k.length === stem.length) continue
        const suffix = k.slice(stem.length)
        const type = suffix[0]!.toLowerCase() + suffix.slice(1)
        const allowed = (c.types ?? []).some(x => x === suffix || x === type)
        if (allowed) keys.push(k)
        else if (ALL_TYPES.has(suffix) || ALL_TYPES.has(type))
          this.issues.add(`${path}.${k}`, `choice-type ${(c.types ?? []).join('|')}`)
      }
    } else keys.push(name)
    const values: { v: unknown; p: string }[] = []
    for (const k of keys) {
      const raw = parent[k]
      if (Array.isArray(raw)) raw.forEach((x, i) => values.push({ v: x, p: `${path}.${k}[${i}]` }))
      else if (raw !== undefined && raw !== null) values.push({ v: raw, p: `${path}.${k}` })
    }
    // A primitive present only through its `_name` extension (e.g. data-absent-reason) counts as present.
    const count = values.length > 0 ? values.length : keys.some(k => present(parent[`_${k}`])) ? 1 : 0
    const max = c.max === '*' ? Infinity : Number(c.max)
    if (count < c.min || count > max)
      this.issues.add(`${path}.${keys[0] ?? name}`, `cardinality ${c.min}..${c.max}`, 'error', `found ${count}`)
    const slices = c.slicing === undefined ? undefined : this.sliceable(t, c)
    if (slices === undefined) {
      for (const { v, p } of values) this.value(t, c, v, p, profile)
      return
    }
    const counts = new Map<ElementRule, number>()
    for (const { v, p } of values) {
      const s = slices.find(x => this.matches(t, x, c.slicing!.discriminator, v))
      if (s === undefined) {
        if (c.slicing!.rules === 'closed') this.issues.add(p, `slice-closed ${slices.map(x => x.sliceName).join('|')}`)
        this.value(t, c, v, p, profile)
        continue
      }
      counts.set(s, (counts.get(s) ?? 0) + 1)
      this.value(t, s, v, p, profile)
    }
    for (const s of slices) {
      const n = counts.get(s) ?? 0
      const smax = s.max === '*' ? Infinity : Number(s.max)
      if (n < s.min || n > smax)
        this.issues.add(`${path}.${name}`, `slice-cardinality ${s.sliceName} ${s.min}..${s.max}`, 'error', `found ${n}`)
    }
  }

  /** The slices of a sliced element, if its discriminators are values the table can compare. */
  private sliceable(t: Tree, c: ElementRule): ElementRule[] | undefined {
    if (!c.slicing!.discriminator.every(d => d.startsWith('value:') || d.startsWith('pattern:'))) return undefined
    return t.slices.get(c.id)
  }

  private matches(t: Tree, slice: ElementRule, discriminators: readonly string[], v: unknown): boolean {
    return discriminators.every(d => {
      const sub = d.slice(d.indexOf(':') + 1)
      const rule = sub === '$this' ? slice : t.byId.get(`${slice.id}.${sub}`)
      const want = rule?.fixed ?? rule?.pattern
      if (want === undefined) return false
      return at(v, sub === '$this' ? [] : sub.split('.')).some(x => contains(x, want))
    })
  }

  private binding(url: string, v: unknown, path: string): void {
    const members = TABLE.valueSets[url]
    if (members === undefined) return
    const has = (system: unknown, code: unknown): boolean =>
      typeof code === 'string' &&
      members.some(m => (system === undefined ? m.endsWith(`|${code}`) : m === `${String(system)}|${code}`))
    let ok: boolean
    if (typeof v === 'string') ok = has(undefined, v)
    else if (isObject(v) && 'coding' in v) ok = list(v.coding).some(c => isObject(c) && has(c.system, c.code))
    else if (isObject(v)) ok = has(v.system, v.code)
    else ok = false
    if (!ok) this.issues.add(path, `required-binding ${url}`)
  }

  private primitive(type: string, v: unknown, path: string): void {
    const re = PRIMITIVE[type]
    if (type === 'boolean') {
      if (typeof v !== 'boolean') this.issues.add(path, 'datatype boolean')
    } else if (NUMERIC.has(type)) {
      const bad =
        typeof v !== 'number' ||
        !Number.isFinite(v) ||
        (type !== 'decimal' && !Number.isInteger(v)) ||
        (type === 'positiveInt' && v < 1) ||
        (type === 'unsignedInt' && v < 0)
      if (bad) this.issues.add(path, `datatype ${type}`)
    } else if (re !== undefined || STRINGY.has(type)) {
      if (typeof v !== 'string' || (re !== undefined && !re.test(v))) this.issues.add(path, `datatype ${type}`)
    }
  }

  private reference(targets: readonly string[], ref: Json, path: string): void {
    if (typeof ref.reference !== 'string') return
    const r = ref.reference.startsWith('#') ? undefined : this.index.resolve(ref.reference)
    if (r === undefined || typeof r.resourceType !== 'string') return
    const type = r.resourceType
    const fits = targets.filter(x => (profileType(x) ?? x) === type || x === 'Resource')
    if (fits.length === 0) {
      this.issues.add(
        path,
        `reference-target ${targets.map(x => profileType(x) ?? x).join('|')}`,
        'error',
        `found ${type}`
      )
      return
    }
    this.onReference(
      r,
      fits.filter(x => TABLE.profiles[x] !== undefined)
    )
  }
}

/** The values at a dotted path below `v` (arrays flattened at every step). */
function at(v: unknown, steps: readonly string[]): unknown[] {
  let cur = list(v)
  for (const s of steps) cur = cur.flatMap(x => (isObject(x) ? list(x[s]) : []))
  return cur
}

/** FHIR pattern semantics: every property of `want` is in `v`; each array item of `want` is matched by some item. */
function contains(v: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(v) && want.every(w => v.some(x => contains(x, w)))
  if (isObject(want)) return isObject(v) && Object.entries(want).every(([k, w]) => contains(v[k], w))
  return v === want
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every(k => deepEqual(a[k], b[k]))
  }
  return a === b
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v)
}
