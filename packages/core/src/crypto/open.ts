import nacl from 'tweetnacl'
import { boxSharedKey } from './boxKey.js'
import { bytesEqual, concatBytes, utf8Encode } from '../bytes.js'
import { cryptoReader, cryptoWriter } from './format.js'
import { documentIdToBytes } from './docId.js'
import { decompressChange } from './compress.js'
import {
  BadSignatureError,
  ItemMovedError,
  MalformedItemError,
  RevokedAuthorError,
  StaleRosterError,
  UndecryptableItemError,
  UnknownAuthorError
} from './errors.js'
import { decodeItem, ITEM_SIGNING_DOMAIN, nonceFromTag, payloadTag } from './item.js'
import { splitAttributed } from './provenance.js'
import { rosterEntry } from './roster.js'
import type {
  Compression,
  DecodedItem,
  DocumentKey,
  FacilityIdentity,
  ItemContext,
  ItemHeader,
  OpenedItem,
  SignatureScheme,
  VerifiedRoster
} from './types.js'
import type { FacilityId } from '../record/types.js'

/**
 * The signing key a facility had at roster version `v`: a current member's key, or a revoked
 * facility's key for items it claims to have sealed before its revocation.
 */
function standingKey(roster: VerifiedRoster, facility: FacilityId, v: number, role: string): Uint8Array {
  const entry = rosterEntry(roster, facility)
  if (entry !== undefined) return entry.signingKey
  const rev = roster.body.revocations.find(r => r.facility === facility)
  if (rev === undefined) throw new UnknownAuthorError(`${role} ${facility} is not in roster v${roster.body.version}`)
  if (v >= rev.atVersion) throw new RevokedAuthorError(`${role} ${facility} was revoked at roster v${rev.atVersion}`)
  return rev.signingKey
}

/**
 * Verify an item against the roster: known author not revoked at the item's roster version, a
 * grant's recipient likewise, and the author's Ed25519 signature over header and ciphertext.
 */
export function verifyItem(bytes: Uint8Array, roster: VerifiedRoster, scheme: SignatureScheme): ItemHeader {
  const item = decodeItem(bytes)
  const h = item.header
  if (h.rosterVersion > roster.body.version)
    throw new StaleRosterError(`item claims roster v${h.rosterVersion}, we hold v${roster.body.version}`)
  const key = standingKey(roster, h.author, h.rosterVersion, 'author')
  if (h.recipient !== undefined) standingKey(roster, h.recipient, h.rosterVersion, 'recipient')
  if (!scheme.verify(concatBytes([ITEM_SIGNING_DOMAIN, item.signed]), item.signature, key)) {
    throw new BadSignatureError(`item of document ${h.docId} generation ${h.generation}: bad signature by ${h.author}`)
  }
  // A card grant is justified by the card: its proof must verify under the card key it names.
  if (h.kind === 'card-grant' && !scheme.verify(cardGrantMessage(h), h.card!.proof!, h.card!.key))
    throw new BadSignatureError(`card grant of document ${h.docId} by ${h.author}: the card's proof does not verify`)
  return h
}

const CARD_GRANT_DOMAIN = utf8Encode('pagdandi/card-grant/v1\0')

/**
 * What a card's key signs in a card grant: `"pagdandi/card-grant/v1\0" ‖ document id (16) ‖ u32
 * generation ‖ grantee fid (5) ‖ u32 at`, so a proof is valid for one document, generation,
 * facility and time only.
 */
export function cardGrantMessage(
  h: Pick<ItemHeader, 'docId' | 'generation' | 'author'> & { card?: { at?: number } }
): Uint8Array {
  const id = documentIdToBytes(h.docId)
  if (id === undefined) throw new TypeError('document id must be an automerge-repo DocumentId of 16 bytes')
  return cryptoWriter()
    .raw(CARD_GRANT_DOMAIN)
    .raw(id)
    .u32(h.generation)
    .facility(h.author)
    .u32(h.card?.at ?? 0)
    .finish()
}

function checkContext(h: ItemHeader, docId: string, generation: number | undefined): void {
  if (h.docId !== docId) throw new ItemMovedError(`item of document ${h.docId} used for ${docId}`)
  if (generation !== undefined && h.generation !== generation)
    throw new ItemMovedError(`item of generation ${h.generation} used for ${generation}`)
}

function checkTag(item: DecodedItem, key: Uint8Array, plaintext: Uint8Array, scheme?: SignatureScheme): void {
  const prefix = item.signed.subarray(0, item.header.headerLength - item.header.payloadTag.length)
  if (!bytesEqual(payloadTag(key, prefix, plaintext, scheme), item.header.payloadTag)) {
    throw new ItemMovedError(`item of document ${item.header.docId}: payload not sealed for this header`)
  }
}

/**
 * Open a change or rotation with its document key generation. The header must name the key's
 * document and generation (and `expected`, if given); the keyed tag binds header and plaintext.
 * `compression` defaults to fflate; the node passes its node:zlib port (same bytes, faster).
 */
export function openItem(
  bytes: Uint8Array,
  key: DocumentKey,
  expected?: ItemContext,
  scheme?: SignatureScheme,
  compression?: Compression
): OpenedItem {
  const item = decodeItem(bytes)
  const h = item.header
  if (expected !== undefined) checkContext(h, expected.docId, expected.generation)
  checkContext(h, key.docId, key.generation)
  if (h.kind === 'grant' || h.kind === 'card-grant')
    throw new ItemMovedError(`item of document ${h.docId} is a grant: open it with openGrant`)
  if (h.kind === 'card') throw new ItemMovedError(`item of document ${h.docId} is a card: open it with openCard`)
  const plain = nacl.secretbox.open(item.ciphertext, nonceFromTag(h.payloadTag), key.key)
  if (plain === null)
    throw new UndecryptableItemError(
      `item of document ${h.docId} generation ${h.generation} does not open with this key`
    )
  checkTag(item, key.key, plain, scheme)
  if (h.kind === 'change') {
    const raw = decompressChange(plain, h.dictionaryVersion, compression)
    if (h.attributed !== true) return { kind: 'change', header: h, change: raw }
    const { provenance, changes } = splitAttributed(raw)
    return { kind: 'change', header: h, change: changes, provenance }
  }
  if (h.kind === 'card-revocation') {
    if (plain.length !== 0) throw new MalformedItemError('card revocation payload: not empty')
    return { kind: 'card-revocation', header: h }
  }
  return { kind: 'rotation', header: h, previous: decodeRotationPayload(plain, h) }
}

function decodeRotationPayload(plain: Uint8Array, h: ItemHeader): DocumentKey[] {
  const r = cryptoReader(plain, 'rotation payload')
  const n = r.varint()
  const out: DocumentKey[] = []
  let last = -1
  for (let i = 0; i < n; i++) {
    const generation = r.varint()
    if (generation <= last || generation >= h.generation)
      throw new MalformedItemError('rotation payload: generations out of order')
    last = generation
    out.push({ docId: h.docId, generation, key: r.raw(32).slice() })
  }
  r.end()
  return out
}

/**
 * Open a grant (or a card grant, which its author addresses to itself) addressed to `recipient`: box-opened with the granter's roster box key. Returns the
 * key generation; the keyed tag proves it is the key the granter bound to this document,
 * generation and recipient.
 */
export function openGrant(
  bytes: Uint8Array,
  recipient: FacilityIdentity,
  roster: VerifiedRoster,
  expected?: ItemContext,
  scheme?: SignatureScheme
): DocumentKey {
  return openGrantWithTerms(bytes, recipient, roster, expected, scheme).key
}

/**
 * `openGrant`, and the encoded consent terms of a consent grant (type `0x23`; decode them with
 * core/consent `decodeConsentTerms`). A plain grant has none.
 */
export function openGrantWithTerms(
  bytes: Uint8Array,
  recipient: FacilityIdentity,
  roster: VerifiedRoster,
  expected?: ItemContext,
  scheme?: SignatureScheme
): { key: DocumentKey; terms?: Uint8Array } {
  const item = decodeItem(bytes)
  const h = item.header
  if (h.kind !== 'grant' && h.kind !== 'card-grant')
    throw new ItemMovedError(`item of document ${h.docId} is not a grant`)
  if (h.recipient !== recipient.facility)
    throw new ItemMovedError(`grant of document ${h.docId} is addressed to ${h.recipient}`)
  if (expected !== undefined) checkContext(h, expected.docId, expected.generation)
  const granter = rosterEntry(roster, h.author)
  if (granter === undefined)
    throw new UnknownAuthorError(`granter ${h.author} has no box key in roster v${roster.body.version}`)
  const plain = nacl.box.open.after(
    item.ciphertext,
    nonceFromTag(h.payloadTag),
    boxSharedKey(granter.boxKey, recipient.box.secretKey)
  )
  if (plain === null)
    throw new UndecryptableItemError(`grant of document ${h.docId} does not open for ${recipient.facility}`)
  if (h.consent === true ? plain.length <= 32 : plain.length !== 32)
    throw new MalformedItemError(`grant of document ${h.docId}: payload of ${plain.length} bytes`)
  const key = plain.slice(0, 32)
  checkTag(item, key, plain, scheme)
  const out: { key: DocumentKey; terms?: Uint8Array } = { key: { docId: h.docId, generation: h.generation, key } }
  if (h.consent === true) out.terms = plain.slice(32)
  return out
}
