import { deflateSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import type { PatientId } from '../record/types.js'
import { Prng } from '../testing/prng.js'
import {
  BadSignatureError,
  ItemMovedError,
  ItemTooLargeError,
  MalformedItemError,
  RevokedAuthorError,
  StaleRosterError,
  UndecryptableItemError,
  UnknownAuthorError,
  UnsupportedVersionError
} from './errors.js'
import { fflateCompression } from './compress.js'
import { decodeItem, decodeItemHeader, ITEM_SIGNING_DOMAIN, itemId, MAX_ITEM_BYTES } from './item.js'
import { newDocumentKey } from './keys.js'
import { openGrant, openItem, verifyItem } from './open.js'
import { revokeFromRoster, signRoster, verifyRoster } from './roster.js'
import { tweetnaclScheme as scheme } from './scheme.js'
import { sealChange, sealGrant, sealRotation } from './seal.js'
import { entryFor, testAuthority, testDocId, testIdentity, testRoster } from './test-fixtures.js'
import type { Compression } from './types.js'

const a = testIdentity(1)
const b = testIdentity(2)
const c = testIdentity(3)
const roster = testRoster([a, b, c], 5)
const docId = testDocId(1)
const key = newDocumentKey(docId, 0)

function textChange(n: number): Uint8Array {
  const words = 'demographics encounters Paracetamol 500 mg tablet http://snomed.info/sct Bastar Jagdalpur fever '
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = words.charCodeAt((i * 7) % words.length)
  return out
}

describe('sealed change round trip', () => {
  const prng = new Prng(42)
  const random = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => prng.int(0, 255))
  const table: Array<[string, Uint8Array]> = [
    ['empty change', new Uint8Array(0)],
    ['one byte', Uint8Array.of(7)],
    ['1 KB of record-like text', textChange(1024)],
    ['10 KB of record-like text', textChange(10240)],
    ['10 KB incompressible', random(10240)]
  ]
  for (const [name, change] of table) {
    it(`opens what it sealed: ${name}`, () => {
      const item = sealChange(change, key, a, 5, scheme)
      const header = verifyItem(item, roster, scheme)
      expect(header).toMatchObject({ kind: 'change', docId, generation: 0, author: a.facility, rosterVersion: 5 })
      const opened = openItem(item, key, { docId, generation: 0 })
      expect(opened.kind).toBe('change')
      if (opened.kind === 'change') expect(opened.change).toEqual(change)
      expect(itemId(item)).toMatch(/^[0-9a-f]{64}$/)
    })
  }

  it('is deterministic: the same change sealed twice is the same item (same id)', () => {
    expect(itemId(sealChange(textChange(500), key, a, 5, scheme))).toBe(
      itemId(sealChange(textChange(500), key, a, 5, scheme))
    )
  })

  it('lets a carrier read the header without keys', () => {
    const h = decodeItemHeader(sealGrant(key, a, entryFor(b), 5, scheme))
    expect(h).toMatchObject({ kind: 'grant', docId, generation: 0, author: a.facility, recipient: b.facility })
  })
})

describe('grants and rotations round trip', () => {
  it('a grant opens only for its recipient and yields the key generation', () => {
    const grant = sealGrant(key, a, entryFor(b), 5, scheme)
    verifyItem(grant, roster, scheme)
    expect(openGrant(grant, b, roster).key).toEqual(key.key)
    expect(() => openGrant(grant, c, roster)).toThrow(ItemMovedError)
  })

  it('a rotation carries every earlier generation under the new key', () => {
    const k1 = newDocumentKey(docId, 1)
    const k2 = newDocumentKey(docId, 2)
    const rot = sealRotation(k2, [k1, key], a, 5, scheme)
    verifyItem(rot, roster, scheme)
    const opened = openItem(rot, k2)
    expect(opened.kind === 'rotation' && opened.previous.map(k => [k.generation, k.key])).toEqual([
      [0, key.key],
      [1, k1.key]
    ])
  })
})

describe('tampered, moved, forged and replayed items are rejected', () => {
  const item = sealChange(textChange(300), key, a, 5, scheme)
  const NAMED = [
    BadSignatureError,
    MalformedItemError,
    UnsupportedVersionError,
    UnknownAuthorError,
    RevokedAuthorError,
    StaleRosterError,
    ItemMovedError,
    UndecryptableItemError
  ]

  it('rejects every single-byte flip of a sealed item with a named error', () => {
    for (let i = 0; i < item.length; i++) {
      const bad = item.slice()
      bad[i] ^= 0x01
      let error: unknown
      try {
        verifyItem(bad, roster, scheme)
        openItem(bad, key)
      } catch (e) {
        error = e
      }
      expect(
        NAMED.some(E => error instanceof E),
        `byte ${i} flip accepted or unnamed error: ${String(error)}`
      ).toBe(true)
    }
  }, 60_000) // one tweetnacl verify (~6 ms, more on a loaded machine) per byte

  it('rejects an item replayed into another document or generation (ItemMovedError)', () => {
    expect(() => openItem(item, newDocumentKey(testDocId(2), 0), { docId: testDocId(2) })).toThrow(ItemMovedError)
    expect(() => openItem(item, { ...key, generation: 1 })).toThrow(ItemMovedError)
    expect(() => openItem(item, key, { docId, generation: 3 })).toThrow(ItemMovedError)
  })

  it('rejects a ciphertext re-headed to another document by a key-holding insider', () => {
    const otherKey = newDocumentKey(testDocId(2), 0)
    const honest = sealChange(textChange(300), otherKey, b, 5, scheme)
    // Insider c seals its own item for doc 1, then swaps in b's ciphertext of doc 2 and re-signs as itself.
    const mine = sealChange(textChange(300), key, c, 5, scheme)
    const hlen = decodeItemHeader(mine).headerLength
    const hOther = decodeItemHeader(honest).headerLength
    const body = Uint8Array.from([...mine.subarray(0, hlen), ...honest.subarray(hOther, honest.length - 64)])
    const forged = Uint8Array.from([
      ...body,
      ...scheme.sign(Uint8Array.from([...ITEM_SIGNING_DOMAIN, ...body]), c.signing.secretKey)
    ])
    expect(verifyItem(forged, roster, scheme).author).toBe(c.facility)
    expect(() => openItem(forged, key)).toThrow(UndecryptableItemError)
  })

  it('rejects a re-attributed item: another author re-signs the same ciphertext (ItemMovedError)', () => {
    // c takes a's header+ciphertext, puts its own author id in, and signs: the keyed tag no longer matches.
    const h = decodeItemHeader(item)
    const stolen = item.slice(0, item.length - 64)
    const authorAt = h.headerLength - 16 - 16 - 5
    const cBytes = sealChange(new Uint8Array(0), key, c, 5, scheme).subarray(authorAt, authorAt + 5)
    stolen.set(cBytes, authorAt)
    const forged = Uint8Array.from([
      ...stolen,
      ...scheme.sign(Uint8Array.from([...ITEM_SIGNING_DOMAIN, ...stolen]), c.signing.secretKey)
    ])
    expect(verifyItem(forged, roster, scheme).author).toBe(c.facility)
    expect(() => openItem(forged, key)).toThrow(ItemMovedError)
  })

  it("rejects an item forged in another facility's name (BadSignatureError)", () => {
    const forged = sealChange(textChange(300), key, { ...c, facility: a.facility }, 5, scheme)
    expect(() => verifyItem(forged, roster, scheme)).toThrow(BadSignatureError)
  })

  it('rejects an unknown author and a revoked author (at or after its revocation)', () => {
    const stranger = testIdentity(9)
    expect(() => verifyItem(sealChange(textChange(10), key, stranger, 5, scheme), roster, scheme)).toThrow(
      UnknownAuthorError
    )
    const revoked = revokeFromRoster(roster.body, c.facility)
    const r6 = verifyRoster(signRoster(revoked, testAuthority.secretKey, scheme), testAuthority.publicKey, scheme)
    expect(() => verifyItem(sealChange(textChange(10), key, c, 6, scheme), r6, scheme)).toThrow(RevokedAuthorError)
    // Sealed before the revocation: still verifies (history stays readable and attributable).
    expect(verifyItem(sealChange(textChange(10), key, c, 5, scheme), r6, scheme).author).toBe(c.facility)
  })

  it('rejects an item claiming a roster newer than ours (StaleRosterError)', () => {
    expect(() => verifyItem(sealChange(textChange(10), key, a, 6, scheme), roster, scheme)).toThrow(StaleRosterError)
  })

  it('rejects truncated, oversized and unknown-version items', () => {
    expect(() => decodeItemHeader(item.subarray(0, 40))).toThrow(MalformedItemError)
    expect(() => decodeItemHeader(new Uint8Array(0))).toThrow(MalformedItemError)
    expect(() => decodeItemHeader(new Uint8Array(MAX_ITEM_BYTES + 1))).toThrow(MalformedItemError)
    // Byte 0 names format version, kind and dictionary: every value not in the table is refused,
    // including version 1 (0x01), an unknown dictionary (0x3f, 0x4f), an unknown access kind (0x27)
    // and an unknown notice type (0x50, 0x55).
    for (const type of [0x00, 0x01, 0x02, 0x20, 0x27, 0x3f, 0x4f, 0x50, 0x55, 0xff]) {
      const other = item.slice()
      other[0] = type
      expect(() => decodeItemHeader(other), `type 0x${type.toString(16)}`).toThrow(UnsupportedVersionError)
    }
  })

  it('frames a change in 120 bytes: the document id travels as its 16 bytes and comes back as the same string', () => {
    // Framing = everything but the compressed payload: type 1, generation 1, roster version 1,
    // author 5, document id 16, payload tag 16, MAC 16, signature 64.
    const sealed = sealChange(textChange(2000), key, a, 5, scheme)
    const d = decodeItem(sealed)
    expect(sealed.length - (d.ciphertext.length - 16)).toBe(120)
    expect(d.header.docId).toBe(docId)
    expect(() => newDocumentKey('doc-a' as PatientId, 0)).toThrow(TypeError)
  })

  it('rejects a decompression bomb without inflating it', { timeout: 30_000 }, () => {
    // A real bomb: a validly sealed and signed item of about 16 KB whose payload inflates to
    // 16 MiB while it declares 10 bytes (a lying sealer). Opening it must fail by name having let the
    // inflater write at most the declared length plus the one byte that detects the overrun.
    const zeros = new Uint8Array(16 << 20)
    const liar: Compression = {
      deflate: (_raw, dictionary) =>
        deflateSync(zeros, dictionary === undefined ? { level: 1 } : { level: 1, dictionary }),
      inflate: fflateCompression.inflate
    }
    const bomb = sealChange(new Uint8Array(10), key, a, 5, scheme, liar)
    expect(bomb.length).toBeLessThan(64 * 1024)
    const asked: number[] = []
    const written: number[] = []
    const spy: Compression = {
      deflate: fflateCompression.deflate,
      inflate: (body, dict, maxOut) => {
        asked.push(maxOut)
        try {
          const out = fflateCompression.inflate(body, dict, maxOut)
          written.push(out.length)
          return out
        } catch (e) {
          written.push(maxOut + 1)
          throw e
        }
      }
    }
    expect(() => openItem(bomb, key, undefined, scheme, spy)).toThrow(MalformedItemError)
    expect(asked).toEqual([10])
    expect(Math.max(...written)).toBeLessThanOrEqual(11)
    // Sealing a change over the 16 MiB cap is refused too.
    expect(() => sealChange(new Uint8Array((16 << 20) + 1), key, a, 5, scheme)).toThrow(TypeError)
  })
})

describe('item size cap', () => {
  it('refuses to seal a change whose item would exceed MAX_ITEM_BYTES, with ItemTooLargeError', () => {
    // Incompressible bytes: the sealed item is larger than the change itself.
    const prng = new Prng(9)
    const change = Uint8Array.from({ length: MAX_ITEM_BYTES }, () => prng.int(0, 255))
    expect(() => sealChange(change, key, a, 5, scheme)).toThrow(ItemTooLargeError)
  })
})
