/**
 * @pagdandi/core/crypto: facility identities, the signed roster, document keys and grants, sealed
 * items. Pure and isomorphic (tweetnacl + fflate, no I/O). Byte formats: docs/PROTOCOL.md.
 */
import type { FacilityId, PatientId } from '../record/types.js'
import type {
  DecodedItem, DocumentAccess, DocumentKey, FacilityIdentity, HeaderWithId, ItemContext, ItemHeader, ItemId,
  OpenedItem, RosterBody, RosterEntry, SignatureScheme, VerifiedRoster
} from './types.js'

export type * from './types.js'
export * from './errors.js'

// --- API contract; implementations land in the files named on each line. ---

/** tweetnacl Ed25519 scheme (isomorphic; verify ≈ 6 ms). (scheme.ts) */
export declare const tweetnaclScheme: SignatureScheme
/** 32 random bytes from nacl.randomBytes. (keys.ts) */
export declare function randomBytes (n: number): Uint8Array

/** New identity with fresh Ed25519 and X25519 key pairs. (identity.ts) */
export declare function generateIdentity (facility: FacilityId): FacilityIdentity
/** Identity from a 32-byte Ed25519 seed and a 32-byte X25519 secret (deterministic tests). (identity.ts) */
export declare function identityFromSecrets (facility: FacilityId, signingSeed: Uint8Array, boxSecret: Uint8Array): FacilityIdentity

/** In-memory keyring: the facility identity and every document key generation it holds. (keyring.ts) */
export declare class Keyring {
  readonly identity: FacilityIdentity
  constructor (identity: FacilityIdentity)
  put (key: DocumentKey): void
  get (docId: PatientId, generation: number): DocumentKey | undefined
  latest (docId: PatientId): DocumentKey | undefined
  generations (docId: PatientId): number[]
  documents (): PatientId[]
  /** Crypto-shredding: zero and forget every generation of the document's key. Returns how many. */
  erase (docId: PatientId): number
}
/** Plaintext keyring bytes; only ever written to disk encrypted (node: sealKeyring). (keyring.ts) */
export declare function encodeKeyring (keyring: Keyring): Uint8Array
/** Decode plaintext keyring bytes; MalformedItemError / UnsupportedVersionError. (keyring.ts) */
export declare function decodeKeyring (bytes: Uint8Array): Keyring

/** Canonical bytes of a roster body (what the authority signs). (roster.ts) */
export declare function encodeRosterBody (body: RosterBody): Uint8Array
/** Sign a roster body with the authority's 64-byte secret key; returns the signed roster bytes. (roster.ts) */
export declare function signRoster (body: RosterBody, authoritySecretKey: Uint8Array, scheme: SignatureScheme): Uint8Array
/** Decode and verify signed roster bytes against the expected authority key. (roster.ts) */
export declare function verifyRoster (bytes: Uint8Array, authorityKey: Uint8Array, scheme: SignatureScheme): VerifiedRoster
/** Accept `incoming` if newer than `current`; RosterRollbackError if older or a same-version fork. (roster.ts) */
export declare function acceptRoster (current: VerifiedRoster | undefined, incoming: Uint8Array, authorityKey: Uint8Array, scheme: SignatureScheme): VerifiedRoster
/** Next version with `entry` added (RosterUpdateError if present or revoked). (roster.ts) */
export declare function addToRoster (body: RosterBody, entry: RosterEntry): RosterBody
/** Next version with `facility` removed and revoked at that version. (roster.ts) */
export declare function revokeFromRoster (body: RosterBody, facility: FacilityId): RosterBody
/** Order two rosters by version: negative, 0 or positive. (roster.ts) */
export declare function compareRosters (a: RosterBody, b: RosterBody): number
/** The roster entry of a facility, if a current member. (roster.ts) */
export declare function rosterEntry (roster: VerifiedRoster | RosterBody, facility: FacilityId): RosterEntry | undefined
/** The version at which a facility was revoked, if it was. (roster.ts) */
export declare function revokedAt (roster: VerifiedRoster | RosterBody, facility: FacilityId): number | undefined

/** A fresh random key for a document generation. (keys.ts) */
export declare function newDocumentKey (docId: PatientId, generation: number): DocumentKey

/** Seal Automerge change bytes for a document (compressed with dictionary v1). (seal.ts) */
export declare function sealChange (change: Uint8Array, key: DocumentKey, author: FacilityIdentity, rosterVersion: number, scheme: SignatureScheme): Uint8Array
/** Seal a key generation to one recipient (box), signed by the granter. (seal.ts) */
export declare function sealGrant (key: DocumentKey, granter: FacilityIdentity, recipient: RosterEntry, rosterVersion: number, scheme: SignatureScheme): Uint8Array
/** Seal a rotation: the new generation carries every earlier generation's key. (seal.ts) */
export declare function sealRotation (newKey: DocumentKey, previous: DocumentKey[], author: FacilityIdentity, rosterVersion: number, scheme: SignatureScheme): Uint8Array
/** Structural decode only (what a carrier can read); MalformedItemError / UnsupportedVersionError. (item.ts) */
export declare function decodeItemHeader (bytes: Uint8Array): ItemHeader
/** Structural decode of the whole item. (item.ts) */
export declare function decodeItem (bytes: Uint8Array): DecodedItem
/** Verify signature and author standing against the roster; returns the header. (open.ts) */
export declare function verifyItem (bytes: Uint8Array, roster: VerifiedRoster, scheme: SignatureScheme): ItemHeader
/** Open a change or rotation with its document key generation; ItemMovedError if it belongs elsewhere. (open.ts) */
export declare function openItem (bytes: Uint8Array, key: DocumentKey, expected?: ItemContext): OpenedItem
/** Open a grant addressed to `recipient` (granter's box key from the roster); yields the key generation. (open.ts) */
export declare function openGrant (bytes: Uint8Array, recipient: FacilityIdentity, roster: VerifiedRoster, expected?: ItemContext): DocumentKey
/** Content address of an item. (item.ts) */
export declare function itemId (bytes: Uint8Array, scheme?: SignatureScheme): ItemId

/** Who holds which generation, from a document's grant/rotation headers (order-independent). (access.ts) */
export declare function computeAccess (docId: PatientId, items: HeaderWithId[]): DocumentAccess
/** True if `facility` may grant generation `generation` of the document. (access.ts) */
export declare function mayGrant (access: DocumentAccess, facility: FacilityId, generation: number): boolean
/** Entitlement: the facility holds a generation, or carries for one that does. (access.ts) */
export declare function isEntitled (access: DocumentAccess, roster: VerifiedRoster, facility: FacilityId): boolean
