/**
 * Fingerprints for repair and cursor tokens. A set fingerprint is the XOR of truncated SHA-512s of its
 * members, so a store can keep a document's fingerprint up to date in O(1) per new item and
 * fingerprints of ranges combine by XOR.
 */
import { concatBytes } from '../bytes.js'
import { sha512 } from '../crypto/scheme.js'
import type { SignatureScheme } from '../crypto/types.js'
import { FINGERPRINT_BYTES, TOKEN_BYTES } from './constants.js'
import type { DocSummary, ItemId } from './types.js'

/** The hashing port: the same `SignatureScheme.sha512` items are hashed through (tweetnacl's when absent). */
export type FingerprintHash = Pick<SignatureScheme, 'sha512'>

/** ASCII bytes of an id; ids are validated printable ASCII at every boundary. */
export function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff
  return out
}

function truncatedHash(parts: Uint8Array[], size: number, hash: FingerprintHash | undefined): Uint8Array {
  return sha512(concatBytes(parts), hash).subarray(0, size)
}

const ITEM_TAG = asciiBytes('pagdandi/item-fp/1')
const DOC_TAG = asciiBytes('pagdandi/doc-fp/1')
const CURSOR_TAG = asciiBytes('pagdandi/cursor/2')
const CHAIN_TAG = asciiBytes('pagdandi/log-chain/1')

/** The contribution of one item id to its document's fingerprint. */
export function itemFingerprint(id: ItemId, hash?: FingerprintHash): Uint8Array {
  return truncatedHash([ITEM_TAG, asciiBytes(id)], FINGERPRINT_BYTES, hash)
}

/** XOR `b` into `a` in place. */
export function xorInto(a: Uint8Array, b: Uint8Array): void {
  for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) ^ (b[i] as number)
}

/** An empty (all-zero) fingerprint. */
export function emptyFingerprint(): Uint8Array {
  return new Uint8Array(FINGERPRINT_BYTES)
}

/** Fingerprint of a document's id set computed from scratch. */
export function docFingerprint(ids: Iterable<ItemId>, hash?: FingerprintHash): Uint8Array {
  const fp = emptyFingerprint()
  for (const id of ids) xorInto(fp, itemFingerprint(id, hash))
  return fp
}

/** The contribution of one (document, fingerprint) entry to a range fingerprint. */
export function entryFingerprint(s: DocSummary, hash?: FingerprintHash): Uint8Array {
  const count = new Uint8Array(4)
  new DataView(count.buffer).setUint32(0, s.count)
  return truncatedHash([DOC_TAG, asciiBytes(s.docId), s.fp, count], FINGERPRINT_BYTES, hash)
}

/**
 * The digest of a log through one more position: binds the digest through the position before it
 * (`undefined` before the first) and the id of the item there. So a log's digest at position n covers
 * every item at or below n, in log order: two logs agree on it only if their first n items agree.
 */
export function logChain(previous: Uint8Array | undefined, id: ItemId, hash?: FingerprintHash): Uint8Array {
  return truncatedHash([CHAIN_TAG, previous ?? new Uint8Array(TOKEN_BYTES), asciiBytes(id)], TOKEN_BYTES, hash)
}

/**
 * The token a log owner gives for position `seq`: binds the log epoch, the position and the log's
 * digest there (`ItemStore.logDigest`), so it matches only while the log holds, at and below `seq`,
 * exactly what it held when the token was given. A peer restored from a backup, or talking to a
 * restored or recreated log, presents a token that no longer matches, which makes its cursor
 * suspect, even when the restored log came to hold the same item at that position again (binding
 * only that item let such a cursor pass, and the items the restore lost were skipped as echoes).
 * Opaque: reveals nothing about the items.
 */
export function cursorToken(
  epoch: Uint8Array,
  seq: number,
  digestAtSeq: Uint8Array | undefined,
  hash?: FingerprintHash
): Uint8Array {
  const s = new Uint8Array(8)
  new DataView(s.buffer).setBigUint64(0, BigInt(seq))
  return truncatedHash([CURSOR_TAG, epoch, s, digestAtSeq ?? new Uint8Array(0)], TOKEN_BYTES, hash)
}

/**
 * A cursor that matches no position of any log (a zero token). A node whose log no longer matches
 * its peer's cursor of it (a restore) records it as its own cursor of that peer: the peer's catch-up
 * would skip, as echoes, items the node lost, so every later session must make the peer repair.
 */
export function suspectCursor(): { seq: number; token: Uint8Array } {
  return { seq: 0, token: new Uint8Array(TOKEN_BYTES) }
}
