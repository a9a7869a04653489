import { deflateSync } from 'fflate'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sealBomb, sealHostilePayload } from '../testing/hostileItems.js'
import { testSeed } from '../testing/seed.js'
import { utf8Encode } from '../bytes.js'
import { cryptoWriter } from './format.js'
import { fflateCompression, inflateBound, MAX_CHANGE_BYTES } from './compress.js'
import { DICTIONARY_V1 } from './dictionary-v1.js'
import { MalformedItemError } from './errors.js'
import { decodeItemHeader } from './item.js'
import { newDocumentKey } from './keys.js'
import { openItem, verifyItem } from './open.js'
import { tweetnaclScheme as scheme } from './scheme.js'
import { sealChange } from './seal.js'
import { testDocId, testIdentity, testRoster } from './test-fixtures.js'
import type { Compression } from './types.js'

const author = testIdentity(1)
const roster = testRoster([author], 1)
const key = newDocumentKey(testDocId(1), 0)

/** The fflate port, counting what it is asked to inflate and what it produced. */
function counting(): Compression & { asked: number; produced: number } {
  const port = {
    asked: 0,
    produced: 0,
    deflate: fflateCompression.deflate,
    inflate: (body: Uint8Array, dict: Uint8Array | undefined, maxOut: number) => {
      port.asked += maxOut
      const out = fflateCompression.inflate(body, dict, maxOut)
      port.produced += out.length
      return out
    }
  }
  return port
}

describe('decompression bombs (issue 14, attack 2)', () => {
  it('a validly signed 16 KiB change that inflates to 16 MiB is refused before a byte is inflated', () => {
    const body = deflateSync(new Uint8Array(16 << 20), { level: 9, dictionary: DICTIONARY_V1 })
    const bomb = sealBomb(body, 16 << 20, key, author, 1, scheme)
    expect(bomb.length).toBeLessThan(20 * 1024)
    // A carrier sees a valid item; it cannot open it, and needs not: an opener inflates at most
    // inflateBound(item length) for it.
    expect(verifyItem(bomb, roster, scheme).author).toBe(author.facility)
    const port = counting()
    expect(() => openItem(bomb, key, undefined, scheme, port)).toThrow(MalformedItemError)
    expect(port.asked).toBe(0)
  })

  it('a bomb declaring a size under the cap but beyond the ratio is refused too', () => {
    const body = deflateSync(new Uint8Array(1 << 20), { level: 9, dictionary: DICTIONARY_V1 })
    const port = counting()
    expect(() => openItem(sealBomb(body, 1 << 20, key, author, 1, scheme), key, undefined, scheme, port)).toThrow(
      MalformedItemError
    )
    expect(port.asked).toBe(0)
  })

  it('whatever payload a member seals, opening it inflates at most inflateBound of its length (counted)', () => {
    const seed = testSeed('BOMB_SEED', 14)
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 << 20 }),
        fc.integer({ min: 1, max: 64 << 10 }),
        fc.integer({ min: 0, max: 255 }),
        (declared, zeros, fill) => {
          const body = deflateSync(new Uint8Array(zeros).fill(fill), { level: 9, dictionary: DICTIONARY_V1 })
          const item = sealHostilePayload(cryptoWriter().varint(declared).raw(body).finish(), key, author, 1, scheme, 1)
          const port = counting()
          try {
            openItem(item, key, undefined, scheme, port)
          } catch (err) {
            if (!(err instanceof MalformedItemError)) throw err
          }
          return port.asked <= inflateBound(item.length) && port.produced <= port.asked
        }
      ),
      { seed, numRuns: 200 }
    )
  }, 60_000)

  it('an honest change that deflates beyond the ratio is sealed uncompressed, so it is never mistaken for a bomb', () => {
    const repetitive = new Uint8Array(200_000).fill(7)
    const sealed = sealChange(repetitive, key, author, 1, scheme)
    expect(decodeItemHeader(sealed).dictionaryVersion).toBe(0)
    const opened = openItem(sealed, key, undefined, scheme)
    expect(opened.kind === 'change' && opened.change.length).toBe(200_000)
    // An ordinary change still uses the dictionary.
    const ordinary = sealChange(utf8Encode('name Somaru Markam village Kilepal'), key, author, 1, scheme)
    expect(decodeItemHeader(ordinary).dictionaryVersion).toBe(1)
    expect(inflateBound(sealed.length)).toBeLessThanOrEqual(MAX_CHANGE_BYTES)
  })
})
