/**
 * Conflicts on clinical values. Automerge keeps one deterministic winner when two facilities edit the
 * same value concurrently; we surface the losers so that a clinician reviews them, and a resolution
 * writes the chosen value (its change supersedes every conflicting write) and records who chose it.
 */
import * as Automerge from '@automerge/automerge'
import type { ChangeContext } from './inputs.js'
import type { EntryId, LabResult, PatientDoc } from './types.js'
import { checkContext, newEntryId, validateAuthor } from './context.js'
import { UnknownConflictPathError } from './errors.js'
import { SEVERITIES } from './allergies.js'
import { validateDose } from './encounter.js'
import { validateAbhaAddress, validateAbhaNumber, validateHfrId } from './validate-ids.js'
import { validateEnum, validateInt, validateIsoInstant, validateText } from './validate-clinical.js'
import { InvalidRecordInputError } from './errors.js'
import { plainValue, put } from './strings.js'

/** A value that can be in conflict. */
export type ConflictValue = string | number | boolean | LabResult

/** Two or more concurrent writes of one clinical value, as Automerge resolved them. */
export interface Conflict {
  /** Path from the document root, e.g. `['allergies', id, 'severity']`; ids only, no patient data. */
  path: string[]
  /** The value every replica shows now (Automerge's deterministic winner). */
  winner: ConflictValue
  /** The other, different values written concurrently. */
  others: ConflictValue[]
}

type FieldCheck = (value: unknown) => ConflictValue

function checkLabResult(value: unknown): LabResult {
  if (typeof value !== 'object' || value === null) throw new InvalidRecordInputError('result', 'must be an object')
  const r = value as Record<string, unknown>
  const out: LabResult = {
    value: validateText(r.value, 'result.value', 200),
    resultedAt: validateIsoInstant(r.resultedAt, 'result.resultedAt'),
    by: validateHfrId(r.by, 'result.by')
  }
  if (r.unit !== undefined) out.unit = validateText(r.unit, 'result.unit', 30)
  if (r.author !== undefined) out.author = validateAuthor(r.author, 'result.author')
  if (r.interpretation !== undefined) {
    out.interpretation = validateEnum(r.interpretation, 'result.interpretation', [
      'normal',
      'abnormal',
      'positive',
      'negative'
    ] as const)
  }
  return out
}

/** The reviewable clinical fields: '*' stands for an entry id. Only fields that change functions overwrite. */
const FIELDS: ReadonlyArray<{ pattern: readonly string[]; check: FieldCheck }> = [
  { pattern: ['identifiers', 'abhaNumber'], check: v => validateAbhaNumber(v).value },
  { pattern: ['identifiers', 'abhaAddress'], check: v => validateAbhaAddress(v) },
  { pattern: ['allergies', '*', 'severity'], check: v => validateEnum(v, 'severity', SEVERITIES) },
  {
    pattern: ['alerts', '*', 'active'],
    check: v => {
      if (typeof v !== 'boolean') throw new InvalidRecordInputError('active', 'must be a boolean')
      return v
    }
  },
  { pattern: ['encounters', '*', 'prescriptions', '*', 'dose'], check: v => validateDose(v) },
  { pattern: ['encounters', '*', 'prescriptions', '*', 'frequency'], check: v => validateText(v, 'frequency', 60) },
  {
    pattern: ['encounters', '*', 'prescriptions', '*', 'durationDays'],
    check: v => validateInt(v, 'durationDays', 1, 365)
  },
  { pattern: ['encounters', '*', 'prescriptions', '*', 'route'], check: v => validateText(v, 'route', 40) },
  { pattern: ['encounters', '*', 'labOrders', '*', 'result'], check: checkLabResult }
]

/** JSON with sorted keys, so that equal values written by different facilities compare equal. */
function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value)
  const obj = value as Record<string, unknown>
  return `{${Object.keys(obj)
    .sort()
    .map(k => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`
}

// getConflicts returns raw values (an immutable string as a plain string) while the document shows
// the winner as an ImmutableString: both are made plain before they are compared or handed out.
function plain(value: unknown): ConflictValue {
  return plainValue(value) as ConflictValue
}

/** Every concrete (parent object, path) matching a field pattern in the document. */
function* walk(obj: unknown, pattern: readonly string[], path: string[] = []): Generator<[object, string[]]> {
  if (typeof obj !== 'object' || obj === null) return
  if (pattern.length === 1) {
    yield [obj, [...path, pattern[0]!]]
    return
  }
  const [head, ...rest] = pattern as [string, ...string[]]
  // Sorted: JS key order follows patch arrival order, which differs between replicas.
  const keys = head === '*' ? Object.keys(obj).sort() : [head]
  for (const k of keys) {
    if (Object.hasOwn(obj, k)) yield* walk((obj as Record<string, unknown>)[k], rest, [...path, k])
  }
}

/** Lists the open conflicts on the reviewable clinical fields of a document. */
export function openConflicts(doc: Automerge.Doc<PatientDoc>): Conflict[] {
  const out: Conflict[] = []
  for (const { pattern } of FIELDS) {
    for (const [parent, path] of walk(doc, pattern)) {
      const prop = path[path.length - 1]!
      const conflicts = Automerge.getConflicts(parent as Automerge.Doc<unknown>, prop)
      if (conflicts === undefined) continue
      const winner = plain((parent as Record<string, unknown>)[prop])
      const seen = new Set([canonical(winner)])
      const others: ConflictValue[] = []
      for (const raw of Object.values(conflicts)) {
        const v = plain(raw)
        const key = canonical(v)
        if (!seen.has(key)) {
          seen.add(key)
          others.push(v)
        }
      }
      // Concurrent writes of the same value are agreement, not a conflict.
      if (others.length > 0) out.push({ path, winner, others })
    }
  }
  return out
}

function matches(pattern: readonly string[], path: readonly string[]): boolean {
  return (
    pattern.length === path.length &&
    pattern.every((p, i) => (p === '*' ? /^[A-Za-z0-9_-]{1,64}$/.test(path[i]!) : p === path[i]))
  )
}

/**
 * Resolves a conflict by writing the chosen value (any valid value for that field; usually one of the
 * conflicting ones) and recording a ConflictResolution. The write supersedes every conflicting write,
 * so the conflict no longer appears on any replica that has this change.
 */
export function resolveConflict(
  d: PatientDoc,
  conflict: Pick<Conflict, 'path'>,
  chosen: ConflictValue,
  ctx: ChangeContext
): EntryId {
  const { facility, at, authored } = checkContext(ctx)
  const path = conflict?.path
  if (!Array.isArray(path) || !path.every(p => typeof p === 'string'))
    throw new TypeError('conflict.path must be a list of strings')
  const joined = path.join('/')
  const field = FIELDS.find(f => matches(f.pattern, path))
  if (field === undefined) throw new UnknownConflictPathError(joined)
  const value = field.check(plainValue(chosen))
  let parent: unknown = d
  for (const key of path.slice(0, -1)) {
    parent =
      typeof parent === 'object' && parent !== null && Object.hasOwn(parent, key)
        ? (parent as Record<string, unknown>)[key]
        : undefined
    if (parent === undefined) throw new UnknownConflictPathError(joined)
  }
  const id = newEntryId(ctx, d.resolutions)
  put(parent as Record<string, unknown>, path[path.length - 1]!, value)
  put(d.resolutions, id, {
    path: joined,
    chosen: typeof value === 'string' ? value : JSON.stringify(value),
    at,
    by: facility,
    ...authored
  })
  return id
}
