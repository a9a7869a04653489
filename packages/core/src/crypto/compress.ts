import { deflateSync, inflateSync } from 'fflate'
import { Reader, Writer } from './bytes.js'
import { DICTIONARY_V1 } from './dictionary-v1.js'
import { MalformedItemError, UnsupportedVersionError } from './errors.js'

/** Largest Automerge change an item may carry once decompressed (bomb guard). */
export const MAX_CHANGE_BYTES = 16 << 20
/** Dictionary version new items are sealed with. */
export const CURRENT_DICTIONARY_VERSION = 1

function dictionary (version: number): Uint8Array | undefined {
  if (version === 0) return undefined
  if (version === 1) return DICTIONARY_V1
  throw new UnsupportedVersionError(`dictionary version ${version}`)
}

/** varint(raw length) ‖ deflate(raw, dictionary); version 0 stores the bytes uncompressed. */
export function compressChange (raw: Uint8Array, dictionaryVersion: number): Uint8Array {
  if (raw.length > MAX_CHANGE_BYTES) throw new TypeError('change larger than MAX_CHANGE_BYTES')
  const dict = dictionary(dictionaryVersion)
  const body = dictionaryVersion === 0 ? raw : deflateSync(raw, dict === undefined ? { level: 6 } : { level: 6, dictionary: dict })
  return new Writer().varint(raw.length).bytes(body).finish()
}

/**
 * Inverse of compressChange. The declared length is checked against the cap before any allocation,
 * and the output buffer is one byte longer than declared so that a stream inflating past its claim
 * is detected (fflate truncates silently at the buffer's end).
 */
export function decompressChange (plain: Uint8Array, dictionaryVersion: number): Uint8Array {
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
    out = inflateSync(body, dict === undefined ? { out: new Uint8Array(rawLength + 1) } : { out: new Uint8Array(rawLength + 1), dictionary: dict })
  } catch (cause) {
    throw new MalformedItemError('change payload: invalid deflate stream', { cause })
  }
  if (out.length !== rawLength) throw new MalformedItemError('change payload: length mismatch')
  return out
}
