/**
 * One direction of an emulated link. Segments queue for the bottleneck (serialisation at the
 * profile's rate, shared by every connection, as a netem qdisc on one interface would be), then
 * propagate for the drawn delay, then are written to the destination socket.
 *
 * Invariants:
 * 1. Bytes leave in the order they arrived, per connection and overall (FIFO, like netem with a
 *    rate): a jittered delay never reorders, a later segment waits for an earlier one.
 * 2. Nothing is delivered while the link is down; queued bytes wait (stall) or are dropped with
 *    their connection (cut).
 * 3. A lost segment costs a stall of one retransmission timeout on the bottleneck, never data.
 * 4. The random draws (loss, delay) depend only on the seed and the order of segments.
 */
import type { Prng } from '@pagdandi/core/testing'
import type { DirectionSpec } from './profiles.js'

/** Largest segment the emulator forwards at once: an Ethernet-sized TCP payload. */
export const MSS = 1460

/** What a pipe needs to know about the connection a segment belongs to. */
export interface PipeEndpoint {
  /** Write delivered bytes to the far side. */
  deliver(data: Buffer): void
  /** The near side ended its stream and every byte before the end was delivered. */
  deliverEnd(): void
  /** Queued (not yet delivered) bytes in this direction; the proxy pauses the source above a mark. */
  queued: number
  /** Called when `queued` drops; the proxy may resume the source. */
  drained(): void
  closed: boolean
}

interface Segment {
  ep: PipeEndpoint
  data: Buffer | null
  /** When its last byte arrived: serialisation cannot start before. */
  readyAt: number
  lost: boolean
  delayMs: number
  deliverAt: number
  rec: ScheduledSegment | undefined
}

/**
 * What the pipe decided for one segment, on its own clock (ms, `PipeOptions.now`): the arithmetic a
 * test checks instead of timing the machine. Only `deliveredAt` depends on how busy the machine is.
 */
export interface ScheduledSegment {
  /** Payload bytes (after coalescing). */
  size: number
  lost: boolean
  delayMs: number
  /** Its last byte entered the bottleneck queue. */
  queuedAt: number
  /** Serialisation began (after a loss stall, if any) and ended. */
  txStart: number
  txEnd: number
  /** Due at the far side: `txEnd + delayMs`, never before an earlier segment. */
  deliverAt: number
  /** Handed to the far socket: NaN until then; late on a busy machine, never early. */
  deliveredAt: number
}

/** Counters for one direction. */
export interface DirectionStats {
  /** Payload bytes accepted from the sender. */
  bytes: number
  /** Payload bytes written to the receiver. */
  deliveredBytes: number
  segments: number
  lostSegments: number
  /** Total ms the bottleneck spent stalled on losses. */
  stallMs: number
}

/** Options for a pipe besides the profile. */
export interface PipeOptions {
  /** Retransmission timeout charged per lost segment, ms. */
  rtoMs: number
  /** Bytes of IP and TCP header charged on the bottleneck per segment. */
  headerBytes: number
  now: () => number
}

/** One direction of the emulated link. */
export class DirectionPipe {
  readonly stats: DirectionStats = { bytes: 0, deliveredBytes: 0, segments: 0, lostSegments: 0, stallMs: 0 }
  /** Every draw, in order, for the determinism check: [size, lost, delay]. */
  readonly trace: Array<[number, boolean, number]> = []
  /** The schedule of every segment (up to the trace limit), in order. */
  readonly schedule: ScheduledSegment[] = []
  readonly #spec: DirectionSpec
  readonly #prng: Prng
  readonly #opts: PipeOptions
  #pending: Segment[] = []
  #inflight: Segment[] = []
  #freeAt = 0
  #lastDeliverAt = 0
  #up = true
  #txTimer: NodeJS.Timeout | undefined
  #rxTimer: NodeJS.Timeout | undefined
  #traceLimit = 10_000

  constructor(spec: DirectionSpec, prng: Prng, opts: PipeOptions) {
    this.#spec = spec
    this.#prng = prng
    this.#opts = opts
  }

  /**
   * Queue bytes from the sender, in segments of at most MSS. Bytes that find the connection's
   * last queued segment short are added to it, as a TCP send queue coalesces small writes while
   * the link is busy: otherwise a chatty sender would pay a header and a loss draw per write.
   */
  enqueue(ep: PipeEndpoint, data: Buffer): void {
    this.stats.bytes += data.length
    let off = 0
    const last = this.#pending[this.#pending.length - 1]
    if (last !== undefined && last.ep === ep && last.data !== null && last.data.length < MSS) {
      const take = Math.min(MSS - last.data.length, data.length)
      last.data = Buffer.concat([last.data, data.subarray(0, take)])
      last.readyAt = this.#opts.now()
      if (last.rec !== undefined) last.rec.queuedAt = last.readyAt
      ep.queued += take
      off = take
    }
    for (; off < data.length; off += MSS) {
      this.#push(ep, data.subarray(off, Math.min(off + MSS, data.length)))
    }
    this.#pump()
  }

  /** Queue the end of the sender's stream behind its bytes. */
  enqueueEnd(ep: PipeEndpoint): void {
    this.#push(ep, null)
    this.#pump()
  }

  /** Bring the link up or down. Down holds every queued byte until up again. */
  setUp(up: boolean): void {
    if (up === this.#up) return
    this.#up = up
    this.#clearTimers()
    if (up) {
      const now = this.#opts.now()
      this.#freeAt = now
      this.#lastDeliverAt = Math.min(this.#lastDeliverAt, now)
      for (const s of this.#inflight) s.deliverAt = Math.min(s.deliverAt, now)
      this.#pump()
      this.#deliverDue()
    }
  }

  /** Forget a connection's queued segments (it was cut or closed). */
  drop(ep: PipeEndpoint): void {
    this.#pending = this.#pending.filter(s => s.ep !== ep)
    this.#inflight = this.#inflight.filter(s => s.ep !== ep)
    ep.queued = 0
  }

  /** Stop every timer; the pipe is finished. */
  close(): void {
    this.#clearTimers()
    this.#pending = []
    this.#inflight = []
  }

  #push(ep: PipeEndpoint, data: Buffer | null): void {
    const now = this.#opts.now()
    // An idle bottleneck starts now; a busy one keeps its virtual clock (timer lateness is not idleness).
    if (this.#pending.length === 0 && this.#txTimer === undefined) this.#freeAt = Math.max(this.#freeAt, now)
    const size = data?.length ?? 0
    const lost = this.#spec.loss > 0 && this.#prng.chance(this.#spec.loss)
    const delayMs = this.#drawDelay()
    let rec: ScheduledSegment | undefined
    if (this.trace.length < this.#traceLimit) {
      this.trace.push([size, lost, Math.round(delayMs * 1000) / 1000])
      rec = { size, lost, delayMs, queuedAt: now, txStart: NaN, txEnd: NaN, deliverAt: NaN, deliveredAt: NaN }
      this.schedule.push(rec)
    }
    this.stats.segments++
    if (lost) this.stats.lostSegments++
    ep.queued += size
    this.#pending.push({ ep, data, readyAt: now, lost, delayMs, deliverAt: 0, rec })
  }

  #drawDelay(): number {
    const { delayMs, jitterMs } = this.#spec
    if (jitterMs <= 0) return delayMs
    const d = this.#prng.normal(delayMs, jitterMs)
    return Math.max(0, Math.min(delayMs + 2 * jitterMs, Math.max(delayMs - 2 * jitterMs, d)))
  }

  #txMs(seg: Segment): number {
    if (!Number.isFinite(this.#spec.rateBps)) return 0
    const size = (seg.data?.length ?? 0) + this.#opts.headerBytes
    return (size * 8 * 1000) / this.#spec.rateBps
  }

  /**
   * Move segments whose serialisation has finished onto the wire. The bottleneck clock
   * (`#freeAt`) is virtual: a late timer does not slow the link down, it only batches.
   */
  #pump(): void {
    if (!this.#up || this.#txTimer !== undefined) return
    const now = this.#opts.now()
    while (this.#pending.length > 0) {
      const seg = this.#pending[0]!
      const stall = seg.lost ? this.#opts.rtoMs : 0
      // A late timer may leave the virtual clock behind real time; a segment still starts no earlier
      // than its last byte arrived, or the link would run faster than its rate after a pause.
      const start = Math.max(this.#freeAt, seg.readyAt) + stall
      const end = start + this.#txMs(seg)
      if (end > now + 1) {
        this.#txTimer = setTimeout(() => {
          this.#txTimer = undefined
          this.#pump()
        }, end - now)
        break
      }
      this.#pending.shift()
      if (seg.rec !== undefined) {
        seg.rec.size = seg.data?.length ?? 0
        seg.rec.txStart = start
        seg.rec.txEnd = end
      }
      this.#freeAt = end
      this.stats.stallMs += stall
      seg.deliverAt = Math.max(this.#lastDeliverAt, end + seg.delayMs)
      this.#lastDeliverAt = seg.deliverAt
      if (seg.rec !== undefined) seg.rec.deliverAt = seg.deliverAt
      this.#inflight.push(seg)
    }
    this.#scheduleDelivery()
  }

  #scheduleDelivery(): void {
    if (!this.#up || this.#rxTimer !== undefined) return
    const head = this.#inflight[0]
    if (head === undefined) return
    const wait = head.deliverAt - this.#opts.now()
    if (wait <= 0.5) {
      this.#deliverDue()
      return
    }
    this.#rxTimer = setTimeout(() => {
      this.#rxTimer = undefined
      this.#deliverDue()
    }, wait)
  }

  #deliverDue(): void {
    if (!this.#up) return
    const now = this.#opts.now()
    const touched = new Set<PipeEndpoint>()
    while (this.#inflight.length > 0 && this.#inflight[0]!.deliverAt <= now + 0.5) {
      const seg = this.#inflight.shift()!
      if (seg.ep.closed) continue
      if (seg.rec !== undefined) seg.rec.deliveredAt = now
      if (seg.data === null) {
        seg.ep.deliverEnd()
      } else {
        seg.ep.queued -= seg.data.length
        this.stats.deliveredBytes += seg.data.length
        seg.ep.deliver(seg.data)
        touched.add(seg.ep)
      }
    }
    for (const ep of touched) ep.drained()
    this.#scheduleDelivery()
  }

  #clearTimers(): void {
    if (this.#txTimer !== undefined) clearTimeout(this.#txTimer)
    if (this.#rxTimer !== undefined) clearTimeout(this.#rxTimer)
    this.#txTimer = undefined
    this.#rxTimer = undefined
  }
}
