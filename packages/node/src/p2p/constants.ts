/** Limits and timings of the libp2p replicator. Frame-level caps live in `@pagdandi/core/sync`. */
import { MAX_FRAME_BYTES, SEND_WINDOW_BYTES } from '@pagdandi/core/sync'

/** The one application protocol. The version changes only with an incompatible frame change. */
export const SYNC_PROTOCOL = '/pagdandi/sync/1.0.0'

/** `lpStream` maxDataLength: a length prefix above the frame cap aborts the stream before allocating. */
export const MAX_DATA_LENGTH = MAX_FRAME_BYTES

/**
 * Unread bytes buffered per stream (`lpStream` maxBufferSize): one maximal frame plus a full sender
 * window of batches plus slack for control frames. An honest peer never exceeds it (its window is
 * smaller); a peer that floods past it has its stream aborted. This is the per-peer memory cap.
 */
export const MAX_BUFFERED_BYTES = MAX_FRAME_BYTES + SEND_WINDOW_BYTES + 64 * 1024

/** Sync streams per connection and direction: one is used; two tolerates a replacement while the old one closes. */
export const MAX_STREAMS_PER_PEER = 2

/**
 * Redial backoff. The first retry after 1 s covers a peer that is restarting; doubling to 60 s keeps
 * a node that is offline for days from costing more than one dial a minute on a metered VSAT link.
 */
export const DEFAULT_BACKOFF = { initialMs: 1_000, maxMs: 60_000 }

/** How often the dialler looks at peers whose retry time has come. */
export const DIAL_TICK_MS = 250
