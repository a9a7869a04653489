/**
 * Hard limits of the sync protocol. Every inbound frame is checked against these before anything is
 * allocated for it, so a hostile peer cannot make a node hold more than a known amount per session.
 */

/** Protocol version carried in every frame; a frame with another version closes the stream. */
export const FRAME_VERSION = 1

/**
 * Largest encoded frame, in bytes (also the `maxDataLength` of the length-prefixed stream). One item
 * of the largest size plus batch overhead must fit; 1 MiB keeps the worst-case per-frame allocation
 * small next to the per-peer budget while leaving room for an imported history item.
 */
export const MAX_FRAME_BYTES = 1024 * 1024

/**
 * Largest single sealed item: the crypto layer's cap, so that anything a node can seal it can also
 * replicate (see crypto/item.ts for why 512 KiB).
 */
export { MAX_ITEM_BYTES } from '../crypto/item.js'

/**
 * Target payload of one batch. On 2G (256 kbit/s) 32 KiB takes about a second to send, so an
 * interrupted link loses at most about a second of work, and the per-batch ack overhead (a few bytes)
 * stays under 0.1%.
 */
export const BATCH_TARGET_BYTES = 32 * 1024

/** Most items in one batch; bounds the per-frame bookkeeping when items are tiny. */
export const MAX_BATCH_ITEMS = 512

/**
 * Unacknowledged batch bytes a sender keeps in flight. The bandwidth-delay product of 2G with a
 * 700 ms RTT is about 22 KB, of BharatNet fibre at 50 ms about 60 KB; 192 KiB covers both so the RTT
 * does not dominate, and stays below yamux's default 256 KiB stream window so a sender never blocks a
 * receiver that is itself busy sending acks.
 */
export const SEND_WINDOW_BYTES = 192 * 1024

/** Longest facility id, document id or item id on the wire (ASCII). HFR ids are 12, document ids ~30. */
export const MAX_ID_CHARS = 128

/** Bytes of a log-epoch id and of a cursor token: 128 bits makes accidental collisions negligible. */
export const EPOCH_BYTES = 16
/** Bytes of a cursor token (see `cursorToken`). */
export const TOKEN_BYTES = 16
/** Bytes of a set fingerprint (XOR of truncated SHA-512s): 128 bits. */
export const FINGERPRINT_BYTES = 16

/** Most item ids in one HAVE frame: a patient document holds tens to hundreds of items. */
export const MAX_HAVE_IDS = 8192

/** Most ranges in one summary request or summary answer (fan-out times a few outstanding ranges). */
export const MAX_RANGES = 256

/** Most (document, fingerprint) entries in one summary answer. */
export const MAX_SUMMARY_ENTRIES = 2048

/**
 * Repair splits a mismatching range into this many sub-ranges. 16 reaches a single differing
 * document among 100,000 in 4-5 round trips while keeping each answer under 1 KB per range.
 */
export const REPAIR_FANOUT = 16

/** A range holding this many documents or fewer is answered with its entries instead of splitting. */
export const REPAIR_LEAF_SIZE = 16

/** Ranges per summary request; times `REPAIR_FANOUT` it bounds one answer to `MAX_RANGES` ranges. */
export const MAX_RANGES_PER_REQUEST = MAX_RANGES / REPAIR_FANOUT

/**
 * Summary ranges one repair may request in total. A repair costs about fan-out × depth ranges per
 * differing document; 65,536 covers several thousand differing documents and stops a peer that
 * answers in a way that never narrows.
 */
export const MAX_REPAIR_RANGES = 65536

/**
 * HAVE frames a sender holds unanswered. Each is answered only when its queue is empty (one document
 * of read-ahead), so a peer that sends HAVEs faster than it acknowledges cannot make the node load
 * documents into memory; what is held is the request (about 100 bytes without ids). A full repair
 * of a wiped peer sends one HAVE per document, so this is sized for a hub's corpus, not a CHC's.
 */
export const MAX_PENDING_HAVES = 262144

/**
 * Item ids kept, over all pending HAVEs, to exclude what the peer already holds. Past this budget a
 * HAVE is kept without its ids: the whole document is sent and the peer drops what it has, which
 * costs bytes but never correctness.
 */
export const MAX_PENDING_HAVE_IDS = 65536

/** Log entries scanned per read when most are filtered out by entitlement (bounds one read's work). */
export const LOG_SCAN_LIMIT = 2048
