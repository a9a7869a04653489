/** Limits and timings of the libp2p replicator. Frame-level caps live in `@pagdandi/core/sync`. */
import { MAX_FRAME_BYTES, SEND_WINDOW_BYTES } from '@pagdandi/core/sync'

/** The application protocol as first deployed: frames 1-9. */
export const SYNC_PROTOCOL = '/pagdandi/sync/1.0.0'

/**
 * Protocol 1.1 adds the roster frame (type 10), so rosters travel between nodes. Offered first when
 * dialling; a 1.0-only peer answers with 1.0 (multistream-select) and the session runs without it.
 */
export const SYNC_PROTOCOL_1_1 = '/pagdandi/sync/1.1.0'

/** Every protocol version this node speaks, newest first (the dialler's offer). */
export const SYNC_PROTOCOLS = [SYNC_PROTOCOL_1_1, SYNC_PROTOCOL]

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

/**
 * libp2p's connection monitor pings every connection and aborts it when a ping times out. Its
 * default timeout (5-60 s, adaptive) is shorter than the queueing delay of a full send window on
 * the links Pagdandi is for: 192 KiB queued behind a 200 kbit/s EDGE link takes about 8 s to drain,
 * behind a 64 kbit/s 2G-over-VSAT link about 25 s, and a ping waits behind it. Aborting then throws
 * away the unacknowledged window and starts over, so a slow link never finished a catch-up. A dead
 * link is still detected: a ping that gets no answer within two minutes closes the connection, and
 * the dialler reconnects when the link returns.
 */
export const CONNECTION_MONITOR = {
  pingInterval: 30_000,
  pingTimeout: { minTimeout: 120_000, maxTimeout: 300_000 },
  abortConnectionOnPingFailure: true
}

/**
 * Connection set-up timeouts, for 2G via VSAT. Opening a connection takes about six round trips
 * (WebSocket upgrade, multistream, Noise XX, yamux, identify): at lwe-2g-vsat's 1.4 ± 0.2 s RTT and
 * 3% loss that is 8–12 s, and a lost segment adds a retransmission stall. libp2p's defaults (6 s per
 * address, 10 s per dial and per inbound upgrade, 10 s per protocol negotiation) give up first, and
 * the node would redial forever without ever connecting. Inbound, the whole set-up must end within
 * `INBOUND_LIMITS.preAuthMs` (30 s, about three times the 2G figure), which libp2p's inbound upgrade
 * timeout matches; the limits of unauthenticated sockets are `INBOUND_LIMITS` (InboundGuard.ts).
 * libp2p's own pending-connection limit (default 10, which ten silent sockets filled) is raised to
 * the guard's pool, and the guard enforces it per address.
 */
export const CONNECTION_TIMEOUTS = {
  dialTimeout: 60_000,
  addressDialTimeout: 45_000,
  inboundUpgradeTimeout: 30_000,
  outboundStreamProtocolNegotiationTimeout: 30_000,
  inboundStreamProtocolNegotiationTimeout: 30_000
}

/**
 * How long the ping responder waits for a ping exchange to finish. Its echo queues behind the
 * send window in the busy direction (about 8 s of queue on edge, 25 s on lwe-2g-vsat). With
 * libp2p's 10 s default the responder reset the stream and the pinging side then aborted the whole
 * connection, resending the window in flight: 1,000 patients over edge needed two sessions and sent
 * 1.55 MB of items for 1.37 MB. Matches the connection monitor's shortest ping timeout.
 */
export const PING_RESPONDER_TIMEOUT_MS = CONNECTION_MONITOR.pingTimeout.minTimeout

/**
 * Ping streams allowed at once per connection, each way. A ping every 30 s whose echo queues for
 * longer than that (a full send window on 2G) overlaps the next one; with libp2p's limit of one
 * outbound ping stream the second raised TooManyOutboundProtocolStreamsError, which aborted the
 * whole connection (seen in a 5,000-patient catch-up over edge).
 */
export const PING_STREAMS = 4

/**
 * Limits of unauthenticated inbound sockets (issue 14, attack 5; InboundGuard.ts).
 * - firstByteMs 10 s: an honest dialler sends its HTTP upgrade one round trip after connecting
 *   (1.4 s on 2G via VSAT); 10 s allows a lost segment and its retransmission.
 * - preAuthMs 30 s: the whole set-up (upgrade, multistream, Noise XX, yamux) takes 8–12 s on 2G.
 * - perHost 8: a CHC behind one address dials at most once per peer id; 8 leaves room for a
 *   carrier-grade NAT shared by a few facilities.
 * - pool 256 and reserved 64: a few hundred file descriptors at most for strangers, and places only
 *   members' known addresses can take (a roster has tens of facilities, not hundreds).
 */
export const INBOUND_LIMITS = { firstByteMs: 10_000, preAuthMs: 30_000, perHost: 8, pool: 256, reserved: 64 }

/**
 * Connections kept per authenticated member: one is used; a second covers a redial while the old
 * one closes. More are closed as they open, so one member cannot take the connection budget.
 */
export const MAX_CONNECTIONS_PER_PEER = 2
