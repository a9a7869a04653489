/**
 * What a change to a patient document did, judged from the document before and after it: whether
 * the result still fits the schema (record/schema.ts), which kinds of entry it wrote (so that a
 * node can hold them against the author's role), and who and where each new entry claims to be
 * from (so that a node can refuse a claim it cannot vouch for). Only the parts of the document the
 * change touched are checked, so the cost follows the change, not the record.
 *
 * Rules beyond the schema, from the change functions: entries are never removed; an entry's
 * identity (ids, facility, author, times) is never rewritten; only the fields the change functions
 * overwrite (a dose, a severity, a lab result, an alert's flag, a new referral status) change.
 */
import * as A from '@automerge/automerge'
import { PagdandiError } from '../errors.js'
import { InvalidPatientDocumentError } from './errors.js'
import { COLLECTIONS, DEMOGRAPHICS, ENCOUNTER_ENTRIES, IDENTIFIERS, ROOT, type Check } from './schema.js'
import { readPatient } from './strings.js'
import type { Author, PatientDoc } from './types.js'

/** A kind of write, in the record's own words; core/staff maps each to the action a role needs. */
export type EditKind =
  | 'demographics'
  | 'identifiers'
  | 'encounter'
  | 'vitals'
  | 'diagnosis'
  | 'prescription'
  | 'lab-order'
  | 'lab-result'
  | 'dispensing'
  | 'allergy'
  | 'alert'
  | 'referral'
  | 'referral-status'
  | 'care-summary'
  | 'duplicate'
  | 'resolution'
  | 'merge'

/** Who and where a newly written entry says it is from. */
export interface EditClaim {
  /** Path of the entry, ids only. */
  path: string
  /** Facility fields of the entry (`facility`, `by`, `from`). */
  facilities: string[]
  author?: Author
}

/** The outcome of `checkEdit`. */
export interface EditSummary {
  kinds: EditKind[]
  claims: EditClaim[]
}

const ROOT_SCALARS = ['schema', 'registeredAt', 'registeredBy', 'registeredByStaff']
const ENTRY_KIND: Readonly<Record<string, EditKind>> = {
  encounters: 'encounter',
  allergies: 'allergy',
  alerts: 'alert',
  referrals: 'referral',
  summaries: 'care-summary',
  duplicates: 'duplicate',
  resolutions: 'resolution',
  merges: 'merge'
}
const SUB_KIND: Readonly<Record<string, EditKind>> = {
  diagnoses: 'diagnosis',
  prescriptions: 'prescription',
  labOrders: 'lab-order',
  dispensing: 'dispensing'
}
/** Fields of an existing entry that a change function may overwrite, and the kind of that write. */
const EDITABLE: Readonly<Record<string, Readonly<Record<string, EditKind>>>> = {
  encounters: { complaints: 'encounter', notes: 'encounter', vitals: 'vitals' },
  prescriptions: {
    dose: 'prescription',
    frequency: 'prescription',
    durationDays: 'prescription',
    route: 'prescription'
  },
  labOrders: { result: 'lab-result' },
  allergies: { severity: 'allergy' },
  alerts: { active: 'alert' },
  merges: { undone: 'merge' }
}

type Plain = Record<string, unknown>

const isMap = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v)
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)
const mapAt = (v: unknown, key: string): Plain => {
  const x = isMap(v) ? v[key] : undefined
  return isMap(x) ? x : {}
}

/**
 * Checks the change from `before` to `after` (a descendant of it; `before` undefined checks the
 * whole of `after` as a new record). Throws InvalidPatientDocumentError naming the first path that
 * breaks a rule; otherwise returns what the change wrote.
 */
export function checkEdit(before: A.Doc<unknown> | undefined, after: A.Doc<unknown>): EditSummary {
  const patches = A.diff(after, before === undefined ? [] : A.getHeads(before), A.getHeads(after))
  const b = before === undefined ? {} : (readPatient(before as A.Doc<PatientDoc>) as unknown as Plain)
  const a = readPatient(after as A.Doc<PatientDoc>) as unknown as Plain
  const out = new Edit(a, b, before === undefined)
  try {
    ROOT(a, '')
    const touched = new Set<string>()
    for (const p of patches) {
      const path = p.path.map(String)
      const [root, id] = path
      if (root === undefined) continue
      if (ROOT_SCALARS.includes(root)) {
        if (b[root] !== undefined) throw new InvalidPatientDocumentError(root, 'never rewritten')
        continue
      }
      touched.add(root in COLLECTIONS && id !== undefined ? `${root}/${id}` : root)
    }
    for (const t of touched) out.section(t, b, a)
  } catch (err) {
    if (err instanceof InvalidPatientDocumentError || !(err instanceof PagdandiError)) throw err
    throw new InvalidPatientDocumentError(fieldOf(err), 'invalid', { cause: err })
  }
  return { kinds: [...out.kinds], claims: out.claims }
}

/** The record error's field (its message starts with it), for the one error a node reports. */
function fieldOf(err: PagdandiError): string {
  return err.message.split(':')[0] ?? 'doc'
}

class Edit {
  readonly kinds = new Set<EditKind>()
  readonly claims: EditClaim[] = []
  /** Paths that new conflict resolutions chose a value for: those writes are the resolution's. */
  readonly #resolved = new Set<string>()

  constructor(
    a: Plain,
    b: Plain,
    /** Checking a whole record (its history may hold any referral status), not an edit of one. */
    readonly whole: boolean
  ) {
    const before = mapAt(b, 'resolutions')
    for (const [k, r] of Object.entries(mapAt(a, 'resolutions')))
      if (!(k in before) && isMap(r) && typeof r.path === 'string') this.#resolved.add(r.path)
  }

  section(t: string, b: Plain, a: Plain): void {
    const [root, id] = t.split('/') as [string, string | undefined]
    if (root === 'demographics' || root === 'identifiers') {
      ;(root === 'demographics' ? DEMOGRAPHICS : IDENTIFIERS)(a[root], root)
      if (!same(b[root], a[root])) this.kinds.add(root)
      return
    }
    const before = mapAt(b, root)
    const after = mapAt(a, root)
    if (!(root in COLLECTIONS)) throw new InvalidPatientDocumentError(root, 'unknown section')
    if (id === undefined) {
      // The whole collection was replaced: nothing it held may be gone.
      for (const k of Object.keys(before)) if (!(k in after)) this.#removed(`${root}/${k}`)
      for (const k of Object.keys(after)) if (!same(before[k], after[k])) this.section(`${root}/${k}`, b, a)
      return
    }
    this.#entry(root, `${root}/${id}`, before[id], after[id], COLLECTIONS[root]!, ENTRY_KIND[root]!)
  }

  #removed(path: string): never {
    throw new InvalidPatientDocumentError(path, 'entries are never removed')
  }

  #entry(collection: string, path: string, b: unknown, a: unknown, c: Check, kind: EditKind): void {
    if (a === undefined) this.#removed(path)
    c(a, path)
    const after = a as Plain
    if (b === undefined) {
      this.kinds.add(kind)
      this.#claim(path, after)
      if (collection === 'encounters' && Object.keys(mapAt(after, 'vitals')).length > 0) this.kinds.add('vitals')
      if (collection === 'referrals') this.#statuses(path, {}, after, true)
    } else {
      const before = b as Plain
      const editable = EDITABLE[collection] ?? {}
      for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (same(before[k], after[k])) continue
        if (collection === 'encounters' && k in SUB_KIND) continue
        if (collection === 'referrals' && k === 'statusHistory') {
          this.#statuses(path, before, after, false)
          continue
        }
        const field = editable[k]
        if (field === undefined) throw new InvalidPatientDocumentError(`${path}/${k}`, 'never rewritten')
        const resolved = this.#resolved.has(`${path}/${k}`)
        this.kinds.add(resolved ? 'resolution' : field)
        // A resolution copies the chosen value as its writer wrote it (another facility's lab result,
        // with its author): that is no claim of the resolver, who is named by the resolution entry.
        if (k === 'result' && isMap(after[k]) && !resolved) this.#claim(`${path}/${k}`, after[k])
        // An unmerge is written once: it names who ended the merge, and is never rewritten.
        if (k === 'undone') {
          if (before[k] !== undefined) throw new InvalidPatientDocumentError(`${path}/${k}`, 'never rewritten')
          if (isMap(after[k])) this.#claim(`${path}/${k}`, after[k])
        }
      }
    }
    if (collection === 'encounters') this.#encounterEntries(path, b, a)
  }

  #encounterEntries(path: string, b: unknown, a: unknown): void {
    for (const [sub, c] of Object.entries(ENCOUNTER_ENTRIES)) {
      const before = mapAt(b, sub)
      const after = mapAt(a, sub)
      for (const k of Object.keys(before)) if (!(k in after)) this.#removed(`${path}/${sub}/${k}`)
      for (const [k, x] of Object.entries(after))
        if (!same(before[k], x)) this.#entry(sub, `${path}/${sub}/${k}`, before[k], x, c, SUB_KIND[sub]!)
    }
  }

  #statuses(path: string, b: Plain, a: Plain, created: boolean): void {
    const before = mapAt(b, 'statusHistory')
    const after = mapAt(a, 'statusHistory')
    for (const [s, e] of Object.entries(before))
      if (!same(e, after[s])) throw new InvalidPatientDocumentError(`${path}/statusHistory/${s}`, 'never rewritten')
    for (const [s, e] of Object.entries(after)) {
      if (s in before) continue
      if (created && s !== 'sent' && !this.whole)
        throw new InvalidPatientDocumentError(`${path}/statusHistory/${s}`, 'a new referral is sent')
      if (!created) this.kinds.add('referral-status')
      if (isMap(e)) this.#claim(`${path}/statusHistory/${s}`, e)
    }
  }

  #claim(path: string, entry: Plain): void {
    const facilities = ['facility', 'by', 'from'].map(k => entry[k]).filter((v): v is string => typeof v === 'string')
    const claim: EditClaim = { path, facilities }
    if (isMap(entry.author)) claim.author = entry.author as unknown as Author
    this.claims.push(claim)
  }
}
