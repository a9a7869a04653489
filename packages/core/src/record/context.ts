/** Helpers shared by the change functions: the change context, entry ids, and Automerge-safe objects. */
import { BASE58_ALPHABET } from '../bytes.js'
import type { ChangeContext } from './inputs.js'
import type { Author, EntryId, FacilityId, IsoInstant } from './types.js'
import type { RecordWarning } from './validate-ids.js'
import { validateHfrId, validateHprId } from './validate-ids.js'
import { validateIsoInstant, validateText } from './validate-clinical.js'
import { EntryNotFoundError, InvalidRecordInputError } from './errors.js'

/** The validated parts of a ChangeContext. */
export interface CheckedContext {
  facility: FacilityId
  at: IsoInstant
  /** `{ author }` when the context names its staff member, else `{}`: spread it into a new entry. */
  authored: { author?: Author }
}

/** Validates the change context (HFR facility id, UTC instant, the staff member if any). */
export function checkContext(ctx: ChangeContext): CheckedContext {
  if (typeof ctx !== 'object' || ctx === null) throw new TypeError('a ChangeContext is required')
  return {
    facility: validateHfrId(ctx.facility, 'ctx.facility'),
    at: validateIsoInstant(ctx.at, 'ctx.at'),
    authored: ctx.by === undefined ? {} : { author: validateAuthor(ctx.by, 'ctx.by') }
  }
}

const STAFF_ID = /^[A-Za-z0-9_-]{1,64}$/
const ROLE = /^[a-z][a-z-]{0,39}$/

/** Validates who made an entry: staff id, display name, role, and the HPR id if there is one. */
export function validateAuthor(input: unknown, field = 'author'): Author {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InvalidRecordInputError(field, 'missing')
  const a = input as Record<string, unknown>
  for (const k of Object.keys(a))
    if (!['staffId', 'name', 'role', 'hprId'].includes(k)) throw new InvalidRecordInputError(`${field}.${k}`, 'unknown')
  const staffId = a.staffId
  if (typeof staffId !== 'string' || !STAFF_ID.test(staffId))
    throw new InvalidRecordInputError(`${field}.staffId`, 'not a staff id')
  const role = a.role
  if (typeof role !== 'string' || !ROLE.test(role)) throw new InvalidRecordInputError(`${field}.role`, 'not a role')
  return compact({
    staffId,
    name: validateText(a.name, `${field}.name`, 100),
    role,
    hprId: a.hprId === undefined ? undefined : validateHprId(a.hprId, `${field}.hprId`)
  })
}

/** Hands warnings to the context's collector, if any. */
export function emitWarnings(ctx: ChangeContext, warnings: readonly RecordWarning[]): void {
  if (ctx.onWarning !== undefined) for (const w of warnings) ctx.onWarning(w)
}

const ENTRY_ID = /^[A-Za-z0-9_-]{1,64}$/

interface RandomSource {
  getRandomValues<T extends Uint8Array>(array: T): T
}

/** 96 random bits, base58: unique within a patient document and short on the wire (about 17 characters). */
export function randomEntryId(): EntryId {
  const c = (globalThis as unknown as { crypto?: RandomSource }).crypto
  if (c === undefined) throw new TypeError('crypto.getRandomValues is not available')
  const bytes = c.getRandomValues(new Uint8Array(12))
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  let out = ''
  while (n > 0n) {
    out = BASE58_ALPHABET[Number(n % 58n)] + out
    n /= 58n
  }
  return (out === '' ? '1' : out) as EntryId
}

/** Makes a new entry id (from ctx.newId, else random) that is not yet a key of `collection`. */
export function newEntryId(ctx: ChangeContext, collection: object): EntryId {
  const id = ctx.newId !== undefined ? ctx.newId() : randomEntryId()
  if (typeof id !== 'string' || !ENTRY_ID.test(id)) throw new TypeError('ctx.newId returned a malformed entry id')
  if (Object.hasOwn(collection, id)) throw new TypeError(`ctx.newId returned an id already in use: ${id}`)
  return id
}

/** Validates an entry id given by a caller (it becomes a key and part of conflict paths). */
export function checkEntryId(input: unknown, field: string): EntryId {
  if (typeof input !== 'string' || !ENTRY_ID.test(input)) throw new InvalidRecordInputError(field, 'not an entry id')
  return input as EntryId
}

/** Looks up an entry by id, or throws EntryNotFoundError. */
export function entry<T>(collection: Record<string, T>, id: unknown, kind: string): T {
  const key = checkEntryId(id, `${kind}Id`)
  const found = Object.hasOwn(collection, key) ? collection[key] : undefined
  if (found === undefined) throw new EntryNotFoundError(kind, key)
  return found
}

/** Drops undefined properties: Automerge rejects `undefined` values. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v
  return out as T
}
