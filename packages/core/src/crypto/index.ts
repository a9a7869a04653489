/**
 * @pagdandi/core/crypto: facility identities, the signed roster, document keys and grants, sealed
 * items. Pure and isomorphic (tweetnacl + fflate, no I/O; signatures and compression are ports the node may replace). Byte formats: docs/PROTOCOL.md.
 */
export type * from './types.js'
export * from './errors.js'
export { tweetnaclScheme, sha512, randomBytes } from './scheme.js'
export { generateIdentity, identityFromSecrets } from './identity.js'
export { Keyring, encodeKeyring, decodeKeyring, KEYRING_FORMAT_VERSION } from './keyring.js'
export {
  encodeRosterBody,
  signRoster,
  decodeRoster,
  verifyRoster,
  acceptRoster,
  addToRoster,
  revokeFromRoster,
  compareRosters,
  rosterEntry,
  revokedAt,
  ROSTER_FORMAT_VERSION,
  MAX_ROSTER_BYTES
} from './roster.js'
export { newDocumentKey, MAX_DOC_ID_BYTES } from './keys.js'
export { sealChange, sealGrant, sealRotation } from './seal.js'
export type { ChangeProvenance } from './provenance.js'
export { encodeProvenance, decodeProvenance, PROVENANCE_VERSION, MAX_AUTHORS, MAX_CHANGES } from './provenance.js'
export {
  decodeItemHeader,
  decodeItem,
  itemId,
  encodeHeaderPrefix,
  nonceFromTag,
  payloadTag,
  ITEM_SIGNING_DOMAIN,
  CARD_KEY_BYTES,
  CARD_PROOF_BYTES,
  ITEM_FORMAT_VERSION,
  MAX_ITEM_BYTES
} from './item.js'
export type { HeaderFields } from './item.js'
export { verifyItem, openItem, openGrant, openGrantWithTerms, cardGrantMessage } from './open.js'
export { sealNotice, openNotice, isAccessKind, MAX_NOTICE_PAYLOAD, type OpenedNotice } from './notice.js'
export { NOTICE_STREAM } from './noticeStream.js'
export { accessFirstCreator, computeAccess, mayGrant, currentHolders, isEntitled } from './access.js'
export {
  MAX_CHANGE_BYTES,
  MAX_INFLATE_RATIO,
  INFLATE_SLACK_BYTES,
  inflateBound,
  CURRENT_DICTIONARY_VERSION,
  MAX_DICTIONARY_VERSION,
  DEFLATE_LEVEL,
  fflateCompression
} from './compress.js'
export { documentIdFromBytes, documentIdToBytes, isDocumentId, DOC_ID_BYTES } from './docId.js'
export { boundCreator, creatorBoundId, creatorBoundIdBytes, isBoundTo } from './creatorId.js'
export { DICTIONARY_V1 } from './dictionary-v1.js'
export { isHfrId } from '../bytes.js'
