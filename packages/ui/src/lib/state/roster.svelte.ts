/** The network roster (facility names for ids, referral destinations), fetched once and retried on failure. */
import { api, type RosterEntry } from '../api.js'

/** The roster as the node last gave it. */
export class RosterStore {
  #entries = $state<RosterEntry[] | undefined>(undefined)
  #loading: Promise<void> | undefined

  /** Roster entries, loading them on first use; undefined until the node answers. */
  get current(): RosterEntry[] | undefined {
    if (this.#entries === undefined && this.#loading === undefined) {
      this.#loading = api
        .roster()
        .then(
          r => {
            this.#entries = r
          },
          () => {}
        )
        .finally(() => {
          this.#loading = undefined
        })
    }
    return this.#entries
  }

  /** A facility's name, or its HFR id when the roster does not know it (yet). */
  name(facility: string): string {
    return this.current?.find(f => f.facility === facility)?.name ?? facility
  }
}

/** The app's roster. */
export const roster = new RosterStore()
