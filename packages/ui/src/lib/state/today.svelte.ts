/**
 * The day's work as the node derives it (`GET /api/today`: OPD queue, lab worklist, referral
 * badges), polled while a screen or the header shows it. Only what the node answered is shown.
 */
import { createSubscriber } from 'svelte/reactivity'
import type { TodayWork } from '@pagdandi/core/api'
import { api } from '../api.js'

const POLL_MS = 3000

/** `GET /api/today`, refreshed while observed. */
export class TodayStore {
  #work = $state<TodayWork | undefined>(undefined)
  #subscribe = createSubscriber(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async (): Promise<void> => {
      try {
        this.#work = await api.today()
      } catch {
        // Unreachable or signed out: the last answer stays; nothing new is claimed.
      }
      if (!stopped)
        timer = setTimeout(() => {
          void tick()
        }, POLL_MS)
    }
    void tick()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  })

  /** The latest answer, undefined until the node first answered. */
  get current(): TodayWork | undefined {
    this.#subscribe()
    return this.#work
  }
}

/** The app's view of the day's work. */
export const today = new TodayStore()
