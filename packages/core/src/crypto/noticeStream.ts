import { sha256 } from '@noble/hashes/sha2.js'
import { documentIdFromBytes } from './docId.js'
import { utf8Encode } from '../bytes.js'
import type { PatientId } from '../record/types.js'

/**
 * The document id every notice carries (docs/PROTOCOL.md, "Notices"): the first 16 bytes of
 * SHA-256("pagdandi/notice-stream/v1"). It is no record's id (a record's id is random), so notices
 * form one roster-wide stream that every member may receive and carriers forward.
 */
export const NOTICE_STREAM: PatientId = documentIdFromBytes(
  sha256(utf8Encode('pagdandi/notice-stream/v1')).slice(0, 16)
)
