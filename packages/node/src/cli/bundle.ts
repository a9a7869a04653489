/**
 * Bundle files: sealed items written to a file for carriers where no link exists (a USB stick, a
 * phone). Format (docs/PROTOCOL.md, "Bundle file"):
 *
 *   "PGBNDL" | u8 version = 1 | u32 count | count × (u32 length | item bytes)
 *
 * Everything in a bundle is ciphertext and signatures; whoever carries it reads nothing.
 */
import { MAX_ITEM_BYTES } from '@pagdandi/core/sync'
import { BundleFormatError } from './errors.js'

const MAGIC = new TextEncoder().encode('PGBNDL')
/** Version of the bundle format this code writes; an unknown version is refused, never guessed. */
export const BUNDLE_VERSION = 1
/** Cap on items per bundle: bounds memory when reading a hostile file. */
export const MAX_BUNDLE_ITEMS = 2_000_000

/** Encodes items as a bundle file. */
export function encodeBundle(items: Uint8Array[]): Uint8Array {
  let size = MAGIC.length + 1 + 4
  for (const i of items) size += 4 + i.byteLength
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  out.set(MAGIC, 0)
  out[MAGIC.length] = BUNDLE_VERSION
  view.setUint32(MAGIC.length + 1, items.length)
  let at = MAGIC.length + 5
  for (const i of items) {
    view.setUint32(at, i.byteLength)
    out.set(i, at + 4)
    at += 4 + i.byteLength
  }
  return out
}

/** Decodes a bundle file, checking every length against the caps before reading it. */
export function decodeBundle(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length < MAGIC.length + 5 || !MAGIC.every((b, i) => bytes[i] === b))
    throw new BundleFormatError('not a Pagdandi bundle file')
  if (bytes[MAGIC.length] !== BUNDLE_VERSION)
    throw new BundleFormatError(`bundle format version ${bytes[MAGIC.length]} is not supported`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = view.getUint32(MAGIC.length + 1)
  if (count > MAX_BUNDLE_ITEMS)
    throw new BundleFormatError(`bundle claims ${count} items, more than the cap of ${MAX_BUNDLE_ITEMS}`)
  const items: Uint8Array[] = []
  let at = MAGIC.length + 5
  for (let n = 0; n < count; n++) {
    if (at + 4 > bytes.length) throw new BundleFormatError(`bundle truncated at item ${n}`)
    const len = view.getUint32(at)
    if (len === 0 || len > MAX_ITEM_BYTES) throw new BundleFormatError(`item ${n} has an invalid length`)
    if (at + 4 + len > bytes.length) throw new BundleFormatError(`bundle truncated at item ${n}`)
    items.push(bytes.slice(at + 4, at + 4 + len))
    at += 4 + len
  }
  if (at !== bytes.length) throw new BundleFormatError('bundle has trailing bytes')
  return items
}
