import type { PatientId } from '../record/types.js'
import { cryptoReader, cryptoWriter } from './format.js'
import { MalformedItemError, UnsupportedVersionError } from './errors.js'
import { identityFromSecrets } from './identity.js'
import { assertDocId } from './keys.js'
import type { DocumentKey, FacilityIdentity } from './types.js'

/** Version byte of the plaintext keyring encoding. */
export const KEYRING_FORMAT_VERSION = 1

/** In-memory keyring: the facility identity and every document key generation it holds. */
export class Keyring {
  private readonly docs = new Map<PatientId, Map<number, DocumentKey>>()

  constructor(readonly identity: FacilityIdentity) {}

  /** Store a key generation (replaces an equal generation). */
  put(key: DocumentKey): void {
    assertDocId(key.docId)
    if (key.key.length !== 32) throw new TypeError('document key must be 32 bytes')
    let gens = this.docs.get(key.docId)
    if (gens === undefined) {
      gens = new Map()
      this.docs.set(key.docId, gens)
    }
    gens.set(key.generation, { docId: key.docId, generation: key.generation, key: key.key.slice() })
  }

  /** One generation of a document's key. */
  get(docId: PatientId, generation: number): DocumentKey | undefined {
    return this.docs.get(docId)?.get(generation)
  }

  /** The highest generation held for a document. */
  latest(docId: PatientId): DocumentKey | undefined {
    const gens = this.generations(docId)
    return gens.length === 0 ? undefined : this.get(docId, gens[gens.length - 1]!)
  }

  /** Generations held for a document, ascending. */
  generations(docId: PatientId): number[] {
    return [...(this.docs.get(docId)?.keys() ?? [])].sort((a, b) => a - b)
  }

  /** Documents with at least one key generation. */
  documents(): PatientId[] {
    return [...this.docs.keys()].sort()
  }

  /** Crypto-shredding: zero and forget every generation of the document's key. Returns how many. */
  erase(docId: PatientId): number {
    const gens = this.docs.get(docId)
    if (gens === undefined) return 0
    for (const k of gens.values()) k.key.fill(0)
    this.docs.delete(docId)
    return gens.size
  }
}

/**
 * Plaintext keyring bytes. Never written to disk as is: the node encrypts them under the operator
 * secret (packages/node/src/crypto/keyringFile.ts).
 */
export function encodeKeyring(keyring: Keyring): Uint8Array {
  const id = keyring.identity
  const w = cryptoWriter()
    .u8(KEYRING_FORMAT_VERSION)
    .facility(id.facility)
    .raw(id.signing.secretKey.subarray(0, 32))
    .raw(id.box.secretKey)
  const docs = keyring.documents()
  w.varint(docs.length)
  for (const docId of docs) {
    const gens = keyring.generations(docId)
    w.str8(docId).varint(gens.length)
    for (const g of gens) w.varint(g).raw(keyring.get(docId, g)!.key)
  }
  return w.finish()
}

/** Decode plaintext keyring bytes (strict: sorted, no duplicates, no trailing bytes). */
export function decodeKeyring(bytes: Uint8Array): Keyring {
  const r = cryptoReader(bytes, 'keyring')
  const version = r.u8()
  if (version !== KEYRING_FORMAT_VERSION) throw new UnsupportedVersionError(`keyring format version ${version}`)
  const facility = r.facility()
  const keyring = new Keyring(identityFromSecrets(facility, r.raw(32).slice(), r.raw(32).slice()))
  const nDocs = r.varint()
  let prevDoc: string | undefined
  for (let i = 0; i < nDocs; i++) {
    const docId = r.str8()
    if (!/^[\x21-\x7e]{1,64}$/.test(docId)) throw new MalformedItemError('keyring: bad document id')
    if (prevDoc !== undefined && docId <= prevDoc) throw new MalformedItemError('keyring: documents not sorted')
    prevDoc = docId
    const nGens = r.varint()
    if (nGens === 0) throw new MalformedItemError('keyring: document without keys')
    let prevGen = -1
    for (let j = 0; j < nGens; j++) {
      const generation = r.varint()
      if (generation <= prevGen) throw new MalformedItemError('keyring: generations not ascending')
      prevGen = generation
      keyring.put({ docId: docId as PatientId, generation, key: r.raw(32).slice() })
    }
  }
  r.end()
  return keyring
}
