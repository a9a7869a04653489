/**
 * Frames one simulated session has sent and its link has not yet delivered, in stream order: each
 * takes a random delay (never overtaking the one before, unless the transport is broken), waits
 * while its direction is down, and is dropped once the receiving session has closed.
 */
import type { SyncSession } from '../sync/SyncSession.js'
import type { Prng } from './prng.js'
import type { SimEvents } from './simEvents.js'
import type { SimFaults } from './simTypes.js'

/** What an outbox needs from its network and link. */
export interface OutboxLink {
  events: SimEvents
  prng: Prng
  faults(): SimFaults
  /** Whether this direction of the link delivers now. */
  up(): boolean
  /** Park `resume` until this direction returns (TCP retransmits the frame then). */
  hold(resume: () => void | Promise<void>): void
  /** The receiving session. */
  target(): SyncSession
  /** The frame reaches the receiver now (count it, hash it, hand it over). */
  deliver(bytes: Uint8Array): void | Promise<void>
}

/** One direction of one session pair's stream. */
export class SimOutbox {
  readonly #link: OutboxLink
  readonly #frames: { at: number; bytes: Uint8Array }[] = []
  #pumping = false

  constructor(link: OutboxLink) {
    this.#link = link
  }

  /** Queue a frame sent now: delayed, perhaps reordered or repeated as a broken transport would. */
  push(bytes: Uint8Array): void {
    const { events, prng } = this.#link
    const faults = this.#link.faults()
    const q = this.#frames
    const entry = {
      at: Math.max(q[q.length - 1]?.at ?? 0, events.now + prng.int(faults.minDelay, faults.maxDelay)),
      bytes: bytes.slice()
    }
    // A broken transport: the frame overtakes the one before it, or arrives twice.
    if (q.length > 0 && prng.chance(faults.frameReorder)) q.splice(q.length - 1, 0, entry)
    else q.push(entry)
    if (prng.chance(faults.frameDuplicate)) q.push({ at: entry.at + 1, bytes: entry.bytes })
    this.#pump()
  }

  #pump(): void {
    const head = this.#frames[0]
    if (this.#pumping || head === undefined) return
    this.#pumping = true
    this.#link.events.schedule(Math.max(head.at, this.#link.events.now), this.#step)
  }

  readonly #step = (): void | Promise<void> => {
    this.#pumping = false
    if (this.#link.target().closed) {
      this.#frames.length = 0
      return
    }
    if (!this.#link.up()) {
      this.#pumping = true
      this.#link.hold(this.#step)
      return
    }
    const next = this.#frames.shift()
    if (next === undefined) return
    this.#pump()
    return this.#link.deliver(next.bytes)
  }
}
