/**
 * What the composition root needs from the store, the replicator and the document bridge, kept to
 * the calls it makes so that each can evolve behind it.
 */
import type { StoreFaultedError } from './store/errors.js'
import type { Keyring, VerifiedRoster } from '@pagdandi/core/crypto'
import type { SyncTraffic } from '@pagdandi/core/api'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import type { ItemStore, RefusedItem, StoredItem } from '@pagdandi/core/sync'
import type { DocBridge } from './repo/DocBridge.js'

/** The item store as the node uses it: the sync `ItemStore` port plus closing and a small key/value. */
export interface NodeStore extends ItemStore {
  close(): Promise<void>
  /** Small durable key/value for the node's bookkeeping (LevelItemStore's `kv`). */
  getKv?(key: string): Promise<Uint8Array | undefined>
  putKv?(key: string, value: Uint8Array): Promise<void>
  /** Several values in one durable batch. */
  putKvs?(entries: readonly (readonly [string, Uint8Array])[]): Promise<void>
  /** Deletes every item of a document, records it as erased and refuses its items from then on. */
  eraseDoc?(docId: PatientId): Promise<number>
  /** Documents erased in this store. */
  erasedDocs?(): Promise<string[]>
  /** Why the store refuses writes (a write failed since it was opened), if it does. */
  fault?(): StoreFaultedError | undefined
  /**
   * Another write of the data directory failed (the audit log's, on the same disk): refuse writes
   * from now on as if this store's own had failed, and answer the fault.
   */
  latch?(cause: unknown): StoreFaultedError
  /** The persisted document index (repo/DocIndex.ts); a store without it rebuilds at every start. */
  indexEntries?(): AsyncIterable<[string, Uint8Array]>
  writeIndex?(puts: [string, Uint8Array][], dels: string[], clear?: boolean): Promise<void>
}

/** One peer as the replicator reports it. */
export interface ReplicatorPeer {
  facility: FacilityId
  connected: boolean
  /** Epoch ms of the last frame from this peer. */
  lastSeen?: number
  /** Whether a sync session with this peer has reported since this process started (else the counts are not known). */
  heard?: boolean
  /** Items of ours the peer is entitled to and has not acknowledged. */
  itemsToSend: number
  /** Items the peer has announced that we lack. */
  itemsToReceive: number
  /** Its batches wait before admission: too many of its items were refused (AdmissionBudget.ts). */
  held?: boolean
}

/** The replicator as the node uses it; `p2p/Replicator` implements it (checked in cli/replicatorFactory.ts). */
/** One stream of the card protocol: length-prefixed frames each way (p2p/cardStream.ts). */
export interface CardChannel {
  read(): Promise<Uint8Array>
  write(bytes: Uint8Array): Promise<void>
  close(): void
}

export interface ReplicatorPort {
  start(): Promise<void>
  stop(): Promise<void>
  updateRoster(roster: VerifiedRoster): void | Promise<void>
  /**
   * Items were stored locally: push them. Pass the newly stored items, so that a grant among them
   * refreshes who is entitled before the log is read past it; none means "re-check everything".
   */
  notifyLocalItems(items?: readonly { bytes: Uint8Array }[]): void
  status(): ReplicatorPeer[]
  /** Items received from a peer, already stored. */
  on(event: 'items', listener: (items: StoredItem[], from: FacilityId) => void): unknown
  /** A sync session with a peer ended with an error (logged for district IT; never patient data). */
  on(event: 'session-error', listener: (e: { facility: FacilityId; error: Error }) => void): unknown
  /** Received items refused without ending the session (content, format or roster), with who sent them. */
  on(event: 'refused', listener: (items: RefusedItem[], from: FacilityId) => void): unknown
  /** A sync session with a peer opened or closed. */
  on(event: 'peer', listener: (e: { facility: FacilityId; connected: boolean }) => void): unknown
  /** Transfer counters since start. */
  metrics(): SyncTraffic
  /** Opens a health-card stream to a member (absent: this replicator cannot). */
  openCard?(facility: FacilityId): Promise<CardChannel>
}

/** The node's documents as tests, the demo and the CLI read them (the bridge to sealed items). */
export type Documents = Pick<
  DocBridge,
  'open' | 'doc' | 'docIds' | 'change' | 'durableHeads' | 'applyReceived' | 'stats' | 'residency'
>

/**
 * The document keys this node holds in memory, read-only: what rotation (Invariant 7) and erasure
 * (SPEC I7.n3) change, for the tests that prove it. Keys stay in memory; nothing here writes one.
 */
export type KeyringView = Pick<Keyring, 'get' | 'latest' | 'generations'>
