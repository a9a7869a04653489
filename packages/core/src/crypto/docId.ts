import { sha256 } from '@noble/hashes/sha2.js'
import { BASE58_ALPHABET } from '../bytes.js'
import type { PatientId } from '../record/types.js'

/**
 * automerge-repo DocumentIds in core, without importing automerge-repo: a DocumentId is
 * base58check (Bitcoin alphabet, `BASE58_ALPHABET`; payload ‖ first 4 bytes of SHA-256(SHA-256(payload))) of 16
 * random bytes. Items carry the 16 bytes; the API keeps the string.
 */

/** Bytes of a document id inside items, grants and rotations. */
export const DOC_ID_BYTES = 16

const INDEX = new Map([...BASE58_ALPHABET].map((c, i) => [c, i]))

function checksum(payload: Uint8Array): Uint8Array {
  return sha256(sha256(payload)).subarray(0, 4)
}

function base58Encode(bytes: Uint8Array): string {
  let zeros = 0
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++
  const digits: number[] = []
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! << 8
      digits[j] = carry % 58
      carry = (carry / 58) | 0
    }
    while (carry > 0) {
      digits.push(carry % 58)
      carry = (carry / 58) | 0
    }
  }
  return (
    '1'.repeat(zeros) +
    digits
      .reverse()
      .map(d => BASE58_ALPHABET[d])
      .join('')
  )
}

function base58Decode(s: string): Uint8Array | undefined {
  let zeros = 0
  while (zeros < s.length && s[zeros] === '1') zeros++
  const bytes: number[] = []
  for (let i = zeros; i < s.length; i++) {
    let carry = INDEX.get(s[i]!)
    if (carry === undefined) return undefined
    for (let j = 0; j < bytes.length; j++) {
      carry += bytes[j]! * 58
      bytes[j] = carry & 0xff
      carry >>= 8
    }
    while (carry > 0) {
      bytes.push(carry & 0xff)
      carry >>= 8
    }
  }
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...bytes.reverse()])
}

// Every item decode re-derives the string (two SHA-256 and a base58 encode, ~12 µs, about a tenth
// of a verify); items of one document come in runs, so a small cache removes nearly all of it.
// Cleared when full, so hostile input cannot grow it.
const MAX_CACHED_IDS = 4096
const idCache = new Map<string, PatientId>()

/** The DocumentId string of 16 id bytes (automerge-repo's `binaryToDocumentId`). */
export function documentIdFromBytes(bytes: Uint8Array): PatientId {
  if (bytes.length !== DOC_ID_BYTES) throw new TypeError(`document id must be ${DOC_ID_BYTES} bytes`)
  const cacheKey = String.fromCharCode(...bytes)
  const hit = idCache.get(cacheKey)
  if (hit !== undefined) return hit
  const full = new Uint8Array(DOC_ID_BYTES + 4)
  full.set(bytes)
  full.set(checksum(bytes), DOC_ID_BYTES)
  const id = base58Encode(full) as PatientId
  if (idCache.size >= MAX_CACHED_IDS) idCache.clear()
  idCache.set(cacheKey, id)
  return id
}

/** The 16 bytes of a DocumentId string, or undefined unless it is base58check of exactly 16 bytes. */
export function documentIdToBytes(id: string): Uint8Array | undefined {
  // 16 + 4 bytes are at most 28 base58 digits; refusing longer strings bounds the quadratic decode.
  if (id.length > 28) return undefined
  const full = base58Decode(id)
  if (full?.length !== DOC_ID_BYTES + 4) return undefined
  const payload = full.subarray(0, DOC_ID_BYTES)
  const sum = checksum(payload)
  for (let i = 0; i < 4; i++) if (full[DOC_ID_BYTES + i] !== sum[i]) return undefined
  return payload.slice()
}

/** True when `id` is an automerge-repo DocumentId of 16 bytes, the only form items can carry. */
export function isDocumentId(id: string): id is PatientId {
  return documentIdToBytes(id) !== undefined
}
