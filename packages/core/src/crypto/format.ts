/** The crypto formats' settings of the shared codec (`../bytes.ts`): 5-byte varints, `MalformedItemError`. */
import { ByteReader, ByteWriter, MAX_VARINT32 } from '../bytes.js'
import { MalformedItemError } from './errors.js'

/** A writer for items, rosters and keyrings: varints above 2^32 − 1 are a programmer error. */
export function cryptoWriter(): ByteWriter {
  return new ByteWriter(MAX_VARINT32)
}

/** A reader of one crypto format; every failure is a MalformedItemError naming `what`. */
export function cryptoReader(buf: Uint8Array, what = 'input'): ByteReader {
  return new ByteReader(buf, { fail: detail => new MalformedItemError(`${what}: ${detail}`), varintBytes: 5 })
}
