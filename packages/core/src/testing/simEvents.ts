/**
 * Virtual time of a simulated network: one event queue, ordered by time and then by scheduling
 * order, and the promises its handlers left running; and the trace hash of what happened.
 */

interface SimEvent {
  at: number
  order: number
  run: () => void | Promise<void>
}

/** One queue of events in virtual time. */
export class SimEvents {
  readonly #queue: SimEvent[] = []
  /** Work the handlers started and the run waits for before the next event. */
  readonly pending = new Set<Promise<void>>()
  #now = 0
  #order = 0

  /** Current virtual time in ms. */
  get now(): number {
    return this.#now
  }

  /** Whether no event is scheduled. */
  get empty(): boolean {
    return this.#queue.length === 0
  }

  /** Schedule `run` at virtual time `at` (after every event already scheduled at that time). */
  schedule(at: number, run: () => void | Promise<void>): void {
    const ev = { at, order: this.#order++, run }
    let i = this.#queue.length
    while (i > 0 && this.#queue[i - 1]!.at > at) i--
    this.#queue.splice(i, 0, ev)
  }

  /** Wait for `p` before the next event. */
  track(p: Promise<void>): void {
    const tracked = p.then(
      () => {
        this.pending.delete(tracked)
      },
      () => {
        this.pending.delete(tracked)
      }
    )
    this.pending.add(tracked)
  }

  /** Process events until virtual time `until` or until none is left; `settle` runs after each. */
  async run(until: number, settle: () => Promise<void>): Promise<void> {
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!
      if (next.at > until) break
      this.#queue.shift()
      this.#now = next.at
      const done = next.run()
      if (done !== undefined) this.track(done)
      await settle()
    }
    if (this.#queue.length === 0 && this.#now < until) this.#now = until
  }
}

/** A 64-bit running hash (hex) of a run's events, for "the same seed gives the same trace". */
export class TraceHash {
  #h1 = 0x811c9dc5
  #h2 = 0x01000193

  /** The hash so far. */
  get hex(): string {
    return (this.#h1 >>> 0).toString(16).padStart(8, '0') + (this.#h2 >>> 0).toString(16).padStart(8, '0')
  }

  /** Mix in a string (its UTF-16 code units, low bytes). */
  mix(s: string): void {
    for (let i = 0; i < s.length; i++) this.mixByte(s.charCodeAt(i))
  }

  /** Mix in one byte. */
  mixByte(b: number): void {
    this.#h1 = Math.imul(this.#h1 ^ (b & 0xff), 0x01000193)
    this.#h2 = Math.imul(this.#h2 ^ (b & 0xff), 0x5bd1e995) ^ (this.#h2 >>> 15)
  }
}
