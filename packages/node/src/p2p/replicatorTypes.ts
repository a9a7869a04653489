/** What the replicator takes (`ReplicatorOptions`), reports (`PeerStatus`, `ReplicatorMetrics`) and emits. */
import type { SignatureScheme, VerifiedRoster } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import type {
  AdmitItems,
  Clock,
  Frame,
  ItemId,
  ItemStore,
  Random,
  RefusedItem,
  StoredItem,
  SyncSession
} from '@pagdandi/core/sync'
import type { AdmissionLimits } from './AdmissionBudget.js'
import type { InboundLimits } from './InboundGuard.js'
import type { CardChannel } from '../ports.js'

/** Options of `Replicator`. */
export interface ReplicatorOptions {
  store: ItemStore
  facility: FacilityId
  roster: VerifiedRoster
  signatures: SignatureScheme
  /** libp2p private key as protobuf bytes (`generatePeerKey`). */
  privateKey: Uint8Array
  listen: string[]
  /** Redial backoff; tests shorten it. */
  backoff?: { initialMs: number; maxMs: number }
  /**
   * Local routes (the data directory's `routes.json`): for a listed facility, dial these addresses
   * instead of the roster's; an empty list means never dial it (it may still dial us). A CHC that
   * can reach only its hub lists the other facilities with no address.
   */
  routes?: ReadonlyMap<string, readonly string[]>
  /** Content checks of received items before they are stored (the node's admission). */
  admit?: AdmitItems
  /** Stored items never to send (left out of their documents as bad: the node's bridge decides). */
  withhold?: (id: ItemId) => boolean
  /**
   * Verifies a roster a peer sent under the pinned authority and installs it (the node's roster
   * service, which calls `updateRoster` back); throws a named error for one it refuses.
   */
  adoptRoster?: (roster: Uint8Array) => Promise<VerifiedRoster>
  /** Serves the health card protocol (`/pagdandi/card/1.0.0`) to a member; omitted, it is not served. */
  serveCard?: (channel: CardChannel, from: FacilityId) => Promise<void>
  /** Time for dialling, backoff and `lastSeen`; the system clock by default. */
  clock?: Clock
  /** Chance for the redial jitter; `Math.random` by default. */
  random?: Random
  /** Limits of unauthenticated inbound sockets and the clock they run on; `INBOUND_LIMITS` and `clock` by default. */
  inbound?: { limits?: InboundLimits; clock?: Clock }
  /** What one member's refused items may cost per second and the clock it runs on; `ADMISSION_LIMITS` and `clock` by default. */
  admission?: { limits?: AdmissionLimits; clock?: Clock }
}

/** Replication state with one roster peer, for `pagdandi status` and the UI. */
export interface PeerStatus {
  facility: FacilityId
  connected: boolean
  /** Epoch ms of the last frame received from the peer, if any. */
  lastSeen?: number
  /**
   * Whether a sync session with this peer has reported since this process started; until one has,
   * nothing is known of what the peer acknowledged, and the counts are 0 only as placeholders.
   */
  heard: boolean
  itemsToSend: number
  /** Best estimate: the peer's last log position minus our cursor of it. */
  itemsToReceive: number
  /** The cursor we hold of the peer's log. */
  cursor: number
  /** Bytes held for the peer: unacknowledged batches plus read-ahead (capped by the send window). */
  bufferedBytes: number
  /** Its batches wait before admission: too many of its items were refused (AdmissionBudget.ts). */
  held?: boolean
}

/** Counters a test or an operator can read. */
export interface ReplicatorMetrics {
  /** Sync streams whose handler ran (inbound) or that were opened (outbound). */
  streams: number
  /** Connections refused by the gater. */
  refused: number
  framesIn: number
  framesOut: number
  bytesIn: number
  bytesOut: number
  /** Bytes of items inside batches sent. */
  itemBytesOut: number
  /** Dials started, and those that failed (each failure backs off). */
  dials: number
  dialsFailed: number
}

/** Events: `items` (StoredItem[], from), `peer` ({ facility, connected }), `session-error` ({ facility, error }). */
export interface ReplicatorEvents {
  items: [items: StoredItem[], from: FacilityId]
  /** Items of a batch refused without ending the session (skipped, so nothing blocks the stream). */
  refused: [items: RefusedItem[], from: FacilityId]
  peer: [event: { facility: FacilityId; connected: boolean }]
  'session-error': [event: { facility: FacilityId; error: Error }]
  /** Every frame received from a peer, as decoded: what a test or a trace inspects. */
  frame: [event: { facility: FacilityId; frame: Frame; bytes: number }]
}

/** What the replicator keeps of one roster peer (internal to `Replicator`). */
export interface PeerState {
  session?: SyncSession
  lastSeen?: number
  delay: number
  nextDial: number
  dialing: boolean
  /** A sync stream is being opened (protocol negotiation takes round trips on 2G). */
  opening: boolean
  last?: { itemsToSend: number; itemsToReceive: number; cursor: number }
}
