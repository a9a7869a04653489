/**
 * Stand-in sealed items for sync tests that must not depend on the crypto module: a tiny format with a
 * header (document, author, optional grant recipient) and a keyed checksum as "signature". Never used
 * outside tests.
 */
import nacl from 'tweetnacl'
import { BadSignatureError, MalformedItemError } from '../crypto/errors.js'
import type { FacilityId, PatientId } from '../record/types.js'
import type { ItemHeaderView, ItemId } from '../sync/types.js'

const MAGIC = [0x50, 0x54, 0x49, 0x31] // "PTI1"
const SIG_BYTES = 16

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, c => c.charCodeAt(0))
}
function str(b: Uint8Array): string {
  return String.fromCharCode(...b)
}
function hex(b: Uint8Array): string {
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
}

function sig(author: string, body: Uint8Array): Uint8Array {
  const a = ascii(author)
  const buf = new Uint8Array(a.length + body.length)
  buf.set(a)
  buf.set(body, a.length)
  return nacl.hash(buf).subarray(0, SIG_BYTES)
}

/** Inputs of a test item. */
export interface TestItemInput {
  docId: string
  author: string
  grantRecipient?: string
  /** Payload; random-looking payloads make distinct items. */
  payload: Uint8Array
}

/** Build a test item: MAGIC, doc, author, recipient (may be empty), payload, signature. */
export function makeTestItem(input: TestItemInput): Uint8Array {
  const fields = [ascii(input.docId), ascii(input.author), ascii(input.grantRecipient ?? ''), input.payload]
  let len = MAGIC.length + SIG_BYTES
  for (const f of fields) len += 4 + f.length
  const out = new Uint8Array(len)
  out.set(MAGIC)
  let o = MAGIC.length
  const dv = new DataView(out.buffer)
  for (const f of fields) {
    dv.setUint32(o, f.length)
    o += 4
    out.set(f, o)
    o += f.length
  }
  out.set(sig(input.author, out.subarray(0, o)), o)
  return out
}

function parse(bytes: Uint8Array): { fields: Uint8Array[]; bodyEnd: number } {
  if (bytes.length < MAGIC.length + SIG_BYTES || MAGIC.some((m, i) => bytes[i] !== m))
    throw new TypeError('not a test item')
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const fields: Uint8Array[] = []
  let o = MAGIC.length
  for (let i = 0; i < 4; i++) {
    if (o + 4 > bytes.length - SIG_BYTES) throw new TypeError('truncated test item')
    const n = dv.getUint32(o)
    o += 4
    if (o + n > bytes.length - SIG_BYTES) throw new TypeError('truncated test item')
    fields.push(bytes.subarray(o, o + n))
    o += n
  }
  if (o !== bytes.length - SIG_BYTES) throw new TypeError('trailing bytes in test item')
  return { fields, bodyEnd: o }
}

/** Header of a test item (the role `decodeItemHeader` + `itemId` play for real items). */
export function inspectTestItem(bytes: Uint8Array): ItemHeaderView {
  const { fields } = parse(bytes)
  const [doc, author, recipient] = fields as [Uint8Array, Uint8Array, Uint8Array]
  const h: ItemHeaderView = {
    id: hex(nacl.hash(bytes).subarray(0, 32)) as ItemId,
    docId: str(doc) as PatientId,
    author: str(author) as FacilityId,
    kind: recipient.length > 0 ? 'access' : 'change'
  }
  if (recipient.length > 0) h.grantRecipient = str(recipient) as FacilityId
  return h
}

/** Whether a test item's checksum matches its contents (the role `verifyItem` plays): undefined, or why not. */
export function verifyTestItem(bytes: Uint8Array): Error | undefined {
  try {
    const { fields, bodyEnd } = parse(bytes)
    const expected = sig(str(fields[1] as Uint8Array), bytes.subarray(0, bodyEnd))
    if (expected.every((b, i) => bytes[bodyEnd + i] === b)) return undefined
    return new BadSignatureError('test item: checksum mismatch')
  } catch (err) {
    return new MalformedItemError('test item: malformed', { cause: err })
  }
}
