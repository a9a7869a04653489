/**
 * Frames of the card protocol `/pagdandi/card/1.0.0` (docs/PROTOCOL.md, "Health card"): a facility
 * that holds a card asks a peer for the record's items and proves it holds the card by signing the
 * peer's challenge. Pure, strict decoders: every failure is a `MalformedCardFrameError`.
 */
import { concatBytes, utf8Encode } from '../bytes.js'
import { cryptoReader, cryptoWriter } from '../crypto/format.js'
import { DOC_ID_BYTES, documentIdFromBytes, documentIdToBytes } from '../crypto/docId.js'
import { MalformedItemError } from '../crypto/errors.js'
import { CARD_KEY_BYTES, MAX_ITEM_BYTES } from '../crypto/item.js'
import type { FacilityId, PatientId } from '../record/types.js'
import { MalformedCardFrameError } from './errors.js'

/** Frame version byte. */
export const CARD_FRAME_VERSION = 1
/** Bytes of a challenge nonce. */
export const CHALLENGE_BYTES = 32
/** Items in one `items` frame. */
export const MAX_CARD_FRAME_ITEMS = 512
/** Largest card frame (the sync frame cap). */
export const MAX_CARD_FRAME_BYTES = 1024 * 1024

/** Why a peer refuses to serve a card. */
export type CardRefusal = 'unknown' | 'revoked' | 'outside-window' | 'bad-proof'
const REFUSALS: CardRefusal[] = ['unknown', 'revoked', 'outside-window', 'bad-proof']

/** One frame of the card protocol. */
export type CardFrame =
  | { type: 'ask'; docId: PatientId; cardKey: Uint8Array }
  | { type: 'challenge'; nonce: Uint8Array }
  | { type: 'proof'; signature: Uint8Array }
  | { type: 'items'; items: Uint8Array[] }
  | { type: 'end'; count: number }
  | { type: 'refused'; reason: CardRefusal }

const TYPES = ['ask', 'challenge', 'proof', 'items', 'end', 'refused'] as const

/** Encodes one frame. */
export function encodeCardFrame(f: CardFrame): Uint8Array {
  const w = cryptoWriter()
    .u8(CARD_FRAME_VERSION)
    .u8(TYPES.indexOf(f.type) + 1)
  if (f.type === 'ask') {
    const id = documentIdToBytes(f.docId)
    if (id === undefined || f.cardKey.length !== CARD_KEY_BYTES) throw new TypeError('card ask: bad document id or key')
    w.raw(id).raw(f.cardKey)
  } else if (f.type === 'challenge') w.raw(f.nonce)
  else if (f.type === 'proof') w.raw(f.signature)
  else if (f.type === 'items') {
    if (f.items.length > MAX_CARD_FRAME_ITEMS) throw new TypeError('card items: too many in one frame')
    w.varint(f.items.length)
    for (const it of f.items) w.varint(it.length).raw(it)
  } else if (f.type === 'end') w.varint(f.count)
  else w.u8(REFUSALS.indexOf(f.reason) + 1)
  return w.finish()
}

/** Decodes one frame; anything but exactly one well-formed frame is a `MalformedCardFrameError`. */
export function decodeCardFrame(bytes: Uint8Array): CardFrame {
  if (bytes.length > MAX_CARD_FRAME_BYTES) throw new MalformedCardFrameError('card frame: oversized')
  try {
    const r = cryptoReader(bytes, 'card frame')
    if (r.u8() !== CARD_FRAME_VERSION) throw new MalformedCardFrameError('card frame: unknown version')
    const type = TYPES[r.u8() - 1]
    let f: CardFrame
    if (type === 'ask') {
      const docId = documentIdFromBytes(r.raw(DOC_ID_BYTES))
      f = { type, docId, cardKey: r.raw(CARD_KEY_BYTES).slice() }
    } else if (type === 'challenge') f = { type, nonce: r.raw(CHALLENGE_BYTES).slice() }
    else if (type === 'proof') f = { type, signature: r.raw(64).slice() }
    else if (type === 'items') {
      const n = r.varint()
      if (n > MAX_CARD_FRAME_ITEMS) throw new MalformedCardFrameError('card items: too many in one frame')
      const items: Uint8Array[] = []
      for (let i = 0; i < n; i++) {
        const len = r.varint()
        if (len < 1 || len > MAX_ITEM_BYTES) throw new MalformedCardFrameError('card items: item length out of range')
        items.push(r.raw(len).slice())
      }
      f = { type, items }
    } else if (type === 'end') f = { type, count: r.varint() }
    else if (type === 'refused') {
      const reason = REFUSALS[r.u8() - 1]
      if (reason === undefined) throw new MalformedCardFrameError('card refused: unknown reason')
      f = { type, reason }
    } else throw new MalformedCardFrameError('card frame: unknown type')
    r.end()
    return f
  } catch (err) {
    if (err instanceof MalformedItemError) throw new MalformedCardFrameError(err.message)
    throw err
  }
}

const PROOF_DOMAIN = utf8Encode('pagdandi/card-proof/v1\0')

/**
 * What the card key signs to answer a challenge: `"pagdandi/card-proof/v1\0" ‖ nonce (32) ‖
 * document id (16) ‖ prover fid (5) ‖ verifier fid (5)`: one session, one record, one pair of facilities.
 */
export function cardProofMessage(
  nonce: Uint8Array,
  docId: PatientId,
  prover: FacilityId,
  verifier: FacilityId
): Uint8Array {
  const id = documentIdToBytes(docId)
  if (id === undefined || nonce.length !== CHALLENGE_BYTES) throw new TypeError('card proof: bad nonce or document id')
  return concatBytes([PROOF_DOMAIN, cryptoWriter().raw(nonce).raw(id).facility(prover).facility(verifier).finish()])
}
