/**
 * The two things the repo bridge needs from the rest of the node, kept narrow so the bridge never
 * sees a key: a store of sealed items, and a sealer that holds the document keys.
 */
import type { ChangeProvenance, Compression } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'

/** An item as the store returns it: its bytes and its position in the local log. */
export interface StoredItemLike {
  seq: number
  bytes: Uint8Array
  /** The item's document and kind, where the store says (the item stores do). */
  docId?: string
  kind?: 'change' | 'access'
}

/** The subset of the `ItemStore` port (core/sync) that the bridge uses. */
export interface BridgeStore {
  /** One atomic durable batch; resolves only after it is on disk, with the newly stored items. */
  putItems(items: Uint8Array[]): Promise<StoredItemLike[]>
  logSince(seq: number, limit: number): Promise<StoredItemLike[]>
  itemsForDoc(docId: string): Promise<StoredItemLike[]>
}

/** What opening one item yielded. */
export type OpenedItem =
  /**
   * Plaintext Automerge changes (`saveSince` bytes) of a document this facility can read, the
   * facility that sealed them, and who made each change if the item says (attributed items).
   */
  | { kind: 'change'; docId: string; changes: Uint8Array; facility: string; provenance?: ChangeProvenance }
  /** A grant or rotation this facility could open: it now holds (another generation of) the key. */
  | { kind: 'key'; docId: string }
  /** A valid item this facility cannot read (carried for others), or one for another recipient. */
  | { kind: 'opaque'; docId: string | undefined }

/** Seals and opens items with the facility's document keys. Keys never leave it. */
export interface DocSealer {
  /** This facility's id, when the sealer has one: new documents' ids are bound to it (creatorId.ts). */
  readonly facility?: FacilityId
  /** Whether this facility holds a key for the document. */
  canOpen(docId: string): boolean
  /**
   * Makes a key for a new document if there is none, and returns the items that store it
   * durably for this facility (a grant to itself). Idempotent: the same bytes each call.
   */
  ensureKey(docId: string): Uint8Array[]
  /**
   * Seals plaintext Automerge changes as one change item under the current key generation; with
   * `provenance`, an attributed item naming who made each change.
   */
  sealChange(docId: string, changes: Uint8Array, provenance?: ChangeProvenance, compression?: Compression): Uint8Array
  /** The compression it seals with (`compression` above replaces it for one call). */
  readonly compression?: Compression
  /** Grants the document's current key to another facility; returns the grant item. */
  grant(docId: string, to: string): Uint8Array
  /** Verifies and, where it can, opens an item. Throws a named error for a forged or malformed one. */
  open(item: Uint8Array): OpenedItem
  /**
   * Settles which key of each rotated generation to seal with, given every stored item of the
   * document (concurrent rotations: the winner's). Returns true when the sealing key changed.
   */
  settle?(docId: string, items: Uint8Array[]): boolean
}
