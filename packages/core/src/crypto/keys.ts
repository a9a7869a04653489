import type { PatientId } from '../record/types.js'
import { randomBytes } from './scheme.js'
import type { DocumentKey } from './types.js'

/** Longest document id the formats carry (automerge-repo ids are ~28 ASCII characters). */
export const MAX_DOC_ID_BYTES = 64

const DOC_ID_PATTERN = /^[\x21-\x7e]{1,64}$/

/** Throw TypeError unless `docId` is 1–64 printable ASCII characters (ids are opaque and random). */
export function assertDocId (docId: string): asserts docId is PatientId {
  if (!DOC_ID_PATTERN.test(docId)) throw new TypeError('document id must be 1-64 printable ASCII characters')
}

/** A fresh random 32-byte secretbox key for one generation of a document. */
export function newDocumentKey (docId: PatientId, generation: number): DocumentKey {
  assertDocId(docId)
  if (!Number.isInteger(generation) || generation < 0 || generation > 0xffffffff) throw new TypeError('generation out of range')
  return { docId, generation, key: randomBytes(32) }
}
