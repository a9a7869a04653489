/**
 * Ports and value types of sync: the item store, how a store reads an item's header, and entitlement.
 * The node supplies LevelDB and libp2p implementations; core supplies in-memory ones for tests.
 */
import type { FacilityId, PatientId } from '../record/types.js'

/** Content address of a sealed item (the crypto module's `itemId`), printable ASCII. */
export type ItemId = string & { readonly __brand: 'ItemId' }

/** What sync needs to know about an item without opening it: what a carrier can read. */
export interface ItemHeaderView {
  /** Content address of the whole item. */
  id: ItemId
  /** Document the item belongs to. */
  docId: PatientId
  /** Facility that signed it. */
  author: FacilityId
  /** `access` for items that change who holds the document key (grants, rotations). */
  kind: 'change' | 'access'
  /** For a grant item: the facility it grants the document key to. */
  grantRecipient?: FacilityId
}

/**
 * Structural decode of an item (no signature check). Throws a named error on malformed bytes.
 * The node passes the crypto module's `decodeItemHeader` + `itemId` here.
 */
export type InspectItem = (bytes: Uint8Array) => ItemHeaderView

/** An item as the store holds it: its bytes, header and place in the local log. */
export interface StoredItem extends ItemHeaderView {
  /** Sequence number in this node's append-only log, from 1. */
  seq: number
  bytes: Uint8Array
  /**
   * The peer this node first received the item from in a batch whose cursor mark it stored with it
   * (the peer's log then held the item at or below that mark); not echoed back to that peer. Absent
   * for local writes and for items received without a mark, which go back to the peer in case it
   * lost them in a restore (docs/PROTOCOL.md, catch-up).
   */
  from?: FacilityId
}

/**
 * The cursor a node holds of a peer: the last sequence number of the peer's log that it has durably
 * stored, with the peer's token for that position so the peer can tell a stale cursor (see
 * `cursorToken`).
 */
export interface Cursor {
  seq: number
  token: Uint8Array
}

/** Per-document summary used by repair: the fingerprint of the document's item-id set. */
export interface DocSummary {
  docId: PatientId
  /** XOR of `itemFingerprint(id)` over the document's items. */
  fp: Uint8Array
  count: number
}

/** Options of `ItemStore.putItems`. */
export interface PutOptions {
  /** Write this cursor in the same atomic batch as the items, so it never points past them. */
  cursor?: { peer: FacilityId; cursor: Cursor }
  /** The peer the items came from (recorded with each new item). */
  from?: FacilityId
}

/**
 * Durable store of sealed items, the local log and per-peer cursors. Implementations must pass the
 * conformance suite in `@pagdandi/core/testing` (`itemStoreConformance`).
 */
export interface ItemStore {
  /** Store items in one atomic durable batch; returns only the newly stored ones, in log order. */
  putItems(items: Uint8Array[], options?: PutOptions): Promise<StoredItem[]>
  /** Which of these ids are stored. */
  hasItems(ids: ItemId[]): Promise<boolean[]>
  /** Log entries with seq > `seq`, in order, at most `limit`. */
  logSince(seq: number, limit: number): Promise<StoredItem[]>
  /** Every stored item of one document, in log order. */
  itemsForDoc(docId: PatientId): Promise<StoredItem[]>
  /** Highest sequence number in the log; 0 when empty. */
  lastSeq(): Promise<number>
  /** Random id of this log, fixed when the store is created (a restored or recreated store differs). */
  epoch(): Promise<Uint8Array>
  /**
   * The log's digest through position `seq` (`logChain` over every position from 1 in order), kept
   * as each position is written; undefined for 0 and for a position the store records none for.
   * Cursor tokens bind it (`cursorToken`).
   */
  logDigest(seq: number): Promise<Uint8Array | undefined>
  /** The cursor this node holds of `peer`'s log. */
  getCursor(peer: FacilityId): Promise<Cursor | undefined>
  /** Durably record the cursor this node holds of `peer`'s log. */
  setCursor(peer: FacilityId, cursor: Cursor): Promise<void>
  /** The document's access items (grants, rotations) in log order: what entitlement is computed from. */
  accessItems(docId: PatientId): Promise<StoredItem[]>
  /** Summaries of every stored document, sorted by document id (code-unit order). */
  docSummaries(): Promise<DocSummary[]>
}

/**
 * Whether `peer` may receive `docId`'s items or learn its id: it holds a grant for the document, or
 * the roster names it carrier of a facility that does. Supplied by the node.
 */
export type Entitlement = (peer: FacilityId, docId: PatientId) => Promise<boolean>

/**
 * Checks an item against the roster (author standing and signature): undefined when it verifies,
 * else the named error that refuses it. Supplied by the node.
 */
export type VerifyItem = (bytes: Uint8Array) => Error | undefined

/** Content checks of verified items, in order: per item the error that refuses it, or undefined. */
export type AdmitItems = (items: Uint8Array[]) => Promise<(Error | undefined)[]>

/** A received item refused without ending its session, with the reason. */
export interface RefusedItem {
  bytes: Uint8Array
  error: Error
}
