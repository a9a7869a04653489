/**
 * The simulated network's fault model, its observer and its options (`SimNetwork`).
 *
 * Fault model:
 * - delay: every frame takes a random time; frames of one stream stay in order, frames of different
 *   streams and links interleave freely;
 * - drop: a lost packet surfaces as a reset stream: both sessions close, frames in flight are lost;
 * - duplicate session: a second, concurrent session between the same pair (simultaneous dials);
 * - frame duplication and reordering inside a stream, as a broken transport would do them: the
 *   sessions must notice (a named error, a closed stream) and stay safe;
 * - partitions, also asymmetric: a direction of a link goes down and its frames are lost while the
 *   other direction still delivers; the sessions reset when the dead direction times out (the
 *   connection monitor's ping), and no connection opens until both directions are up;
 * - crashes: a node goes down (sessions reset) and restarts later; a crash may fall inside a store
 *   write, which is then lost or applied whole; a write may fail with an I/O error, after which the
 *   store refuses writes until the node restarts;
 * - restores: a node restarts from an old backup of its store (same identity, same epoch);
 * - revocation: a facility is cut off by every node at once and never connects again.
 */
import type { Frame } from '../sync/frames.js'
import type { Entitlement, InspectItem, ItemStore, PutOptions, StoredItem, VerifyItem } from '../sync/types.js'
import type { FacilityId } from '../record/types.js'
import type { Prng } from './prng.js'
import type { SimStore } from './SimStore.js'

/** Fault rates and timings of a simulated network (probabilities per frame, connection or write). */
export interface SimFaults {
  /** A frame is lost, which resets its stream. */
  drop: number
  /** A new connection is accompanied by a duplicate concurrent session. */
  duplicate: number
  /** A frame is delivered twice (a broken transport). */
  frameDuplicate: number
  /** A frame may overtake the frames sent before it on its stream (a broken transport). */
  frameReorder: number
  /** A store write is where the process dies. */
  crashInWrite: number
  /** A store write fails with an I/O error. */
  writeError: number
  /** Frame delay range in virtual milliseconds. */
  minDelay: number
  maxDelay: number
}

/** No faults at all: what the network heals to. */
export const CALM: SimFaults = {
  drop: 0,
  duplicate: 0,
  frameDuplicate: 0,
  frameReorder: 0,
  crashInWrite: 0,
  writeError: 0,
  minDelay: 5,
  maxDelay: 200
}

/** How long a dead direction goes unnoticed before the connection monitor resets the link. */
export const DEAD_LINK_MS = 120_000

/** One node as the observer sees it. */
export interface SimNodeView {
  facility: FacilityId
  store: SimStore
}

/** Sees every frame sent and every durable write, to judge invariants while the run goes on. */
export interface SimObserver {
  /** `from` is about to send `frame` to `to` on session pair `pair`. */
  sent(from: SimNodeView, to: SimNodeView, pair: number, frame: Frame): void
  /** A write at `node` completed durably. */
  stored(node: SimNodeView, options: PutOptions, fresh: StoredItem[]): void
}

/** Options of a simulated network. */
export interface SimNetworkOptions {
  seed: number
  faults: SimFaults
  inspect: InspectItem
  verify: VerifyItem
  /** The entitlement a node's sessions use, computed from that node's own store. */
  entitlement: (node: SimNodeView) => Entitlement
  observer?: SimObserver
  /** Items a node newly stored from a peer (the node layer applies them; the run waits for it). */
  onItems?: (node: SimNodeView, items: StoredItem[]) => void | Promise<void>
  /** A node's session ended with an error (the node layer drops what it cached, as the replicator does). */
  onSessionError?: (node: SimNodeView, error: Error) => void
  /** A node's process starts again after a crash or restore (the node layer rebuilds from its store). */
  onRestart?: (node: SimNodeView) => void | Promise<void>
  /**
   * What the sessions of a node see as its store: the node's `SimStore` itself, or a decorator
   * around it (a test plants a faulty store here; the checker still judges the `SimStore` beneath).
   */
  storeFor?: (facility: FacilityId, store: SimStore) => ItemStore
}

/** A random payload of `n` bytes from `prng` (distinct items for a simulation). */
export function randomPayload(prng: Prng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => prng.int(0, 255))
}
