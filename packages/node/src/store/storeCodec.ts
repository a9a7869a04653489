/** The bytes of the item store's keys and small records (docs/PROTOCOL.md, "Item store layout"). */
import { concatBytes } from '@pagdandi/core'
import type { PatientId } from '@pagdandi/core/record'
import type { Cursor, DocSummary } from '@pagdandi/core/sync'
import { StoreCorruptError } from './errors.js'

export const SEQ_DIGITS = 15
export const seqKey = (seq: number): string => seq.toString().padStart(SEQ_DIGITS, '0')
export const docKey = (docId: string, seq: number): string => `${docId}\u0000${seqKey(seq)}`
export const enc = new TextEncoder()
export const dec = new TextDecoder()

export function u32(n: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}

/** classic-level hands back Buffers; callers get plain Uint8Arrays (equal under structural comparison). */
export function plain(b: Uint8Array): Uint8Array {
  return new Uint8Array(b)
}

export function readU32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at)
}

export function encodeCursor(c: Cursor): Uint8Array {
  const seq = new Uint8Array(8)
  new DataView(seq.buffer).setBigUint64(0, BigInt(c.seq))
  return concatBytes([seq, c.token])
}

/** A document's `fp` record: 16 bytes of fingerprint, a u32 count; anything else is damage, by name. */
export function decodeSummary(docId: string, raw: Uint8Array): DocSummary {
  if (raw.length !== 20) throw new StoreCorruptError(`fingerprint record of ${JSON.stringify(docId.slice(0, 64))}`)
  return { docId: docId as PatientId, fp: plain(raw.subarray(0, 16)), count: readU32(raw, 16) }
}

export function decodeCursor(raw: Uint8Array): Cursor {
  if (raw.length < 8) throw new StoreCorruptError('cursor')
  return {
    seq: Number(new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getBigUint64(0)),
    token: plain(raw.subarray(8))
  }
}
