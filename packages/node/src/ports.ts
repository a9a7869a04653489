/**
 * What the composition root needs from the replication engineer's store and replicator, kept to
 * the calls it makes so that either can evolve behind it.
 */
import type { VerifiedRoster } from '@pagdandi/core/crypto'
import type { PatientId } from '@pagdandi/core/record'
import type { ItemStore } from '@pagdandi/core/sync'
import type { StoredItemLike } from './repo/ports.js'

/** The item store as the node uses it: the sync `ItemStore` port plus closing and a small key/value. */
export interface NodeStore extends ItemStore {
  close(): Promise<void>
  /** Small durable key/value for the node's bookkeeping (LevelItemStore's `kv`). */
  getMeta?(key: string): Promise<Uint8Array | undefined>
  putMeta?(key: string, value: Uint8Array): Promise<void>
  /** Deletes every item of a document, records it as erased and refuses its items from then on. */
  eraseDoc?(docId: PatientId): Promise<number>
  /** Documents erased in this store. */
  erasedDocs?(): Promise<string[]>
}

/** One peer as the replicator reports it. */
export interface ReplicatorPeer {
  facility: string
  connected: boolean
  /** Epoch ms of the last frame from this peer. */
  lastSeen?: number | undefined
  /** Items of ours the peer is entitled to and has not acknowledged. */
  itemsToSend?: number | undefined
  /** Items the peer has announced that we lack, when known. */
  itemsToReceive?: number | undefined
  /** Highest seq of our log the peer has durably acknowledged, when the replicator reports it. */
  ackedSeq?: number | undefined
}

/** The libp2p replicator as the node uses it. */
export interface ReplicatorLike {
  start(): Promise<void>
  stop(): Promise<void>
  updateRoster(roster: VerifiedRoster): void | Promise<void>
  /**
   * Items were stored locally: push them. Pass the newly stored items, so that a grant among them
   * refreshes who is entitled before the log is read past it; none means "re-check everything".
   */
  notifyLocalItems(items?: readonly { bytes: Uint8Array }[]): void
  status(): ReplicatorPeer[] | Promise<ReplicatorPeer[]>
  on(event: 'items', listener: (items: StoredItemLike[]) => void): unknown
  /** A sync session with a peer ended with an error (logged for district IT; never patient data). */
  on(event: 'session-error', listener: (e: { facility: string; error: Error }) => void): unknown
  /** A sync session with a peer opened or closed. */
  on(event: 'peer', listener: (e: { facility: string; connected: boolean }) => void): unknown
  /** Transfer counters since start (frames, bytes), when the replicator keeps them. */
  metrics?(): Record<string, number>
}
