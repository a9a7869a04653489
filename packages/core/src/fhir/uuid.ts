/**
 * Deterministic `urn:uuid:` identifiers, so that exporting the same document twice yields byte-identical
 * bundles (stable fullUrls, bundle identifiers and version ids) and a re-import can recognise them.
 */
import nacl from 'tweetnacl'

/** UTF-8 bytes of a string (core's lib has no TextEncoder; lone surrogates become U+FFFD). */
function utf8(text: string): Uint8Array {
  const out: number[] = []
  for (const ch of text) {
    let c = ch.codePointAt(0)!
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return Uint8Array.from(out)
}

/** SHA-512 of the parts, joined with NUL so that `('ab','c')` and `('a','bc')` differ. */
export function digest(...parts: readonly string[]): Uint8Array {
  return nacl.hash(utf8(parts.join('\u0000')))
}

/**
 * An RFC 9562 version-8 (custom) UUID from a hash of the parts. Version 8 is the honest label: the
 * bits come from SHA-512, not from SHA-1 as a version-5 UUID would require.
 */
export function deterministicUuid(...parts: readonly string[]): string {
  const b = digest(...parts).slice(0, 16)
  b[6] = (b[6]! & 0x0f) | 0x80
  b[8] = (b[8]! & 0x3f) | 0x80
  const hex = Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** `urn:uuid:` form of {@link deterministicUuid}, for `Bundle.entry.fullUrl`. */
export function urnUuid(...parts: readonly string[]): string {
  return `urn:uuid:${deterministicUuid(...parts)}`
}

/** A short hex tag of the parts (version ids, derived entry ids). */
export function shortHash(...parts: readonly string[]): string {
  return Array.from(digest(...parts).slice(0, 8), x => x.toString(16).padStart(2, '0')).join('')
}
