import type { PatientId } from '../record/types.js'
import { isDocumentId } from './docId.js'
import { randomBytes } from './scheme.js'
import type { DocumentKey } from './types.js'

/** Longest document id string the keyring holds. Items carry only DocumentIds (16 bytes; see docId.ts). */
export const MAX_DOC_ID_BYTES = 64

const DOC_ID_PATTERN = /^[\x21-\x7e]{1,64}$/

/** Throw TypeError unless `docId` is 1–64 printable ASCII characters (ids are opaque and random). */
export function assertDocId(docId: string): asserts docId is PatientId {
  if (!DOC_ID_PATTERN.test(docId)) throw new TypeError('document id must be 1-64 printable ASCII characters')
}

/**
 * A fresh random 32-byte secretbox key for one generation of a document. `docId` must be an
 * automerge-repo DocumentId (base58check of 16 bytes), the only form items can carry: TypeError otherwise.
 */
export function newDocumentKey(docId: PatientId, generation: number): DocumentKey {
  if (!isDocumentId(docId)) throw new TypeError('document id must be an automerge-repo DocumentId of 16 bytes')
  if (!Number.isInteger(generation) || generation < 0 || generation > 0xffffffff)
    throw new TypeError('generation out of range')
  return { docId, generation, key: randomBytes(32) }
}
