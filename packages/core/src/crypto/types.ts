import type { FacilityId, FacilityKind, PatientId } from '../record/types.js'
import type { ChangeProvenance } from './provenance.js'

/** Public types of core/crypto. Byte formats are in docs/PROTOCOL.md, section "Items and keys". */

/**
 * The signer/verifier port (docs/design/0003-signatures.md). Core ships `tweetnaclScheme`; the node
 * injects a `node:crypto` one. Both produce and accept the same Ed25519 bytes (RFC 8032).
 */
export interface SignatureScheme {
  /** Detached Ed25519 signature (64 bytes) with a tweetnacl-layout secret key (seed ‖ public key, 64 bytes). */
  sign(message: Uint8Array, secretKey64: Uint8Array): Uint8Array
  /** True when `signature` is a valid Ed25519 signature of `message` under `publicKey32`. */
  verify(message: Uint8Array, signature: Uint8Array, publicKey32: Uint8Array): boolean
  /** Optional faster SHA-512 (same output as nacl.hash); used for item ids and payload tags. */
  sha512?(data: Uint8Array): Uint8Array
}

/**
 * The compression port (docs/design/0003-signatures.md, "Compression"): raw DEFLATE (RFC 1951)
 * with an optional preset dictionary. Core ships `fflateCompression`; the node injects a
 * `node:zlib` one. Any implementation must inflate every other one's output to the same bytes;
 * the compressed bytes themselves may differ (DEFLATE output is not canonical).
 */
export interface Compression {
  /** Raw DEFLATE of `raw`, using `dictionary` (at most 32 KiB) as the preset window when given. */
  deflate(raw: Uint8Array, dictionary: Uint8Array | undefined): Uint8Array
  /**
   * Inverse of deflate. Throws (any error) on an invalid stream, and when the output would exceed
   * `maxOut` bytes: never allocates more than about `maxOut` (the decompression-bomb guard).
   */
  inflate(compressed: Uint8Array, dictionary: Uint8Array | undefined, maxOut: number): Uint8Array
}

/** Content address of an item: the first 32 bytes of SHA-512 of the whole item, lower-case hex. */
export type ItemId = string & { readonly __brand: 'ItemId' }

/** A facility's own key pairs: Ed25519 for signing, X25519 for `box`. Secret: lives only in the keyring. */
export interface FacilityIdentity {
  facility: FacilityId
  /** Ed25519: publicKey 32 bytes, secretKey 64 bytes (tweetnacl layout: seed ‖ publicKey). */
  signing: { publicKey: Uint8Array; secretKey: Uint8Array }
  /** X25519: publicKey 32 bytes, secretKey 32 bytes. */
  box: { publicKey: Uint8Array; secretKey: Uint8Array }
}

/** One member facility in the roster. */
export interface RosterEntry {
  /** HFR id; the crypto formats require the form `IN` + 10 digits. */
  facility: FacilityId
  name: string
  kind: FacilityKind
  district: string
  /** Ed25519 public key, 32 bytes. */
  signingKey: Uint8Array
  /** X25519 public key, 32 bytes. */
  boxKey: Uint8Array
  /** libp2p peer id string (e.g. `12D3Koo…`). */
  peerId: string
  /** Multiaddrs to dial. */
  addresses: string[]
  /** Facilities this one carries items for (a hub, e.g. a DH for its CHCs). */
  carriesFor: FacilityId[]
}

/** A facility removed from the network at roster `version` (items claiming `version` or later are rejected). */
export interface Revocation {
  facility: FacilityId
  atVersion: number
  /** Its Ed25519 key, kept so that items it sealed before `atVersion` still verify. */
  signingKey: Uint8Array
}

/** The signed content of a roster. */
export interface RosterBody {
  /** Network name, e.g. `bastar`; a roster for another network is never accepted. */
  network: string
  /** Monotonic; a newer roster replaces an older one, an older one is never accepted back. */
  version: number
  /** Sorted by facility id in the encoding. Revoked facilities are removed from entries. */
  entries: RosterEntry[]
  /** Sorted by facility id in the encoding. */
  revocations: Revocation[]
}

/** A roster whose authority signature has been checked. */
export interface VerifiedRoster {
  body: RosterBody
  /** Ed25519 public key of the network authority that signed it. */
  authorityKey: Uint8Array
  /** The exact signed bytes, to store or forward unchanged. */
  bytes: Uint8Array
}

/** One generation of a document's secretbox key. */
export interface DocumentKey {
  docId: PatientId
  generation: number
  /** 32 random bytes. */
  key: Uint8Array
}

/** Kind of sealed item (named by byte 0 of the item). */
export type ItemKind = 'change' | 'grant' | 'rotation' | 'notice' | 'card' | 'card-revocation' | 'card-grant'

/**
 * The clear card fields of a card item (`key`, `notBefore`, `notAfter`), a card revocation (`key`)
 * or a card grant (`key`, `at`, `proof`), readable by carriers so that they can judge a card proof
 * and entitlement without any document key (docs/PROTOCOL.md, "Health card"; `core/card`).
 */
export interface CardFields {
  /** The card's Ed25519 public key (32 bytes): the card's id. */
  key: Uint8Array
  /** Card items: valid from (Unix seconds, inclusive). */
  notBefore?: number
  /** Card items: valid until (Unix seconds, inclusive). */
  notAfter?: number
  /** Card grants: when the grant was made (Unix seconds, signed by the card). */
  at?: number
  /** Card grants: the card key's Ed25519 signature over the grant (crypto/open.ts, `cardGrantMessage`). */
  proof?: Uint8Array
}

/** What anyone, including a carrier, can read from an item without keys. */
export interface ItemHeader {
  /** Always 2 (items of other versions are refused). */
  formatVersion: 2
  kind: ItemKind
  /** Compression dictionary of the payload; 0 = none (grants, rotations). */
  dictionaryVersion: number
  docId: PatientId
  generation: number
  /** Roster version the author held when sealing; revocation is judged against it. */
  rosterVersion: number
  author: FacilityId
  /** Grants only: the facility the key generation is sealed to. */
  recipient?: FacilityId
  /** Card items, card revocations and card grants only (a card grant's recipient is its author). */
  card?: CardFields
  /** Changes only: the sealed payload also names who made each change (docs/PROTOCOL.md, provenance). */
  attributed?: true
  /** Grants only: the boxed payload also carries consent terms (type `0x23`, core/consent). */
  consent?: true
  /** Notices only: the notice type, 1-4 (type byte `0x50` + n, crypto/notice.ts). */
  noticeType?: number
  /** Keyed payload tag (16 bytes); also the secretbox/box nonce prefix. */
  payloadTag: Uint8Array
  /** Length of the header in bytes; the ciphertext follows it. */
  headerLength: number
}

/** A decoded item: its header and where its ciphertext and signature are. */
export interface DecodedItem {
  header: ItemHeader
  ciphertext: Uint8Array
  signature: Uint8Array
  /** The bytes the author signed (domain prefix excluded): header ‖ ciphertext. */
  signed: Uint8Array
}

/** Context an item must belong to when it is opened. */
export interface ItemContext {
  docId: PatientId
  generation?: number
}

/** What opening an item yields, by kind. */
export type OpenedItem =
  | { kind: 'change'; header: ItemHeader; change: Uint8Array; provenance?: ChangeProvenance }
  | { kind: 'grant'; header: ItemHeader; key: DocumentKey }
  | { kind: 'rotation'; header: ItemHeader; previous: DocumentKey[] }
  | { kind: 'card-revocation'; header: ItemHeader }

/** An item header together with its id, as the access computation needs it. */
export interface HeaderWithId {
  id: ItemId
  header: ItemHeader
}

/** Who holds which generation of one document, computed from its grant and rotation items. */
export interface DocumentAccess {
  docId: PatientId
  /** The facility whose self-grant of generation 0 created the document. */
  creator: FacilityId | undefined
  /** Facilities holding each generation (by valid grant). */
  holders: Map<number, Set<FacilityId>>
  /** The highest generation with a valid rotation (or 0). */
  latestGeneration: number
  /** Grants and rotations that were not admitted, with the reason (e.g. an unauthorised granter). */
  rejected: Array<{ id: ItemId; reason: 'unauthorised' | 'superseded' }>
  /** Health cards sealed by a holder of their generation, by card key (lower-case hex). */
  cards: Map<string, CardStanding>
}

/** A health card as the access computation sees it (docs/PROTOCOL.md, "Health card"). */
export interface CardStanding {
  /** The card item's id. */
  id: ItemId
  generation: number
  author: FacilityId
  notBefore: number
  notAfter: number
  /** A holder revoked it: it entitles nobody any more, and a carrier refuses its proof. */
  revoked: boolean
}
