import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { DEFLATE_LEVEL, type Compression } from '@pagdandi/core/crypto'

function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}

/**
 * Raw DEFLATE through node:zlib (C zlib): inflate ≈ 2–3× faster than fflate on 10 KB changes (see
 * bench/README.md › Crypto). Streams interoperate with `fflateCompression` both ways; `maxOutputLength`
 * makes zlib stop and throw instead of growing its buffer (the decompression-bomb guard).
 */
export function nodeCompression(options: { level?: number } = {}): Compression {
  const level = options.level ?? DEFLATE_LEVEL
  return {
    deflate(raw, dictionary) {
      return view(deflateRawSync(raw, dictionary === undefined ? { level } : { level, dictionary }))
    },
    inflate(compressed, dictionary, maxOut) {
      // zlib refuses maxOutputLength 0; an empty change still needs its (tiny) stream checked.
      const maxOutputLength = Math.max(1, maxOut)
      // Default finishFlush (Z_FINISH): a stream without its final block throws, as in fflate.
      const out = inflateRawSync(
        compressed,
        dictionary === undefined ? { maxOutputLength } : { maxOutputLength, dictionary }
      )
      if (out.length > maxOut) throw new RangeError('inflated output exceeds maxOut')
      return view(out)
    }
  }
}
