/**
 * Practitioner provenance of a change item: who at the sealing facility made each Automerge change
 * the item carries. It travels inside the sealed plaintext, so a carrier learns nothing, and the
 * facility's item signature covers it together with the changes (docs/PROTOCOL.md, attributed change).
 *
 * Bytes (version 1):
 *   u8 version = 1
 *   varint A (1..MAX_AUTHORS), then A authors: str8 staffId, u16 length + UTF-8 name, str8 role, u8 hasHpr, [str8 hprId]
 *   varint C (0..MAX_CHANGES), then C varints: the author index of the i-th change in the payload,
 *     A meaning "no staff member" (the node itself wrote it, e.g. a referral receipt)
 * Decoding is structural (bounds, UTF-8, indexes, no trailing bytes); what an author's fields mean
 * is checked where they are shown (core/record `validateAuthor`).
 */
import { cryptoReader, cryptoWriter } from './format.js'
import { MalformedItemError, UnsupportedVersionError } from './errors.js'
import type { Author, PractitionerId } from '../record/types.js'

/** Version of the provenance bytes. */
export const PROVENANCE_VERSION = 1
/** Distinct authors in one item: staff members whose edits one seal coalesced. */
export const MAX_AUTHORS = 64
/** Changes in one item; a sealed item is at most 512 KiB, a change at least ~60 bytes. */
export const MAX_CHANGES = 16_384

/** Who made each change of a change item, by the change's position in the payload. */
export interface ChangeProvenance {
  authors: Author[]
  /** One entry per change, in payload order: an index into `authors`, or undefined for the node itself. */
  changes: Array<number | undefined>
}

/** Encodes provenance; throws TypeError on a value the format cannot hold (a programming error). */
export function encodeProvenance(p: ChangeProvenance): Uint8Array {
  if (p.authors.length < 1 || p.authors.length > MAX_AUTHORS) throw new TypeError('provenance: 1-64 authors')
  if (p.changes.length > MAX_CHANGES) throw new TypeError('provenance: too many changes')
  const w = cryptoWriter().u8(PROVENANCE_VERSION).varint(p.authors.length)
  for (const a of p.authors) {
    w.str8(a.staffId).str16(a.name).str8(a.role)
    if (a.hprId === undefined) w.u8(0)
    else w.u8(1).str8(a.hprId)
  }
  w.varint(p.changes.length)
  for (const i of p.changes) {
    if (i !== undefined && (!Number.isInteger(i) || i < 0 || i >= p.authors.length))
      throw new TypeError('provenance: author index out of range')
    w.varint(i ?? p.authors.length)
  }
  return w.finish()
}

/** Decodes provenance bytes; every structural fault is a MalformedItemError. */
export function decodeProvenance(bytes: Uint8Array): ChangeProvenance {
  const r = cryptoReader(bytes, 'provenance')
  const version = r.u8()
  if (version !== PROVENANCE_VERSION) throw new UnsupportedVersionError(`provenance version ${version}`)
  const n = r.varint()
  if (n < 1 || n > MAX_AUTHORS) throw new MalformedItemError('provenance: author count out of range')
  const authors: Author[] = []
  for (let i = 0; i < n; i++) {
    const staffId = r.str8()
    const name = r.str16()
    const role = r.str8()
    const hasHpr = r.u8()
    if (hasHpr > 1) throw new MalformedItemError('provenance: bad HPR flag')
    const author: Author = { staffId, name, role }
    if (hasHpr === 1) author.hprId = r.str8() as PractitionerId
    authors.push(author)
  }
  const c = r.varint()
  if (c > MAX_CHANGES) throw new MalformedItemError('provenance: change count out of range')
  const changes: Array<number | undefined> = []
  for (let i = 0; i < c; i++) {
    const idx = r.varint()
    if (idx > n) throw new MalformedItemError('provenance: author index out of range')
    changes.push(idx === n ? undefined : idx)
  }
  r.end()
  return { authors, changes }
}

/** The payload of an attributed change item before compression: varint(len) ‖ provenance ‖ changes. */
export function joinAttributed(provenance: ChangeProvenance, changes: Uint8Array): Uint8Array {
  const p = encodeProvenance(provenance)
  return cryptoWriter().varint(p.length).raw(p).raw(changes).finish()
}

/** Inverse of joinAttributed. */
export function splitAttributed(raw: Uint8Array): { provenance: ChangeProvenance; changes: Uint8Array } {
  const r = cryptoReader(raw, 'attributed payload')
  const p = r.raw(r.varint())
  return { provenance: decodeProvenance(p), changes: raw.slice(r.position) }
}
