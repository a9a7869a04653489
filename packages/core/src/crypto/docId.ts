import type { PatientId } from '../record/types.js'

/**
 * automerge-repo DocumentIds in core, without importing automerge-repo: a DocumentId is
 * base58check (Bitcoin alphabet; payload ‖ first 4 bytes of SHA-256(SHA-256(payload))) of 16
 * random bytes. Items carry the 16 bytes; the API keeps the string.
 */

/** Bytes of a document id inside items, grants and rotations. */
export const DOC_ID_BYTES = 16

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]))

// SHA-256 (FIPS 180-4) round constants: tweetnacl has only SHA-512, and base58check needs SHA-256.
const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
])

/** SHA-256 of a short message (document ids: a few dozen bytes, so speed does not matter). */
export function sha256(data: Uint8Array): Uint8Array {
  const bitLength = data.length * 8
  const padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6)
  padded.set(data)
  padded[data.length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, Math.floor(bitLength / 2 ** 32))
  view.setUint32(padded.length - 4, bitLength >>> 0)
  const h = Uint32Array.from([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
  ])
  const w = new Uint32Array(64)
  const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n))
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4)
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!
      const b = w[i - 2]!
      w[i] = w[i - 16]! + (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + w[i - 7]! + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10))
    }
    let [a, b, c, d, e, f, g, hh] = h as unknown as [number, number, number, number, number, number, number, number]
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) >>> 0
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0
      hh = g
      g = f
      f = e
      e = (d + t1) >>> 0
      d = c
      c = b
      b = a
      a = (t1 + t2) >>> 0
    }
    h[0]! += a
    h[1]! += b
    h[2]! += c
    h[3]! += d
    h[4]! += e
    h[5]! += f
    h[6]! += g
    h[7]! += hh
  }
  const out = new Uint8Array(32)
  const outView = new DataView(out.buffer)
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]!)
  return out
}

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
      .map(d => ALPHABET[d])
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
