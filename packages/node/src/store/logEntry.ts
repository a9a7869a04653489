/**
 * The bytes of one `log` entry (docs/PROTOCOL.md, "Item store layout").
 *
 * Schema 3 stores the item's header view (id, document, author, kind, grant recipient) beside its
 * bytes, so reading the log (catch-up, start-up) does not re-parse the item or recompute its id (a
 * SHA-512 of the whole item). A CRC-32 over the entry detects a damaged record at every read; the
 * full check (the id recomputed from the bytes) runs where it is needed: on the last entry at open,
 * and on every entry in `pagdandi store recover`. Entries written by schema 2 (no header) still
 * read, by inspecting the bytes as before.
 *
 * v3 entry: 0xFF ‖ u32 CRC-32 of everything after it ‖ u8 flags (bit 0: access item) ‖
 * u8-length-prefixed UTF-8 id, document id, author, grant recipient, sender ‖ item bytes.
 * v2 entry: u8 length of the sender id ‖ sender id ‖ item bytes (its first byte is never 0xFF: a
 * facility id is far shorter than 255 bytes).
 */
import { crc32 } from 'node:zlib'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import type { InspectItem, ItemId, StoredItem } from '@pagdandi/core/sync'
import { StoreCorruptError } from './errors.js'

const V3 = 0xff
const ACCESS = 1
const enc = new TextEncoder()
const dec = new TextDecoder()

/** Encodes a log entry for an item already inspected (its id computed once, when it was stored). */
export function encodeLogEntry(item: Omit<StoredItem, 'seq'>): Uint8Array {
  const fields = [item.id, item.docId, item.author, item.grantRecipient ?? '', item.from ?? ''].map(s => enc.encode(s))
  for (const f of fields) if (f.length > 255) throw new TypeError('log entry field over 255 bytes')
  const size = 6 + fields.reduce((n, f) => n + 1 + f.length, 0) + item.bytes.length
  const out = new Uint8Array(size)
  out[0] = V3
  out[5] = item.kind === 'access' ? ACCESS : 0
  let o = 6
  for (const f of fields) {
    out[o++] = f.length
    out.set(f, o)
    o += f.length
  }
  out.set(item.bytes, o)
  new DataView(out.buffer).setUint32(1, crc32(out.subarray(5)))
  return out
}

/**
 * Decodes a log entry at `seq`. A v3 entry is checked by its CRC (a damaged one is
 * `StoreCorruptError`); a v2 entry is inspected with `inspect` (which recomputes its id).
 */
export function decodeLogEntry(seq: string, value: Uint8Array, inspect: InspectItem): StoredItem {
  if (value[0] === V3) return decodeV3(seq, value)
  const n = value[0]
  if (n === undefined || value.length < 1 + n) throw new StoreCorruptError(`log entry ${seq}`)
  const from = dec.decode(value.subarray(1, 1 + n))
  const bytes = new Uint8Array(value.subarray(1 + n))
  const item: StoredItem = { ...inspect(bytes), seq: Number(seq), bytes }
  if (from !== '') item.from = from as FacilityId
  return item
}

function decodeV3(seq: string, value: Uint8Array): StoredItem {
  const bad = (): StoreCorruptError => new StoreCorruptError(`log entry ${seq} fails its checksum`)
  if (value.length < 11) throw bad()
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength)
  if (view.getUint32(1) !== crc32(value.subarray(5))) throw bad()
  const fields: string[] = []
  let o = 6
  for (let i = 0; i < 5; i++) {
    const n = value[o]
    if (n === undefined || o + 1 + n > value.length) throw bad()
    fields.push(dec.decode(value.subarray(o + 1, o + 1 + n)))
    o += 1 + n
  }
  const [id, docId, author, recipient, from] = fields as [string, string, string, string, string]
  const item: StoredItem = {
    id: id as ItemId,
    docId: docId as PatientId,
    author: author as FacilityId,
    kind: (value[5]! & ACCESS) !== 0 ? 'access' : 'change',
    seq: Number(seq),
    bytes: new Uint8Array(value.subarray(o))
  }
  if (recipient !== '') item.grantRecipient = recipient as FacilityId
  if (from !== '') item.from = from as FacilityId
  return item
}

/**
 * The full check of an entry: its stored header equals what the bytes say (the id recomputed).
 * Returns why not, or undefined.
 */
export function entryMismatch(item: StoredItem, inspect: InspectItem): string | undefined {
  let h
  try {
    h = inspect(item.bytes)
  } catch {
    return 'its item does not decode'
  }
  if (h.id !== item.id) return 'its item does not hash to its stored id'
  if (h.docId !== item.docId || h.author !== item.author || h.kind !== item.kind) return 'its stored header differs'
  if ((h.grantRecipient ?? '') !== (item.grantRecipient ?? '')) return 'its stored header differs'
  return undefined
}
