import { deflateSync, inflateSync } from 'fflate'
import { Reader, Writer } from './bytes.js'
import { DICTIONARY_V1 } from './dictionary-v1.js'
import { MalformedItemError, UnsupportedVersionError } from './errors.js'
import type { Compression } from './types.js'

/** Largest Automerge change an item may carry once decompressed (bomb guard). */
export const MAX_CHANGE_BYTES = 16 << 20
/** Dictionary version new items are sealed with. */
export const CURRENT_DICTIONARY_VERSION = 1
/** Highest dictionary version this code knows; the item format has room for 0–13. */
export const MAX_DICTIONARY_VERSION = 1
/**
 * DEFLATE level for sealing: 9. Bytes cross 2G links many times (every peer, every carrier) while
 * a change is deflated once by its author, and even at 9 deflating costs less than signing.
 * Level 9 saves only ~0.3 % over 6 on patient changes (the dictionary does most of the work);
 * the inflate cost does not depend on it. Figures: bench/README.md › Crypto.
 */
export const DEFLATE_LEVEL = 9

/**
 * fflate raw DEFLATE: isomorphic, the default port. fflate writes into a fixed output buffer and
 * silently stops at its end, so the buffer is one byte longer than `maxOut` to detect overrun.
 */
export const fflateCompression: Compression = {
  deflate: (raw, dictionary) =>
    deflateSync(raw, dictionary === undefined ? { level: DEFLATE_LEVEL } : { level: DEFLATE_LEVEL, dictionary }),
  inflate: (compressed, dictionary, maxOut) => {
    const out = new Uint8Array(maxOut + 1)
    const res = inflateSync(compressed, dictionary === undefined ? { out } : { out, dictionary })
    if (res.length > maxOut) throw new RangeError('inflated output exceeds maxOut')
    return res
  }
}

function dictionary(version: number): Uint8Array | undefined {
  if (version === 0) return undefined
  if (version === 1) return DICTIONARY_V1
  throw new UnsupportedVersionError(`dictionary version ${version}`)
}

/** varint(raw length) ‖ deflate(raw, dictionary); version 0 stores the bytes uncompressed. */
export function compressChange(
  raw: Uint8Array,
  dictionaryVersion: number,
  compression: Compression = fflateCompression
): Uint8Array {
  if (raw.length > MAX_CHANGE_BYTES) throw new TypeError('change larger than MAX_CHANGE_BYTES')
  const dict = dictionary(dictionaryVersion)
  const body = dictionaryVersion === 0 ? raw : compression.deflate(raw, dict)
  return new Writer().varint(raw.length).bytes(body).finish()
}

/**
 * Inverse of compressChange. The declared length is checked against the cap before any allocation,
 * the port may not inflate past it, and any other resulting length is refused.
 */
export function decompressChange(
  plain: Uint8Array,
  dictionaryVersion: number,
  compression: Compression = fflateCompression
): Uint8Array {
  const r = new Reader(plain, 'change payload')
  const rawLength = r.varint()
  if (rawLength > MAX_CHANGE_BYTES) throw new MalformedItemError('change payload: declared size over the cap')
  const body = plain.subarray(r.pos)
  const dict = dictionary(dictionaryVersion)
  if (dictionaryVersion === 0) {
    if (body.length !== rawLength) throw new MalformedItemError('change payload: length mismatch')
    return body.slice()
  }
  let out: Uint8Array
  try {
    out = compression.inflate(body, dict, rawLength)
  } catch (cause) {
    throw new MalformedItemError('change payload: invalid deflate stream or longer than declared', { cause })
  }
  if (out.length !== rawLength) throw new MalformedItemError('change payload: length mismatch')
  return out
}
