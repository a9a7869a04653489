/**
 * The one byte codec of every Pagdandi format (sealed items, roster, keyring, sync frames): a
 * growable writer, a bounds-checked reader, and the small byte helpers. A reader is built with the
 * error its format raises (`MalformedItemError`, `MalformedFrameError`), so a decoder built on it
 * can only fail with that named error. Varints are minimal unsigned LEB128; crypto formats cap them
 * at 5 bytes (2^32 − 1), frames at 8 bytes (2^53 − 1), and both encode a value to the same bytes.
 */
import type { FacilityId } from './record/types.js'

// Globals of every runtime core runs in (Node, browsers, workers); core's lib is ES2023 only
// (no DOM, no @types/node), so their shapes are declared here.
declare const TextEncoder: new () => { encode(s: string): Uint8Array }
declare const TextDecoder: new (
  label: 'utf-8',
  options: { fatal: boolean; ignoreBOM: boolean }
) => { decode(b: Uint8Array): string }

const encoder = new TextEncoder()
// fatal: malformed input throws instead of becoming U+FFFD; ignoreBOM: a leading U+FEFF is kept.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const LONE_SURROGATE = /\p{Cs}/u
const HFR_PATTERN = /^IN\d{10}$/

/** True when `id` has the HFR form `IN` + 10 digits, the only form the binary formats can carry. */
export function isHfrId(id: string): id is FacilityId {
  return HFR_PATTERN.test(id)
}

/** UTF-8 of a well-formed string; a lone surrogate is a programmer error (TypeError). */
export function utf8Encode(s: string): Uint8Array {
  if (LONE_SURROGATE.test(s)) throw new TypeError('lone surrogate in string')
  return encoder.encode(s)
}

/** UTF-8 of any string, lone surrogates as U+FFFD (WHATWG `TextEncoder`). */
export function utf8EncodeLenient(s: string): Uint8Array {
  return encoder.encode(s)
}

/** Strict UTF-8 decode; undefined for overlong forms, surrogates and truncated sequences. */
export function utf8Decode(b: Uint8Array): string | undefined {
  try {
    return decoder.decode(b)
  } catch {
    return undefined
  }
}

/** Concatenate byte arrays (a list, not arguments: a document may have more changes than a call takes). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** Byte equality (not constant time: use only on public values). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Lexicographic byte order, for deterministic tie-breaks. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/** Lower-case hex. */
export function toHex(b: Uint8Array): string {
  let s = ''
  for (const x of b) s += x.toString(16).padStart(2, '0')
  return s
}

/** The Bitcoin base58 alphabet: automerge-repo DocumentIds and Pagdandi's entry ids. */
export const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

/** Largest value a 5-byte (crypto format) varint carries. */
export const MAX_VARINT32 = 0xffffffff

/** Append-only byte writer for the canonical encodings. */
export class ByteWriter {
  #buf = new Uint8Array(256)
  #len = 0
  readonly #maxVarint: number

  /** `maxVarint`: MAX_VARINT32 for crypto formats; frames allow any safe integer. */
  constructor(maxVarint = Number.MAX_SAFE_INTEGER) {
    this.#maxVarint = maxVarint
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return
    let size = this.#buf.length * 2
    while (size < this.#len + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.#buf.subarray(0, this.#len))
    this.#buf = next
  }

  /** One byte. */
  u8(v: number): this {
    this.#reserve(1)
    this.#buf[this.#len++] = v & 0xff
    return this
  }

  /** Big-endian u16. */
  u16(v: number): this {
    this.#reserve(2)
    this.#buf[this.#len++] = (v >>> 8) & 0xff
    this.#buf[this.#len++] = v & 0xff
    return this
  }

  /** Big-endian u32. */
  u32(v: number): this {
    this.#reserve(4)
    for (let s = 24; s >= 0; s -= 8) this.#buf[this.#len++] = (v >>> s) & 0xff
    return this
  }

  /** Minimal unsigned LEB128 of an integer up to the writer's cap. */
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0 || v > this.#maxVarint) throw new TypeError(`varint out of range: ${v}`)
    while (v >= 0x80) {
      this.u8((v % 0x80) | 0x80)
      v = Math.floor(v / 0x80)
    }
    return this.u8(v)
  }

  /** Raw bytes, no length. */
  raw(b: Uint8Array): this {
    this.#reserve(b.length)
    this.#buf.set(b, this.#len)
    this.#len += b.length
    return this
  }

  /** Varint length then bytes. */
  bytes(b: Uint8Array): this {
    return this.varint(b.length).raw(b)
  }

  /** u16 length then bytes. */
  bytes16(b: Uint8Array): this {
    if (b.length > 0xffff) throw new TypeError('byte string longer than 65535')
    return this.u16(b.length).raw(b)
  }

  /** u8 length then UTF-8, at most 255 bytes. */
  str8(s: string): this {
    const b = utf8Encode(s)
    if (b.length > 255) throw new TypeError('string longer than 255 bytes')
    return this.u8(b.length).raw(b)
  }

  /** u16 length then UTF-8. */
  str16(s: string): this {
    return this.bytes16(utf8Encode(s))
  }

  /** Varint length then printable ASCII. */
  id(s: string): this {
    const b = new Uint8Array(s.length)
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c < 0x21 || c > 0x7e) throw new TypeError('ids must be printable ASCII')
      b[i] = c
    }
    return this.bytes(b)
  }

  /** An HFR id packed in 5 bytes: its 10 digits as a big-endian integer; `IN` is implied. */
  facility(id: string): this {
    if (!isHfrId(id)) throw new TypeError(`not an HFR facility id: ${id}`)
    let n = Number(id.slice(2))
    const out = new Uint8Array(5)
    for (let i = 4; i >= 0; i--) {
      out[i] = n % 256
      n = Math.floor(n / 256)
    }
    return this.raw(out)
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len)
  }
}

/** Options of a `ByteReader`: the format's error, and its varint width. */
export interface ReaderFormat {
  /** Builds the format's named error from a detail such as `truncated`. */
  fail: (detail: string) => Error
  /** 5 for crypto formats (values up to 2^32 − 1), 8 for frames (up to 2^53 − 1). */
  varintBytes: 5 | 8
  /** Longest id `id()` accepts. */
  maxIdChars?: number
}

/** Bounds-checked reader; every failure is the format's named error. It never allocates more than the input holds. */
export class ByteReader {
  #pos = 0
  readonly #format: ReaderFormat

  constructor(
    readonly buf: Uint8Array,
    format: ReaderFormat
  ) {
    this.#format = format
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.buf.length - this.#pos
  }

  /** Bytes read so far. */
  get position(): number {
    return this.#pos
  }

  #need(n: number): void {
    if (n < 0 || this.#pos + n > this.buf.length) throw this.#format.fail('truncated')
  }

  /** One byte. */
  u8(): number {
    this.#need(1)
    return this.buf[this.#pos++]!
  }

  /** Big-endian u16. */
  u16(): number {
    this.#need(2)
    const v = (this.buf[this.#pos]! << 8) | this.buf[this.#pos + 1]!
    this.#pos += 2
    return v
  }

  /** Big-endian u32. */
  u32(): number {
    this.#need(4)
    const b = this.buf
    const p = this.#pos
    this.#pos += 4
    return ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!
  }

  /** Minimal unsigned LEB128 within the format's width. */
  varint(): number {
    const { fail, varintBytes } = this.#format
    let v = 0
    let mul = 1
    for (let i = 0; i < varintBytes; i++) {
      const b = this.u8()
      v += (b & 0x7f) * mul
      if ((b & 0x80) === 0) {
        if (i > 0 && b === 0) throw fail('non-minimal varint')
        if (varintBytes === 5 && v > MAX_VARINT32) throw fail('varint out of range')
        if (!Number.isSafeInteger(v)) throw fail('varint too large')
        return v
      }
      mul *= 0x80
    }
    throw fail('varint too long')
  }

  /** Exactly `n` raw bytes (a view, not a copy). */
  raw(n: number): Uint8Array {
    this.#need(n)
    const v = this.buf.subarray(this.#pos, this.#pos + n)
    this.#pos += n
    return v
  }

  /** Varint length then bytes, at most `max`. */
  bytes(max: number): Uint8Array {
    const n = this.varint()
    if (n > max) throw this.#format.fail(`field of ${n} bytes exceeds ${max}`)
    return this.raw(n)
  }

  /** u16 length then bytes. */
  bytes16(): Uint8Array {
    return this.raw(this.u16())
  }

  /** u8 length then strict UTF-8. */
  str8(): string {
    const s = utf8Decode(this.raw(this.u8()))
    if (s === undefined) throw this.#format.fail('invalid UTF-8')
    return s
  }

  /** u16 length then strict UTF-8. */
  str16(): string {
    const s = utf8Decode(this.bytes16())
    if (s === undefined) throw this.#format.fail('invalid UTF-8')
    return s
  }

  /** A printable-ASCII id of 1..maxIdChars characters. */
  id(): string {
    const b = this.bytes(this.#format.maxIdChars ?? 255)
    if (b.length === 0) throw this.#format.fail('empty id')
    let s = ''
    for (const c of b) {
      if (c < 0x21 || c > 0x7e) throw this.#format.fail('id is not printable ASCII')
      s += String.fromCharCode(c)
    }
    return s
  }

  /** A count of list entries, at most `max` and at most one per remaining byte. */
  count(max: number, what: string): number {
    const n = this.varint()
    if (n > max || n > this.remaining) throw this.#format.fail(`${what} count ${n} out of range`)
    return n
  }

  /** A packed 5-byte HFR id. */
  facility(): FacilityId {
    const b = this.raw(5)
    let n = 0
    for (const x of b) n = n * 256 + x
    if (n > 9_999_999_999) throw this.#format.fail('facility id out of range')
    return `IN${String(n).padStart(10, '0')}` as FacilityId
  }

  /** Fails unless every byte was consumed. */
  end(): void {
    if (this.remaining !== 0) throw this.#format.fail(`${this.remaining} trailing bytes`)
  }
}
