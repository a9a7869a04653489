import fc from 'fast-check'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import nacl from 'tweetnacl'
import { PagdandiError } from '@pagdandi/core'
import {
  documentIdFromBytes,
  identityFromSecrets,
  Keyring,
  newDocumentKey,
  openItem,
  sealChange,
  tweetnaclScheme,
  verifyItem
} from '@pagdandi/core/crypto'
import { nodeSignatureScheme } from './NodeSignatureScheme.js'
import { openKeyring, readKeyringFile, sealKeyring, writeKeyringFile } from './keyringFile.js'
import { WrongSecretError } from './errors.js'
import type { FacilityId } from '@pagdandi/core/record'

const node = nodeSignatureScheme()
const FAST = { log2N: 10, r: 8, p: 1 }
const id = identityFromSecrets(
  'IN2210000001' as FacilityId,
  nacl.hash(Uint8Array.of(1)).slice(0, 32),
  nacl.hash(Uint8Array.of(2)).slice(0, 32)
)

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

describe('node:crypto Ed25519 scheme', () => {
  it("produces the same signatures as tweetnacl, and each verifies the other's", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (msg, seed) => {
        const kp = nacl.sign.keyPair.fromSeed(seed)
        const sn = node.sign(msg, kp.secretKey)
        const st = tweetnaclScheme.sign(msg, kp.secretKey)
        expect(sn).toEqual(st)
        expect(node.verify(msg, st, kp.publicKey)).toBe(true)
        expect(tweetnaclScheme.verify(msg, sn, kp.publicKey)).toBe(true)
        const bad = sn.slice()
        bad[0]! ^= 1
        expect(node.verify(msg, bad, kp.publicKey)).toBe(false)
      }),
      { seed: 7, numRuns: 40, verbose: 1 }
    )
  })

  it('items sealed with one scheme verify and open with the other', () => {
    const docId = documentIdFromBytes(new Uint8Array(16).fill(3))
    const key = newDocumentKey(docId, 0)
    const roster = {
      body: {
        network: 't',
        version: 1,
        revocations: [],
        entries: [
          {
            facility: id.facility,
            name: 'x',
            kind: 'CHC' as const,
            district: 'Bastar',
            signingKey: id.signing.publicKey,
            boxKey: id.box.publicKey,
            peerId: 'p',
            addresses: [],
            carriesFor: []
          }
        ]
      },
      authorityKey: new Uint8Array(32),
      bytes: new Uint8Array(0)
    }
    const a = sealChange(Uint8Array.of(1, 2, 3), key, id, 1, node)
    const b = sealChange(Uint8Array.of(1, 2, 3), key, id, 1, tweetnaclScheme)
    expect(a).toEqual(b)
    expect(verifyItem(a, roster, tweetnaclScheme).author).toBe(id.facility)
    expect(verifyItem(b, roster, node).author).toBe(id.facility)
    expect(openItem(b, key, undefined, node).kind).toBe('change')
  })

  it('treats an invalid public key as a failed verification, not a crash', () => {
    expect(node.verify(Uint8Array.of(1), new Uint8Array(64), new Uint8Array(32).fill(0xff))).toBe(false)
  })
})

describe('keyring file under the operator secret', () => {
  const ring = new Keyring(id)
  const keys = [0, 1].map(g => newDocumentKey(documentIdFromBytes(new Uint8Array(16).fill(4)), g))
  for (const k of keys) ring.put(k)

  it('a serialised keyring contains no plaintext key bytes (every secret searched in the file)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pagdandi-keyring-'))
    try {
      const path = join(dir, 'keyring.bin')
      await writeKeyringFile(path, ring, 'correct horse battery', FAST)
      const file = new Uint8Array(await readFile(path))
      const secrets = [id.signing.secretKey.subarray(0, 32), id.box.secretKey, ...keys.map(k => k.key)]
      for (const s of secrets) {
        expect(contains(file, s)).toBe(false)
        expect(contains(file, s.subarray(0, 8))).toBe(false)
      }
      const back = await readKeyringFile(path, 'correct horse battery')
      expect(back.get(keys[1]!.docId, 1)!.key).toEqual(keys[1]!.key)
      expect(back.identity).toEqual(id)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('rejects the wrong secret with WrongSecretError', () => {
    const bytes = sealKeyring(ring, 'correct horse battery', FAST)
    expect(() => openKeyring(bytes, 'wrong horse battery')).toThrow(WrongSecretError)
  })

  it('refuses a header whose scrypt cost would take more than 256 MiB, before deriving', () => {
    const bytes = sealKeyring(ring, 'correct horse battery', FAST)
    bytes[5] = 20 // N = 2^20
    bytes[6] = 32 // r = 32: 4 GiB
    expect(() => openKeyring(bytes, 'correct horse battery')).toThrow(
      expect.objectContaining({ name: 'MalformedItemError', message: 'keyring file: scrypt cost over the cap' })
    )
  })

  it('random and mutated keyring files raise only named errors (fast-check seed 11)', () => {
    const good = sealKeyring(ring, 'correct horse battery', FAST)
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, v]) => {
            const o = good.slice()
            o[at % o.length] = v
            return o
          })
        ),
        bytes => {
          try {
            openKeyring(bytes, 'correct horse battery')
          } catch (e) {
            if (!(e instanceof PagdandiError)) throw e
          }
        }
      ),
      { seed: 11, numRuns: 60, verbose: 1 }
    )
  })
})
