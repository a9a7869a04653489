/**
 * Byte decoders: sync frames, sealed items (changes, grants, rotations), the roster, bundle files,
 * the plaintext keyring, the keyring file and the change payload inside the secretbox. Each must
 * return or throw a named error; what decodes must re-encode to the same value; what verifies
 * unchanged must be a seed (signatures are not forgeable by mutation).
 */
import { isDeepStrictEqual } from 'node:util'
import { scryptSync } from 'node:crypto'
import fc from 'fast-check'
import nacl from 'tweetnacl'
import {
  decodeKeyring,
  decodeItem,
  encodeKeyring,
  Keyring,
  openGrant,
  openItem,
  verifyItem
} from '@pagdandi/core/crypto'
import { decodeFrame, encodeFrame } from '@pagdandi/core/sync'
import { decodeBundle, encodeBundle } from '@pagdandi/node'
import { openKeyring, sealKeyring } from '@pagdandi/node/crypto'
import { concatBytes } from '@pagdandi/core'
import { compressChange, decompressChange, fflateCompression } from '../../../packages/core/src/crypto/compress.js'
import { ITEM_SIGNING_DOMAIN } from '../../../packages/core/src/crypto/item.js'
import { acceptRoster, decodeRoster, ROSTER_DOMAIN, verifyRoster } from '../../../packages/core/src/crypto/roster.js'
import { testAuthority } from '../../../packages/core/src/crypto/test-fixtures.js'
import { b64, expectThat, namedOnly, unb64, type AnyTarget, type FuzzTarget } from '../harness.js'
import { byteEdits, mutateBytes, mutatedBytes } from '../mutate.js'
import * as m from './material.js'

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b))

/** A target over plain bytes. */
function bytesTarget(
  name: string,
  what: string,
  arb: () => fc.Arbitrary<Uint8Array>,
  check: (b: Uint8Array) => void
): FuzzTarget<Uint8Array> {
  return { name, what, arbitrary: arb, check, toFixture: b64, fromFixture: unb64 }
}

/** Mutated bytes, tagged with whether they were re-signed after the mutation (so they verify). */
interface Signed {
  bytes: Uint8Array
  resigned: boolean
}

function signedTarget(
  name: string,
  what: string,
  seeds: Uint8Array[],
  resign: (signedPart: Uint8Array) => Uint8Array,
  split: (b: Uint8Array) => Uint8Array,
  check: (s: Signed) => void
): FuzzTarget<Signed> {
  return {
    name,
    what,
    arbitrary: () =>
      fc.oneof(
        { weight: 3, arbitrary: mutatedBytes(seeds).map(bytes => ({ bytes, resigned: false })) },
        {
          weight: 2,
          arbitrary: fc.tuple(fc.nat(seeds.length - 1), byteEdits()).map(([i, edits]) => {
            const seed = seeds[i]!
            const body = mutateBytes(split(seed), edits, seeds)
            return { bytes: resign(body), resigned: true }
          })
        }
      ),
    check,
    toFixture: s => ({ bytes: b64(s.bytes), resigned: s.resigned }),
    fromFixture: v => {
      const o = v as { bytes: unknown; resigned: unknown }
      return { bytes: unb64(o.bytes), resigned: o.resigned === true }
    }
  }
}

const itemSignedPart = (b: Uint8Array): Uint8Array => b.subarray(0, b.length - 64)
/** Re-signs a mutated header ‖ ciphertext as its seed's author would. */
function itemResigner(author: typeof m.alice): (part: Uint8Array) => Uint8Array {
  return part => concatBytes([part, m.scheme.sign(concatBytes([ITEM_SIGNING_DOMAIN, part]), author.signing.secretKey)])
}

function checkItem(s: Signed, seeds: Uint8Array[]): void {
  namedOnly(() => decodeItem(s.bytes))
  const verified = namedOnly(() => verifyItem(s.bytes, m.roster, m.scheme))
  if (!(verified instanceof Error) && !s.resigned)
    expectThat(
      seeds.some(x => bytesEqual(x, s.bytes)),
      'a mutated item verified without being re-signed'
    )
  namedOnly(() => openItem(s.bytes, m.key0, undefined, m.scheme, m.zlib))
  namedOnly(() => openItem(s.bytes, m.key1, undefined, m.scheme))
  namedOnly(() => openGrant(s.bytes, m.bob, m.roster, undefined, m.scheme))
}

function itemTarget(name: string, what: string, seed: Uint8Array, author: typeof m.alice): FuzzTarget<Signed> {
  const seeds = [seed, ...m.items.filter(i => i !== seed)]
  return signedTarget(name, what, [seed], itemResigner(author), itemSignedPart, s => checkItem(s, seeds))
}

const rosterSignedPart = (b: Uint8Array): Uint8Array => b.subarray(0, b.length - 64 - 32)
function rosterResign(body: Uint8Array): Uint8Array {
  const signed = concatBytes([body, testAuthority.publicKey])
  return concatBytes([signed, m.scheme.sign(concatBytes([ROSTER_DOMAIN, signed]), testAuthority.secretKey)])
}

const FILE_SECRET = 'fuzz-operator-secret'
const CHEAP = { log2N: 10, r: 1, p: 1 }
const fileSeed = (() => {
  const ring = decodeKeyring(m.keyringBytes)
  return sealKeyring(ring, FILE_SECRET, CHEAP)
})()
/** The key the seed file's header derives (same scrypt call as keyringFile.ts), to re-seal mutated plaintext. */
const fileKey = new Uint8Array(
  scryptSync(FILE_SECRET, fileSeed.subarray(8, 24), 32, { N: 2 ** CHEAP.log2N, r: CHEAP.r, p: CHEAP.p })
)
const FILE_HEADER = 48

/** Keyring-file inputs: header edits (scrypt cost only cheap or out of range), box edits, or re-sealed plaintext edits. */
function keyringFileInputs(): fc.Arbitrary<Uint8Array> {
  const cost = fc.tuple(
    fc.constantFrom(0, 9, 10, 21, 255),
    fc.constantFrom(0, 1, 33, 255),
    fc.constantFrom(0, 1, 5, 255)
  )
  const header = fc.tuple(cost, fc.nat(7), fc.nat(255), fc.boolean()).map(([[n, r, p], at, v, setByte]) => {
    const out = fileSeed.slice()
    out[5] = n
    out[6] = r
    out[7] = p
    if (setByte && at < 5) out[at] = v
    return out
  })
  const resealed = byteEdits().map(edits => {
    const plain = mutateBytes(m.keyringBytes, edits, [m.keyringBytes])
    const nonce = fileSeed.subarray(24, FILE_HEADER)
    return concatBytes([fileSeed.subarray(0, FILE_HEADER), nacl.secretbox(plain, nonce, fileKey)])
  })
  const boxEdits = byteEdits().map(edits =>
    concatBytes([fileSeed.subarray(0, FILE_HEADER), mutateBytes(fileSeed.subarray(FILE_HEADER), edits, [fileSeed])])
  )
  const cut = fc.nat(fileSeed.length).map(n => fileSeed.slice(0, n))
  return fc.oneof(header, resealed, resealed, boxEdits, cut)
}

const payloadSeeds = [
  compressChange(
    Uint8Array.from({ length: 400 }, (_, i) => i % 37),
    1
  ),
  compressChange(
    Uint8Array.from({ length: 50 }, (_, i) => i),
    0
  ),
  compressChange(new Uint8Array(0), 1)
]

/** Every byte target. */
export const codecTargets: AnyTarget[] = [
  bytesTarget(
    'frames',
    'decodeFrame on mutated frames of every type; what decodes re-encodes to the same frame',
    () => mutatedBytes(m.frameBytes),
    b => {
      const f = namedOnly(() => decodeFrame(b))
      if (f instanceof Error) return
      const again = decodeFrame(encodeFrame(f))
      expectThat(isDeepStrictEqual(again, f), 'a decoded frame does not survive re-encoding')
    }
  ),
  itemTarget(
    'items',
    'decodeItem, verifyItem, openItem, openGrant on mutated (and re-signed) change items',
    m.change,
    m.alice
  ),
  itemTarget('grants', 'the item decoders on mutated (and re-signed) grants', m.grant, m.alice),
  itemTarget('rotations', 'the item decoders on mutated (and re-signed) rotations', m.rotation, m.alice),
  signedTarget(
    'roster',
    'decodeRoster, verifyRoster, acceptRoster on mutated (and authority re-signed) rosters',
    [m.roster.bytes],
    rosterResign,
    rosterSignedPart,
    s => {
      namedOnly(() => decodeRoster(s.bytes))
      const v = namedOnly(() => verifyRoster(s.bytes, testAuthority.publicKey, m.scheme))
      if (v instanceof Error) return
      if (!s.resigned)
        expectThat(bytesEqual(s.bytes, m.roster.bytes), 'a mutated roster verified without being re-signed')
      namedOnly(() => acceptRoster(m.roster, s.bytes, testAuthority.publicKey, m.scheme))
    }
  ),
  bytesTarget(
    'bundle',
    'decodeBundle on mutated bundle files, then verifyItem on each item; what decodes re-encodes byte for byte',
    () => mutatedBytes(m.bundleBytes, 4, 200),
    b => {
      const items = namedOnly(() => decodeBundle(b))
      if (items instanceof Error) return
      expectThat(bytesEqual(encodeBundle(items), b), 'a decoded bundle does not re-encode to its bytes')
      for (const i of items) namedOnly(() => verifyItem(i, m.roster, m.scheme))
    }
  ),
  bytesTarget(
    'keyring',
    'decodeKeyring on mutated plaintext keyrings; what decodes re-encodes byte for byte',
    () => mutatedBytes([m.keyringBytes]),
    b => {
      const k = namedOnly(() => decodeKeyring(b))
      if (k instanceof Error) return
      expectThat(k instanceof Keyring, 'decodeKeyring returned something else')
      expectThat(bytesEqual(encodeKeyring(k), b), 'a decoded keyring does not re-encode to its bytes')
    }
  ),
  bytesTarget(
    'keyring-file',
    'openKeyring on mutated keyring files: header, box, and plaintext re-sealed under the right key',
    keyringFileInputs,
    b => {
      namedOnly(() => openKeyring(b, FILE_SECRET))
    }
  ),
  bytesTarget(
    'change-payload',
    'decompressChange (fflate and node:zlib, dictionaries 0 and 1) on mutated payloads',
    () => mutatedBytes(payloadSeeds),
    b => {
      for (const v of [0, 1]) {
        const a = namedOnly(() => decompressChange(b, v, fflateCompression))
        const z = namedOnly(() => decompressChange(b, v, m.zlib))
        if (!(a instanceof Error) && !(z instanceof Error))
          expectThat(bytesEqual(a, z), 'fflate and node:zlib inflate the same payload differently')
      }
    }
  )
]
