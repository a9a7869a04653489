/**
 * The sealed records of the persisted document index (DocIndex.ts, docs/PROTOCOL.md "Document
 * index"). Each record is JSON sealed with AES-256-GCM under a key derived from the facility's
 * X25519 secret (which exists on disk only inside the keyring file, under the operator secret), with
 * its LevelDB key as associated data: the index holds names and document keys, so nothing of it is
 * readable without the keyring (Invariant 6), and a record that was altered, truncated or moved to
 * another key fails to open (the index is then rebuilt from the log).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import type { DocumentKey } from '@pagdandi/core/crypto'
import type { PatientDoc, PatientId, Referral } from '@pagdandi/core/record'
import type { WorkSource } from './workView.js'

/** Layout version of the records; another version is rebuilt, never read. */
export const INDEX_VERSION = 2
/** Key of the index's own record (document ids never start with `~`). */
export const META_KEY = '~meta'
export const docKeyOf = (docId: string): string => `d/${docId}`

/** What the views need of a document (RecordViews.restore), without the document. */
export interface ViewSource {
  demographics: PatientDoc['demographics']
  identifiers?: PatientDoc['identifiers']
  /** Referrals from or to this facility. */
  referrals: Referral[]
  conflicts: number
  /** The record this one was merged into (record/recordMerge.ts), if it is merged away. */
  mergedInto?: PatientId
  /** Records merged into this one. */
  mergedFrom?: PatientId[]
  /** Its part in the day's work here (repo/workView.ts): registration and visits here. */
  work?: WorkSource
}

/** One document as the index holds it. */
export interface IndexRecord {
  docId: PatientId
  /** Heads whose whole ancestry is stored here (DocBridge `covered`). */
  heads: string[]
  /** Every key generation held for it. */
  keys: DocumentKey[]
  /** Load it from its items at start instead (it has keys of concurrent rotations to settle). */
  full?: true
  /** Absent for a document that is not a patient record (yet). */
  view?: ViewSource
}

/** The index's own record: its version, how far into the log it reaches, how many records it has. */
export interface IndexMeta {
  version: number
  /** Every log entry up to this position is reflected in the records. */
  watermark: number
  count: number
}

/** Thrown inside the index reader; the caller rebuilds the index. */
export class IndexRecordError extends Error {
  override name = 'IndexRecordError'
}

const NONCE = 12
const TAG = 16

/** Seals and opens index records under a key derived from the facility's secret. */
export class IndexCipher {
  readonly #key: Buffer

  constructor(secret: Uint8Array, facility: string) {
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'pagdandi document index v1', facility, 32))
  }

  seal(key: string, value: unknown): Uint8Array {
    const nonce = randomBytes(NONCE)
    const c = createCipheriv('aes-256-gcm', this.#key, nonce)
    c.setAAD(Buffer.from(key))
    const body = Buffer.concat([c.update(JSON.stringify(value, replacer)), c.final()])
    return Buffer.concat([nonce, c.getAuthTag(), body])
  }

  open(key: string, sealed: Uint8Array): unknown {
    if (sealed.length < NONCE + TAG) throw new IndexRecordError(`index record ${key} is truncated`)
    const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength)
    try {
      const d = createDecipheriv('aes-256-gcm', this.#key, buf.subarray(0, NONCE))
      d.setAAD(Buffer.from(key))
      d.setAuthTag(buf.subarray(NONCE, NONCE + TAG))
      const text = Buffer.concat([d.update(buf.subarray(NONCE + TAG)), d.final()]).toString('utf8')
      return JSON.parse(text, reviver) as unknown
    } catch {
      throw new IndexRecordError(`index record ${key} does not open`)
    }
  }
}

// Key bytes travel as { $b: base64 } inside the sealed JSON.
function replacer(_k: string, v: unknown): unknown {
  return v instanceof Uint8Array ? { $b: Buffer.from(v).toString('base64') } : v
}

function reviver(_k: string, v: unknown): unknown {
  if (typeof v === 'object' && v !== null && '$b' in v && typeof (v as { $b: unknown }).$b === 'string')
    return new Uint8Array(Buffer.from((v as { $b: string }).$b, 'base64'))
  return v
}

/** Checks the shape of an opened record (it was sealed by this node, but its version may differ). */
export function asRecord(key: string, v: unknown): IndexRecord {
  const r = v as Partial<IndexRecord> | null
  const ok =
    typeof r === 'object' &&
    r !== null &&
    typeof r.docId === 'string' &&
    docKeyOf(r.docId) === key &&
    Array.isArray(r.heads) &&
    r.heads.every(h => typeof h === 'string') &&
    Array.isArray(r.keys) &&
    r.keys.every(k => k.docId === r.docId && Number.isInteger(k.generation) && k.key instanceof Uint8Array)
  if (!ok) throw new IndexRecordError(`index record ${key} is malformed`)
  return r as IndexRecord
}

export function asMeta(v: unknown): IndexMeta {
  const m = v as Partial<IndexMeta> | null
  if (
    typeof m !== 'object' ||
    m === null ||
    !Number.isInteger(m.version) ||
    !Number.isSafeInteger(m.watermark) ||
    !Number.isSafeInteger(m.count)
  )
    throw new IndexRecordError('the index record is malformed')
  return m as IndexMeta
}
