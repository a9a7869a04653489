/**
 * Notices (docs/PROTOCOL.md, "Notices"): signed items outside any record, in one roster-wide stream
 * (`NOTICE_STREAM`) that every member may receive and carriers forward. Types 1-3 are plain: the body
 * is the payload, readable by every member (an erasure request, an erasure confirmation, a record
 * request carry nothing a carrier may not learn). Type 4, a request reply, is boxed from its author
 * to its recipient. What each payload means is core/consent's; this module only frames and signs.
 */
import nacl from 'tweetnacl'
import { boxSharedKey } from './boxKey.js'
import { bytesEqual, concatBytes, utf8Encode } from '../bytes.js'
import {
  ItemMovedError,
  ItemTooLargeError,
  MalformedItemError,
  UndecryptableItemError,
  UnknownAuthorError
} from './errors.js'
import {
  decodeItem,
  encodeHeaderPrefix,
  type HeaderFields,
  ITEM_SIGNING_DOMAIN,
  MAX_ITEM_BYTES,
  nonceFromTag,
  NOTICE_REPLY,
  payloadTag,
  TAG_BYTES
} from './item.js'
import { NOTICE_STREAM } from './noticeStream.js'
import { rosterEntry } from './roster.js'
import { sha512 } from './scheme.js'
import type { FacilityId } from '../record/types.js'
import type { FacilityIdentity, RosterEntry, SignatureScheme, VerifiedRoster } from './types.js'

/** Largest notice payload: notices are small control messages, and every member stores every one. */
export const MAX_NOTICE_PAYLOAD = 4096
const NOTICE_TAG_DOMAIN = utf8Encode('pagdandi/notice/v1\0')

/** A notice as its opener reads it. */
export interface OpenedNotice {
  noticeType: number
  author: FacilityId
  recipient?: FacilityId
  rosterVersion: number
  payload: Uint8Array
}

function plainTag(prefix: Uint8Array, payload: Uint8Array, scheme?: SignatureScheme): Uint8Array {
  return sha512(concatBytes([NOTICE_TAG_DOMAIN, prefix, payload]), scheme).slice(0, TAG_BYTES)
}

/**
 * Seal a notice of `noticeType` (1-4). A reply (4) needs `recipient` and is boxed to it; the others
 * are signed plaintext.
 */
export function sealNotice(
  noticeType: number,
  payload: Uint8Array,
  author: FacilityIdentity,
  rosterVersion: number,
  scheme: SignatureScheme,
  recipient?: RosterEntry
): Uint8Array {
  if (payload.length < 1 || payload.length > MAX_NOTICE_PAYLOAD)
    throw new TypeError(`notice payload of ${payload.length} bytes`)
  const reply = noticeType === NOTICE_REPLY
  if (reply !== (recipient !== undefined)) throw new TypeError('a reply, and only a reply, names a recipient')
  const fields: HeaderFields = {
    kind: 'notice',
    noticeType,
    dictionaryVersion: 0,
    docId: NOTICE_STREAM,
    generation: 0,
    rosterVersion,
    author: author.facility,
    ...(recipient === undefined ? {} : { recipient: recipient.facility })
  }
  const prefix = encodeHeaderPrefix(fields)
  let tag: Uint8Array
  let body: Uint8Array
  if (recipient === undefined) {
    tag = plainTag(prefix, payload, scheme)
    body = payload
  } else {
    const shared = boxSharedKey(recipient.boxKey, author.box.secretKey)
    tag = payloadTag(shared, prefix, payload, scheme)
    body = nacl.box.after(payload, nonceFromTag(tag), shared)
  }
  const signed = concatBytes([prefix, tag, body])
  const item = concatBytes([signed, scheme.sign(concatBytes([ITEM_SIGNING_DOMAIN, signed]), author.signing.secretKey)])
  if (item.length > MAX_ITEM_BYTES) throw new ItemTooLargeError(`notice of ${item.length} bytes`)
  return item
}

/**
 * Read a notice whose signature was verified (`verifyItem`). A plain notice needs nothing else; a
 * reply opens only for its author or its recipient (`me`, with the roster naming the other side).
 * The tag must match the payload (`ItemMovedError`); a payload over the cap is `MalformedItemError`.
 */
export function openNotice(
  bytes: Uint8Array,
  me?: { identity: FacilityIdentity; roster: VerifiedRoster },
  scheme?: SignatureScheme
): OpenedNotice {
  const item = decodeItem(bytes)
  const h = item.header
  if (h.kind !== 'notice' || h.noticeType === undefined) throw new ItemMovedError('item is not a notice')
  const prefix = item.signed.subarray(0, h.headerLength - TAG_BYTES)
  let payload: Uint8Array
  if (h.noticeType !== NOTICE_REPLY) {
    payload = item.ciphertext
    if (!bytesEqual(plainTag(prefix, payload, scheme), h.payloadTag))
      throw new ItemMovedError('notice: payload not sealed for this header')
  } else {
    if (me === undefined) throw new UndecryptableItemError('a reply opens only for its author or recipient')
    const self = me.identity.facility
    const other = self === h.author ? h.recipient : self === h.recipient ? h.author : undefined
    if (other === undefined) throw new UndecryptableItemError(`reply is not addressed to ${self}`)
    const entry = rosterEntry(me.roster, other)
    if (entry === undefined) throw new UnknownAuthorError(`${other} has no box key in the roster`)
    const shared = boxSharedKey(entry.boxKey, me.identity.box.secretKey)
    const plain = nacl.box.open.after(item.ciphertext, nonceFromTag(h.payloadTag), shared)
    if (plain === null) throw new UndecryptableItemError('reply does not open')
    if (!bytesEqual(payloadTag(shared, prefix, plain, scheme), h.payloadTag))
      throw new ItemMovedError('reply: payload not sealed for this header')
    payload = plain
  }
  if (payload.length > MAX_NOTICE_PAYLOAD) throw new MalformedItemError(`notice payload of ${payload.length} bytes`)
  const out: OpenedNotice = {
    noticeType: h.noticeType,
    author: h.author,
    rosterVersion: h.rosterVersion,
    payload: payload.slice()
  }
  if (h.recipient !== undefined) out.recipient = h.recipient
  return out
}

/**
 * True for the item kinds that say who holds a document key (what access is computed from): grants,
 * rotations and the health card's items (card, card revocation, card grant).
 */
export function isAccessKind(kind: string): boolean {
  return (
    kind === 'grant' || kind === 'rotation' || kind === 'card' || kind === 'card-revocation' || kind === 'card-grant'
  )
}
