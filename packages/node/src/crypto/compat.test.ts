import {
  documentIdToBinary,
  isValidDocumentId,
  parseAutomergeUrl,
  stringifyAutomergeUrl,
  type BinaryDocumentId,
  type DocumentId
} from '@automerge/automerge-repo'
import { describe, expect, it } from 'vitest'
import {
  decodeItem,
  DICTIONARY_V1,
  documentIdFromBytes,
  documentIdToBytes,
  fflateCompression,
  identityFromSecrets,
  isDocumentId,
  MalformedItemError,
  newDocumentKey,
  openItem,
  sealChange,
  tweetnaclScheme,
  type Compression
} from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { Prng } from '@pagdandi/core/testing'
import { deflateRawSync } from 'node:zlib'
import { nodeCompression } from './NodeCompression.js'

const zlib = nodeCompression()
const ports: Array<[string, Compression]> = [
  ['fflate', fflateCompression],
  ['node:zlib', zlib]
]

function bytes(prng: Prng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => prng.int(0, 255))
}

/** Change-like bytes: runs of dictionary words, digits and noise, so streams use matches, literals and the dictionary. */
function corpus(seed: number, count: number): Uint8Array[] {
  const prng = new Prng(seed)
  const words = new TextDecoder().decode(DICTIONARY_V1).split('\0')
  return Array.from({ length: count }, (_, i) => {
    if (i === 0) return new Uint8Array(0)
    const parts: Uint8Array[] = []
    let size = 0
    const target = prng.int(1, 12_000)
    while (size < target) {
      const p = prng.chance(0.6)
        ? new TextEncoder().encode(words[prng.int(0, words.length - 1)] ?? '')
        : bytes(prng, prng.int(1, 40))
      parts.push(p)
      size += p.length
    }
    const out = new Uint8Array(size)
    let o = 0
    for (const p of parts) {
      out.set(p, o)
      o += p.length
    }
    return out
  })
}

describe('document ids in core match automerge-repo', () => {
  it('encodes and decodes 1,000 random ids exactly as automerge-repo does (Prng seed 2026)', () => {
    const seed = 2026
    const prng = new Prng(seed)
    for (let i = 0; i < 1000; i++) {
      const raw = bytes(prng, 16)
      if (i === 0) raw.fill(0) // leading zero bytes become leading '1's in base58
      if (i === 1) raw.fill(0, 0, 3)
      const theirs = parseAutomergeUrl(stringifyAutomergeUrl({ documentId: raw as BinaryDocumentId })).documentId
      const ours = documentIdFromBytes(raw)
      expect(ours, `seed ${seed}, id ${i}`).toBe(theirs)
      expect(documentIdToBytes(theirs), `seed ${seed}, id ${i}`).toEqual(raw)
      expect(documentIdToBinary(ours as string as DocumentId)).toEqual(raw)
    }
  })

  it('refuses what automerge-repo refuses, and ids of other lengths (Prng seed 5)', () => {
    const prng = new Prng(5)
    const good = documentIdFromBytes(bytes(prng, 16))
    const cases = ['', 'doc-a', '0OIl', good.slice(1), `${good}1`, good.slice(0, -1) + (good.endsWith('z') ? 'y' : 'z')]
    for (const bad of cases) {
      expect(isDocumentId(bad), bad).toBe(false)
      expect(documentIdToBytes(bad)).toBeUndefined()
    }
    // automerge-repo accepts base58check of any length; items carry only 16-byte ids.
    const twenty = parseAutomergeUrl(
      stringifyAutomergeUrl({ documentId: bytes(prng, 20) as BinaryDocumentId })
    ).documentId
    expect(isValidDocumentId(twenty)).toBe(true)
    expect(isDocumentId(twenty)).toBe(false)
    expect(() => newDocumentKey(twenty as string as PatientId, 0)).toThrow(TypeError)
  })
})

describe('compression port: fflate and node:zlib', () => {
  it("each inflates the other's streams to the same bytes, with and without the dictionary (Prng seed 77)", () => {
    const seed = 77
    for (const [i, raw] of corpus(seed, 30).entries()) {
      for (const dict of [DICTIONARY_V1, undefined]) {
        for (const [from, a] of ports) {
          const stream = a.deflate(raw, dict)
          for (const [to, b] of ports) {
            expect(b.inflate(stream, dict, raw.length), `seed ${seed}, sample ${i}, ${from} → ${to}`).toEqual(raw)
          }
        }
      }
    }
  })

  it('items sealed with one port open with the other', () => {
    const id = identityFromSecrets('IN2210000001' as FacilityId, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2))
    const key = newDocumentKey(documentIdFromBytes(new Uint8Array(16).fill(7)), 0)
    for (const raw of corpus(78, 8)) {
      for (const [from, a] of ports) {
        const item = sealChange(raw, key, id, 1, tweetnaclScheme, a)
        for (const [to, b] of ports) {
          const opened = openItem(item, key, undefined, tweetnaclScheme, b)
          expect(opened.kind === 'change' ? opened.change : undefined, `${from} → ${to}`).toEqual(raw)
        }
      }
    }
    // Both deflate to a payload of similar size (neither port makes items noticeably bigger).
    const big = corpus(79, 2)[1]!
    const sizes = ports.map(([, p]) => decodeItem(sealChange(big, key, id, 1, tweetnaclScheme, p)).ciphertext.length)
    expect(Math.max(...sizes) / Math.min(...sizes)).toBeLessThan(1.1)
  })

  it('both stop a decompression bomb at maxOut, and refuse truncated and corrupt streams', () => {
    const bomb = deflateRawSync(new Uint8Array(50 << 20), { level: 9 }) // ~50 KB inflating to 50 MiB
    const prng = new Prng(80)
    const raw = corpus(81, 2)[1]!
    for (const [name, p] of ports) {
      expect(() => p.inflate(bomb, undefined, 1 << 20), name).toThrow()
      const stream = p.deflate(raw, DICTIONARY_V1)
      expect(() => p.inflate(stream, DICTIONARY_V1, raw.length - 1), name).toThrow()
      for (const [other, q] of ports) {
        expect(
          () => q.inflate(stream.subarray(0, stream.length >> 1), DICTIONARY_V1, raw.length),
          `${name} → ${other} truncated`
        ).toThrow()
        expect(() => q.inflate(bytes(prng, 200), DICTIONARY_V1, raw.length), `${other} noise`).toThrow()
      }
    }
  })

  it('an item whose stream inflates past its declared length is MalformedItemError under both ports', () => {
    const id = identityFromSecrets('IN2210000001' as FacilityId, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2))
    const key = newDocumentKey(documentIdFromBytes(new Uint8Array(16).fill(8)), 0)
    const raw = corpus(82, 2)[1]!
    // A lying sealer: declares 10 bytes, deflates the whole change. The item is validly sealed and signed.
    const liar: Compression = { deflate: (_, d) => zlib.deflate(raw, d), inflate: zlib.inflate }
    const item = sealChange(raw.subarray(0, 10), key, id, 1, tweetnaclScheme, liar)
    for (const [name, p] of ports) {
      expect(() => openItem(item, key, undefined, tweetnaclScheme, p), name).toThrow(MalformedItemError)
    }
  })
})
