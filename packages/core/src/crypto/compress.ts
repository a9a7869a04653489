import { deflateSync, inflateSync } from 'fflate'
import { cryptoReader, cryptoWriter } from './format.js'
import { DICTIONARY_V1 } from './dictionary-v1.js'
import { MalformedItemError, UnsupportedVersionError } from './errors.js'
import type { Compression } from './types.js'

/**
 * Largest Automerge change an item may carry once decompressed (bomb guard). A patient change is a
 * few KB and an imported record history tens of KB; 4 MiB is far above both and bounds what one
 * item can make an opener allocate.
 */
export const MAX_CHANGE_BYTES = 4 << 20
/**
 * Most bytes a change payload may inflate to per byte of its compressed body. Patient changes
 * deflate about 2:1 with dictionary v1 (Automerge already compresses its columns), so 32 leaves
 * room for any record while a DEFLATE bomb (up to 1032:1) is refused before it is inflated. A
 * carrier, which cannot open an item, knows from this rule alone what it costs an opener: at most
 * `inflateBound(item length)` bytes, whatever the author put inside (docs/PROTOCOL.md).
 */
export const MAX_INFLATE_RATIO = 32
/** Allowance over the ratio for tiny payloads (a one-field change may deflate below 1:32). */
export const INFLATE_SLACK_BYTES = 1024

/** Most bytes a change payload with a compressed body of `bodyBytes` may inflate to. */
export function inflateBound(bodyBytes: number): number {
  return Math.min(MAX_CHANGE_BYTES, MAX_INFLATE_RATIO * bodyBytes + INFLATE_SLACK_BYTES)
}
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
  return cryptoWriter().varint(raw.length).raw(body).finish()
}

/**
 * The payload to seal a change with: deflated with the current dictionary, or stored raw
 * (dictionary 0) when it deflates beyond `MAX_INFLATE_RATIO`, since every opener would refuse that
 * as a bomb.
 */
export function encodeChange(
  raw: Uint8Array,
  compression: Compression = fflateCompression
): { dictionaryVersion: number; payload: Uint8Array } {
  const payload = compressChange(raw, CURRENT_DICTIONARY_VERSION, compression)
  const bodyBytes = payload.length - cryptoWriter().varint(raw.length).finish().length
  if (raw.length <= inflateBound(bodyBytes)) return { dictionaryVersion: CURRENT_DICTIONARY_VERSION, payload }
  return { dictionaryVersion: 0, payload: compressChange(raw, 0, compression) }
}

/**
 * Inverse of compressChange. The declared length is checked against the cap and the ratio
 * (`inflateBound`) before any allocation, the port may not inflate past it (it stops there), and
 * any other resulting length is refused.
 */
export function decompressChange(
  plain: Uint8Array,
  dictionaryVersion: number,
  compression: Compression = fflateCompression
): Uint8Array {
  const r = cryptoReader(plain, 'change payload')
  const rawLength = r.varint()
  const body = r.raw(r.remaining)
  if (rawLength > MAX_CHANGE_BYTES) throw new MalformedItemError('change payload: declared size over the cap')
  if (dictionaryVersion !== 0 && rawLength > inflateBound(body.length))
    throw new MalformedItemError('change payload: declared size over the inflation ratio cap')
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
