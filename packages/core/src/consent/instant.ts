import type { ByteReader, ByteWriter } from '../bytes.js'

/** An instant in the consent formats: milliseconds since 1970 as 6 bytes, big-endian (u16 ‖ u32). */
export function writeInstant(w: ByteWriter, ms: number): ByteWriter {
  if (!Number.isInteger(ms) || ms < 0 || ms > 2 ** 48 - 1) throw new TypeError(`instant ${ms}`)
  return w.u16(Math.floor(ms / 2 ** 32)).u32(ms % 2 ** 32)
}

/** Reads what `writeInstant` wrote. */
export function readInstant(r: ByteReader): number {
  return r.u16() * 2 ** 32 + r.u32()
}
