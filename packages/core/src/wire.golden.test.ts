/**
 * Golden bytes: what Pagdandi writes on the wire and on disk, pinned as SHA-512 digests of
 * deterministic encodings (frames, roster, keyring, sealed change/grant/rotation items, document
 * ids). A refactor of the codec must leave every digest as it is; a deliberate format change bumps
 * the format version and updates docs/PROTOCOL.md and these digests together.
 */
import nacl from 'tweetnacl'
import { describe, expect, it } from 'vitest'
import {
  Keyring,
  documentIdFromBytes,
  encodeKeyring,
  sealChange,
  sealGrant,
  sealRotation,
  tweetnaclScheme,
  type DocumentKey
} from './crypto/index.js'
import { toHex, utf8Encode } from './bytes.js'
import { entryFor, seeded, testIdentity, testRoster } from './crypto/test-fixtures.js'
import { encodeFrame, type Frame } from './sync/frames.js'
import type { ItemId } from './crypto/types.js'
import type { FacilityId, PatientId } from './record/types.js'

const hex = toHex
const digest = (parts: Uint8Array[]): string => hex(nacl.hash(Uint8Array.from(parts.flatMap(p => [...p]))))

const chc = testIdentity(1)
const dh = testIdentity(2)
const roster = testRoster([chc, dh], 3)
const docId = documentIdFromBytes(seeded(7, 4).subarray(0, 16))
const key = (generation: number): DocumentKey => ({ docId, generation, key: seeded(generation, 9) })

const FRAMES: Frame[] = [
  { type: 'hello', facility: chc.facility, rosterVersion: 3, epoch: seeded(1, 5).subarray(0, 16), lastSeq: 0 },
  {
    type: 'hello',
    facility: dh.facility as FacilityId,
    rosterVersion: 2 ** 32 - 1,
    epoch: seeded(2, 5).subarray(0, 16),
    lastSeq: 2 ** 53 - 1,
    cursor: { seq: 300, token: seeded(3, 5).subarray(0, 16) }
  },
  {
    type: 'batch',
    batchNo: 128,
    upTo: 16_384,
    token: seeded(4, 5).subarray(0, 16),
    items: [seeded(5, 5), new Uint8Array(0)]
  },
  { type: 'batch', batchNo: 0, upTo: 0, items: [] },
  { type: 'ack', batchNo: 2 ** 31 },
  { type: 'offer', docId },
  { type: 'have', docId, ids: [hex(seeded(6, 5)) as ItemId] },
  { type: 'repair' },
  { type: 'repair-fin' },
  { type: 'summary-request', ranges: [{ lo: '' }, { lo: 'a', hi: 'z' }] },
  {
    type: 'summary',
    ranges: [
      { lo: '', hi: 'm', kind: 'fp', fp: seeded(8, 5).subarray(0, 16), count: 12_345 },
      { lo: 'm', kind: 'entries', entries: [{ docId: docId as PatientId, count: 2, fp: seeded(9, 5).subarray(0, 16) }] }
    ]
  }
]

describe('golden bytes on the wire and on disk', () => {
  it('frames encode to the same bytes', () => {
    expect(digest(FRAMES.map(encodeFrame))).toBe(
      'f084be53967027704487059b3a2cecb3535d25540f01130889f7d619d3800ced71f37c62281b5b0a9010d73b04f9df98eb84e5ab794cd58c6442511877f6546a'
    )
  })

  it('a signed roster, a keyring file and document ids encode to the same bytes', () => {
    const keyring = new Keyring(chc)
    keyring.put(key(0))
    keyring.put(key(1))
    const ids = [
      new Uint8Array(16),
      Uint8Array.of(0, 0, ...seeded(3, 4).subarray(0, 14)),
      seeded(11, 4).subarray(0, 16)
    ]
    expect(digest([roster.bytes, encodeKeyring(keyring)])).toBe(
      '3d292d3b1aa04799c39f6c2a620cb556dd9f18313e3b336e0b4c003bfab8b45c14be46c382865dec73b178fc36d32488c9dfb6e5178566d696f61d946c9e5965'
    )
    expect(ids.map(b => documentIdFromBytes(b))).toEqual([
      '11111111111111114Ki9Gx',
      '11BX6pW4CWmZ9i5thexMcRJBcLy',
      '467J9s8gN3LYQLtJq6MEApthh2Lk'
    ])
  })

  it('sealed change, grant and rotation items are the same bytes', () => {
    const change = utf8Encode('{"encounters":{"e1":"Somaru Markam, synthetic"}} '.repeat(20))
    const items = [
      sealChange(change, key(0), chc, 3, tweetnaclScheme),
      sealGrant(key(0), chc, entryFor(dh), 3, tweetnaclScheme),
      sealRotation(key(1), [key(0)], chc, 3, tweetnaclScheme)
    ]
    expect(digest(items)).toBe(
      '37f8b0d34aff53eddc9027bffb5ce3d35722121b8a9da197ade33981f89740c12024e8e2cc0ba5865897bcebf51ab1d1a5687c42392e8036022e093ee3c3f747'
    )
  })
})
