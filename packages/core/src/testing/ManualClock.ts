/**
 * A `Clock` that moves only when a test moves it: `advance(ms)` runs every timer that falls due, in
 * time order (ties in the order they were scheduled), with `now()` reading each timer's own time.
 */
import type { Clock } from '../sync/clock.js'

interface Timer {
  at: number
  order: number
  fn: () => void
}

/** A clock driven by the test. */
export class ManualClock implements Clock {
  #now: number
  #order = 0
  readonly #timers: Timer[] = []

  constructor(start = 0) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, ms), order: this.#order++, fn }
    this.#timers.push(timer)
    return () => {
      const i = this.#timers.indexOf(timer)
      if (i >= 0) this.#timers.splice(i, 1)
    }
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#timers.length
  }

  /** Move time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms
    for (;;) {
      let next: Timer | undefined
      for (const t of this.#timers)
        if (t.at <= end && (next === undefined || t.at < next.at || (t.at === next.at && t.order < next.order)))
          next = t
      if (next === undefined) break
      this.#timers.splice(this.#timers.indexOf(next), 1)
      this.#now = next.at
      next.fn()
    }
    this.#now = end
  }
}
