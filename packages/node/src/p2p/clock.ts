/** The system clock as a `Clock` (core/sync/clock.ts): what a running node waits and redials by. */
import type { Clock } from '@pagdandi/core/sync'

/** Wall-clock time and real timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule: (ms, fn) => {
    const t = setTimeout(fn, ms)
    return () => {
      clearTimeout(t)
    }
  }
}
