/**
 * What the app knows about its facility node and the node's peers, refreshed while anything shows it.
 * It only ever reports what the node said: when the node stops answering, the last answer is kept but
 * marked stale, and nothing is shown as connected or delivered.
 */
import { createSubscriber } from 'svelte/reactivity'
import { api, type NodeStatus } from '../api.js'
import { NodeRequestError } from '../errors.js'

// Frequent enough for "peer went away" to show within a few seconds; cheap for the node.
const POLL_MS = 2500

/** The node's `/api/status`, polled while observed. */
export class NodeStatusStore {
  #status = $state<NodeStatus | undefined>(undefined)
  #reachable = $state<boolean | undefined>(undefined)
  #checkedAt = $state<Date | undefined>(undefined)
  #browserOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine)
  #subscribe = createSubscriber(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async (): Promise<void> => {
      await this.refresh()
      if (!stopped)
        timer = setTimeout(() => {
          void tick()
        }, POLL_MS)
    }
    const online = (): void => {
      this.#browserOnline = navigator.onLine
      void this.refresh()
    }
    addEventListener('online', online)
    addEventListener('offline', online)
    void tick()
    return () => {
      stopped = true
      clearTimeout(timer)
      removeEventListener('online', online)
      removeEventListener('offline', online)
    }
  })

  /** The last status the node gave, if it ever answered. */
  get current(): NodeStatus | undefined {
    this.#subscribe()
    return this.#status
  }

  /** Whether the node answered the last poll; undefined before the first answer. */
  get reachable(): boolean | undefined {
    this.#subscribe()
    return this.#browserOnline ? this.#reachable : false
  }

  /** When the node was last asked. */
  get checkedAt(): Date | undefined {
    this.#subscribe()
    return this.#checkedAt
  }

  /** Asks the node now. */
  async refresh(): Promise<void> {
    try {
      this.#status = await api.status()
      this.#reachable = true
    } catch (err) {
      // An answer is an answer: a node asking for sign-in again is reachable (the session shows the modal).
      this.#reachable = err instanceof NodeRequestError && err.status === 401
    }
    this.#checkedAt = new Date()
  }
}

/** The app's node status. */
export const nodeStatus = new NodeStatusStore()
