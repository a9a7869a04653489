import type { FacilityId } from '../record/types.js'
import { MalformedItemError } from './errors.js'

/**
 * Byte helpers shared by every crypto format: a growable writer and a bounds-checked reader.
 * Every read past the end, and every non-canonical encoding, raises MalformedItemError, so that a
 * decoder built on Reader can only fail with a named error.
 */

const HFR_PATTERN = /^IN\d{10}$/

/** True when `id` has the HFR form `IN` + 10 digits, the only form crypto formats can carry. */
export function isHfrId(id: string): id is FacilityId {
  return HFR_PATTERN.test(id)
}

/** UTF-8 encode (core has no TextEncoder in its lib; this is exact for well-formed strings). */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
        i++
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) throw new TypeError('lone surrogate in string')
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return Uint8Array.from(out)
}

/** Strict UTF-8 decode: overlong forms, surrogates and truncated sequences are MalformedItemError. */
export function utf8Decode(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length;) {
    const c = b[i]!
    let cp: number
    let n: number
    let min: number
    if (c < 0x80) {
      cp = c
      n = 0
      min = 0
    } else if ((c & 0xe0) === 0xc0) {
      cp = c & 31
      n = 1
      min = 0x80
    } else if ((c & 0xf0) === 0xe0) {
      cp = c & 15
      n = 2
      min = 0x800
    } else if ((c & 0xf8) === 0xf0) {
      cp = c & 7
      n = 3
      min = 0x10000
    } else throw new MalformedItemError('invalid UTF-8 lead byte')
    for (let k = 1; k <= n; k++) {
      const d = b[i + k]
      if (d === undefined || (d & 0xc0) !== 0x80) throw new MalformedItemError('invalid UTF-8 continuation')
      cp = (cp << 6) | (d & 63)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new MalformedItemError('non-canonical UTF-8')
    s += String.fromCodePoint(cp)
    i += n + 1
  }
  return s
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
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

/** Append-only byte writer for the canonical encodings. */
export class Writer {
  private buf = new Uint8Array(256)
  private len = 0

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return
    let cap = this.buf.length * 2
    while (cap < this.len + n) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
  }

  /** One byte. */
  u8(v: number): this {
    this.ensure(1)
    this.buf[this.len++] = v & 0xff
    return this
  }
  /** Big-endian u16. */
  u16(v: number): this {
    this.ensure(2)
    this.buf[this.len++] = (v >>> 8) & 0xff
    this.buf[this.len++] = v & 0xff
    return this
  }
  /** Big-endian u32. */
  u32(v: number): this {
    this.ensure(4)
    for (let s = 24; s >= 0; s -= 8) this.buf[this.len++] = (v >>> s) & 0xff
    return this
  }
  /** Unsigned LEB128, at most 5 bytes (values up to 2^32 − 1), minimal form. */
  varint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new TypeError(`varint out of range: ${v}`)
    do {
      let b = v % 128
      v = Math.floor(v / 128)
      if (v > 0) b |= 0x80
      this.u8(b)
    } while (v > 0)
    return this
  }
  /** Raw bytes. */
  bytes(b: Uint8Array): this {
    this.ensure(b.length)
    this.buf.set(b, this.len)
    this.len += b.length
    return this
  }
  /** u8 length + UTF-8, at most 255 bytes. */
  str8(s: string): this {
    const b = utf8Encode(s)
    if (b.length > 255) throw new TypeError('string longer than 255 bytes')
    return this.u8(b.length).bytes(b)
  }
  /** u16 length + bytes. */
  bytes16(b: Uint8Array): this {
    if (b.length > 0xffff) throw new TypeError('byte string longer than 65535')
    return this.u16(b.length).bytes(b)
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
    return this.bytes(out)
  }
  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len)
  }
}

/** Bounds-checked reader; every failure is a MalformedItemError. */
export class Reader {
  pos = 0
  constructor(
    readonly buf: Uint8Array,
    readonly what = 'input'
  ) {}

  /** Bytes not yet read. */
  get remaining(): number {
    return this.buf.length - this.pos
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new MalformedItemError(`${this.what}: truncated`)
  }

  /** One byte. */
  u8(): number {
    this.need(1)
    return this.buf[this.pos++]!
  }
  /** Big-endian u16. */
  u16(): number {
    this.need(2)
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!
    this.pos += 2
    return v
  }
  /** Big-endian u32. */
  u32(): number {
    this.need(4)
    const b = this.buf
    const p = this.pos
    this.pos += 4
    return ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!
  }
  /** Minimal unsigned LEB128 up to 2^32 − 1. */
  varint(): number {
    let v = 0
    let mul = 1
    for (let i = 0; i < 5; i++) {
      const b = this.u8()
      v += (b & 0x7f) * mul
      if ((b & 0x80) === 0) {
        if (i > 0 && b === 0) throw new MalformedItemError(`${this.what}: non-minimal varint`)
        if (v > 0xffffffff) throw new MalformedItemError(`${this.what}: varint out of range`)
        return v
      }
      mul *= 128
    }
    throw new MalformedItemError(`${this.what}: varint too long`)
  }
  /** `n` raw bytes (a view, not a copy). */
  bytes(n: number): Uint8Array {
    this.need(n)
    const v = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }
  /** u8 length + strict UTF-8. */
  str8(): string {
    return utf8Decode(this.bytes(this.u8()))
  }
  /** u16 length + bytes. */
  bytes16(): Uint8Array {
    return this.bytes(this.u16())
  }
  /** A packed 5-byte HFR id. */
  facility(): FacilityId {
    const b = this.bytes(5)
    let n = 0
    for (const x of b) n = n * 256 + x
    if (n > 9_999_999_999) throw new MalformedItemError(`${this.what}: facility id out of range`)
    return `IN${String(n).padStart(10, '0')}` as FacilityId
  }
  /** Throw unless every byte was consumed. */
  end(): void {
    if (this.pos !== this.buf.length) throw new MalformedItemError(`${this.what}: trailing bytes`)
  }
}
