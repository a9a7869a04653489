import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PagdandiError } from '../errors.js'
import { cryptoWriter } from './format.js'
import { decompressChange } from './compress.js'
import { DICTIONARY_V1 } from './dictionary-v1.js'
import { MalformedItemError } from './errors.js'
import { decodeItem } from './item.js'
import { decodeKeyring, encodeKeyring, Keyring } from './keyring.js'
import { newDocumentKey } from './keys.js'
import { openGrant, openItem, verifyItem } from './open.js'
import { decodeRoster, verifyRoster } from './roster.js'
import { tweetnaclScheme as scheme } from './scheme.js'
import { sealChange, sealGrant, sealRotation } from './seal.js'
import { entryFor, testAuthority, testDocId, testIdentity, testRoster } from './test-fixtures.js'
import { deflateSync } from 'fflate'

const SEED = 20261126
const a = testIdentity(1)
const b = testIdentity(2)
const roster = testRoster([a, b], 3)
const key = newDocumentKey(testDocId(1), 0)
const k1 = newDocumentKey(testDocId(1), 1)
const ring = new Keyring(a)
ring.put(key)
ring.put(k1)

const seeds: Record<string, Uint8Array> = {
  change: sealChange(
    Uint8Array.from({ length: 200 }, (_, i) => i % 50),
    key,
    a,
    3,
    scheme
  ),
  grant: sealGrant(key, a, entryFor(b), 3, scheme),
  rotation: sealRotation(k1, [key], a, 3, scheme),
  roster: roster.bytes,
  keyring: encodeKeyring(ring)
}

/** Random bytes, or a seed with a few bytes overwritten, truncated or extended. */
function inputs(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat({ max: seed.length }),
      fc.boolean()
    )
    .map(([edits, cut, truncate]) => {
      const out = truncate ? seed.slice(0, cut) : seed.slice()
      for (const [at, v] of edits) if (out.length > 0) out[at % out.length] = v
      return out
    })
  return fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated)
}

/** Runs `fn`; passes if it returns or throws a PagdandiError; anything else fails the property. */
function onlyNamedErrors(fn: () => unknown): boolean {
  try {
    fn()
  } catch (e) {
    if (e instanceof PagdandiError) return true
    throw e
  }
  return true
}

const params = { seed: SEED, numRuns: 300, verbose: 1 } as const

describe(`decoders raise only named errors on random and mutated bytes (fast-check seed ${SEED})`, () => {
  for (const kind of ['change', 'grant', 'rotation'] as const) {
    it(`item decoders on mutated ${kind} items`, () => {
      fc.assert(
        fc.property(inputs(seeds[kind]!), bytes =>
          onlyNamedErrors(() => {
            decodeItem(bytes)
            verifyItem(bytes, roster, scheme)
            if (kind === 'grant') openGrant(bytes, b, roster)
            else openItem(bytes, kind === 'rotation' ? k1 : key)
          })
        ),
        { ...params, numRuns: 150 }
      )
    })
  }

  it('item decoders without verification (openItem, openGrant on unverified bytes)', () => {
    fc.assert(
      fc.property(
        inputs(seeds.change!),
        bytes => onlyNamedErrors(() => openItem(bytes, key)) && onlyNamedErrors(() => openGrant(bytes, b, roster))
      ),
      params
    )
  })

  it('roster decoder', () => {
    fc.assert(
      fc.property(inputs(seeds.roster!), bytes =>
        onlyNamedErrors(() => {
          decodeRoster(bytes)
          verifyRoster(bytes, testAuthority.publicKey, scheme)
        })
      ),
      { ...params, numRuns: 150 }
    )
  })

  it('keyring decoder', () => {
    fc.assert(
      fc.property(inputs(seeds.keyring!), bytes => onlyNamedErrors(() => decodeKeyring(bytes))),
      params
    )
  })

  it('change payload decoder (inside the secretbox)', () => {
    const payload = cryptoWriter()
      .varint(100)
      .raw(deflateSync(new Uint8Array(100)))
      .finish()
    fc.assert(
      fc.property(
        inputs(payload),
        bytes => onlyNamedErrors(() => decompressChange(bytes, 1)) && onlyNamedErrors(() => decompressChange(bytes, 0))
      ),
      params
    )
  })
})

describe('decompression bomb guard', () => {
  it('refuses a payload declaring more than the cap, before inflating', () => {
    const bomb = cryptoWriter()
      .varint(0xffffffff)
      .raw(deflateSync(new Uint8Array(1 << 20), { dictionary: DICTIONARY_V1 }))
      .finish()
    expect(() => decompressChange(bomb, 1)).toThrow(MalformedItemError)
  })

  it('refuses a payload that inflates past what it declared', () => {
    const liar = cryptoWriter()
      .varint(1000)
      .raw(deflateSync(new Uint8Array(1 << 20), { dictionary: DICTIONARY_V1 }))
      .finish()
    expect(() => decompressChange(liar, 1)).toThrow(MalformedItemError)
  })
})
