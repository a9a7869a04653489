/**
 * Time and chance as inputs. Code that waits, redials or jitters takes a `Clock` and a `Random`, so a
 * test advances time instead of sleeping and a simulation replays a run exactly. The node supplies
 * the system clock and `Math.random`; `@pagdandi/core/testing` supplies `ManualClock` and `Prng`.
 */

/** A source of time and timers. */
export interface Clock {
  /** Milliseconds since the epoch (or since the start of a simulation). */
  now(): number
  /** Call `fn` once after `ms`; the returned function cancels it. */
  schedule(ms: number, fn: () => void): () => void
}

/** A float in [0, 1), as `Math.random` gives. */
export type Random = () => number
