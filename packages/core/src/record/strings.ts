/**
 * Strings in a patient document are Automerge immutable strings (scalars), never text CRDTs: no field
 * is edited character by character, and as text every string costs about 60% more bytes on the wire
 * (docs/design/0005-immutable-strings.md). Automerge stores a plain JS string as text, so every write
 * goes through `put`/`wrap`, and every read of a string that may come from a document through `str`.
 * Readers outside the record functions take `readPatient(doc)`: a plain copy with plain strings.
 */
import * as Automerge from '@automerge/automerge'
import type { PatientDoc } from './types.js'

/** Whether `target` is an Automerge object (a change proxy or a materialised document), not a plain object. */
export function isAutomergeObject(target: object): boolean {
  return Automerge.getObjectId(target) != null
}

/**
 * A deep copy with every string as an `ImmutableString`, ready to be assigned into an Automerge
 * document. Typed as its input: the document types describe what readers get back from `readPatient`.
 */
export function wrap<T>(value: T): T {
  return wrapAny(value) as T
}

function wrapAny(value: unknown): unknown {
  if (typeof value === 'string') return new Automerge.ImmutableString(value)
  if (typeof value !== 'object' || value === null) return value
  // Lists first: an Automerge list proxy claims to own every property, the ImmutableString marker too.
  if (Array.isArray(value)) return value.map(wrapAny)
  // A fresh instance: an Automerge value read from one place is never assigned by reference elsewhere.
  if (Automerge.isImmutableString(value)) return new Automerge.ImmutableString(value.val)
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = wrapAny(v)
  return out
}

/**
 * Writes `target[key] = value`: with immutable strings when `target` is an Automerge proxy, as the
 * plain value when it is a plain object (tests, the synthetic generator's batched build, FHIR on files).
 */
export function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  ;(target as Record<PropertyKey, unknown>)[key as PropertyKey] = isAutomergeObject(target) ? wrap(value) : value
}

/** A string field's value, whether stored as a plain string, a text CRDT or an `ImmutableString`. */
export function str<T extends string | undefined>(value: T): T {
  const v: unknown = value
  return (Automerge.isImmutableString(v) ? v.val : v) as T
}

/** A deep plain copy of any document value: objects and lists copied, every `ImmutableString` a `string`. */
export function plainValue<T>(value: T): T {
  return plainAny(value) as T
}

function plainAny(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(plainAny)
  if (Automerge.isImmutableString(value)) return value.val
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = plainAny(v)
  return out
}

/**
 * The patient document as plain data: a deep copy in which every string is a `string`, whether the
 * input is an Automerge document, a change proxy or a plain object. The one way readers outside the
 * record functions (UI, FHIR export, node views) look at a document; cheap enough per render.
 */
export function readPatient(doc: PatientDoc): PatientDoc {
  return plainAny(doc) as PatientDoc
}
