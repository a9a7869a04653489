/**
 * Deterministic `urn:uuid:` identifiers, so that exporting the same document twice yields byte-identical
 * bundles (stable fullUrls, bundle identifiers and version ids) and a re-import can recognise them.
 */
import nacl from 'tweetnacl'
import { utf8EncodeLenient } from '../bytes.js'

/** SHA-512 of the parts, joined with NUL so that `('ab','c')` and `('a','bc')` differ. */
export function digest(...parts: readonly string[]): Uint8Array {
  return nacl.hash(utf8EncodeLenient(parts.join('\u0000')))
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
