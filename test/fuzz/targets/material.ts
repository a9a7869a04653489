/**
 * Valid encodings the byte targets mutate: sealed items of each kind, a roster, a keyring, sync
 * frames and a bundle, all from deterministic test keys (no patient data).
 */
import { encodeKeyring, Keyring, newDocumentKey, sealChange, sealGrant, sealRotation } from '@pagdandi/core/crypto'
import { encodeFrame, type Frame } from '@pagdandi/core/sync'
import { nodeCompression, nodeSignatureScheme } from '@pagdandi/node/crypto'
import { encodeBundle } from '@pagdandi/node'
import { entryFor, testDocId, testIdentity, testRoster } from '../../../packages/core/src/crypto/test-fixtures.js'

/** The node's Ed25519 scheme (node:crypto): what a running node verifies with. */
export const scheme = nodeSignatureScheme()
/** The node's compression (node:zlib). */
export const zlib = nodeCompression()
/** Author and recipient of the seed items. */
export const alice = testIdentity(1)
export const bob = testIdentity(2)
export const roster = testRoster([alice, bob], 3)
export const key0 = newDocumentKey(testDocId(1), 0)
export const key1 = newDocumentKey(testDocId(1), 1)

/** A change payload with some repetition, so it compresses as a real change does. */
const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 61)

export const change = sealChange(payload, key0, alice, 3, scheme)
export const change1 = sealChange(payload.subarray(0, 40), key1, bob, 3, scheme)
export const grant = sealGrant(key0, alice, entryFor(bob), 3, scheme)
export const rotation = sealRotation(key1, [key0], alice, 3, scheme)
export const items = [change, change1, grant, rotation]

const ring = new Keyring(alice)
ring.put(key0)
ring.put(key1)
export const keyringBytes = encodeKeyring(ring)

const token = new Uint8Array(16).fill(3)
const doc = testDocId(1)
const itemHex = 'ab'.repeat(32)
/** One valid frame of every type, some holding real sealed items. */
export const frames: Frame[] = [
  { type: 'hello', facility: alice.facility, rosterVersion: 3, epoch: new Uint8Array(16).fill(1), lastSeq: 300 },
  {
    type: 'hello',
    facility: bob.facility,
    rosterVersion: 3,
    epoch: new Uint8Array(16).fill(1),
    lastSeq: 0,
    cursor: { seq: 12, token }
  },
  { type: 'batch', batchNo: 1, upTo: 99, token, items: [change, grant] },
  { type: 'batch', batchNo: 2, upTo: 0, items: [rotation] },
  { type: 'ack', batchNo: 1 },
  { type: 'offer', docId: doc },
  { type: 'have', docId: doc, ids: [itemHex as never, 'cd'.repeat(32) as never] },
  { type: 'repair' },
  { type: 'repair-fin' },
  { type: 'summary-request', ranges: [{ lo: '' }, { lo: '1', hi: 'z' }] },
  {
    type: 'summary',
    ranges: [
      { lo: '', hi: 'm', kind: 'fp', fp: new Uint8Array(16).fill(5), count: 40 },
      { lo: 'm', kind: 'entries', entries: [{ docId: doc, fp: new Uint8Array(16).fill(2), count: 2 }] }
    ]
  }
]
export const frameBytes = frames.map(encodeFrame)

export const bundleBytes = [encodeBundle(items), encodeBundle([grant]), encodeBundle([])]
