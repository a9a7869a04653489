/**
 * Minimal binary writer and bounds-checked reader for frames: unsigned LEB128 varints, length-prefixed
 * byte strings and printable-ASCII ids. The reader never allocates more than the frame already holds.
 */
import { MAX_ID_CHARS } from './constants.js'
import { MalformedFrameError } from './errors.js'

/** Appends fields to a growing buffer. */
export class ByteWriter {
  #buf = new Uint8Array(256)
  #len = 0

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

  /** Unsigned varint of a safe integer. */
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`varint out of range: ${v}`)
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

  /** Varint length then ASCII. */
  id(s: string): this {
    const b = new Uint8Array(s.length)
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c < 0x21 || c > 0x7e) throw new TypeError('ids must be printable ASCII')
      b[i] = c
    }
    return this.bytes(b)
  }

  /** The written bytes. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len)
  }
}

/** Reads fields from a frame, throwing `MalformedFrameError` on any overrun or bad value. */
export class ByteReader {
  #pos = 0
  constructor(readonly buf: Uint8Array) {}

  /** Bytes not yet read. */
  get remaining(): number {
    return this.buf.length - this.#pos
  }

  /** One byte. */
  u8(): number {
    if (this.#pos >= this.buf.length) throw new MalformedFrameError('truncated')
    return this.buf[this.#pos++] as number
  }

  /** Unsigned varint; rejects non-minimal encodings and values above 2^53. */
  varint(): number {
    let v = 0
    let mul = 1
    for (let i = 0; i < 8; i++) {
      const b = this.u8()
      v += (b & 0x7f) * mul
      if ((b & 0x80) === 0) {
        if (i > 0 && b === 0) throw new MalformedFrameError('non-minimal varint')
        if (!Number.isSafeInteger(v)) throw new MalformedFrameError('varint too large')
        return v
      }
      mul *= 0x80
    }
    throw new MalformedFrameError('varint too long')
  }

  /** Exactly n bytes (a view into the frame). */
  raw(n: number): Uint8Array {
    if (n > this.remaining) throw new MalformedFrameError('truncated')
    const out = this.buf.subarray(this.#pos, this.#pos + n)
    this.#pos += n
    return out
  }

  /** Length-prefixed bytes of at most `max`. */
  bytes(max: number): Uint8Array {
    const n = this.varint()
    if (n > max) throw new MalformedFrameError(`field of ${n} bytes exceeds ${max}`)
    return this.raw(n)
  }

  /** A printable-ASCII id of 1..MAX_ID_CHARS characters. */
  id(): string {
    const b = this.bytes(MAX_ID_CHARS)
    if (b.length === 0) throw new MalformedFrameError('empty id')
    let s = ''
    for (const c of b) {
      if (c < 0x21 || c > 0x7e) throw new MalformedFrameError('id is not printable ASCII')
      s += String.fromCharCode(c)
    }
    return s
  }

  /** A count of list entries, at most `max` and at most one per remaining byte. */
  count(max: number, what: string): number {
    const n = this.varint()
    if (n > max || n > this.remaining) throw new MalformedFrameError(`${what} count ${n} out of range`)
    return n
  }

  /** Fails if bytes remain: a frame must be consumed exactly. */
  end(): void {
    if (this.remaining !== 0) throw new MalformedFrameError(`${this.remaining} trailing bytes`)
  }
}
