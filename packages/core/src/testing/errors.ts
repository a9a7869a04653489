/** Faults the simulated network injects into a node's store (docs/SPEC.md, "Simulation"). */
import { PagdandiError } from '../errors.js'

/** The node's process died during this write; the write was lost or applied whole. */
export class SimCrashError extends PagdandiError {
  override readonly name = 'SimCrashError'
  constructor(facility: string) {
    super('ERR_SIM_CRASH', `node ${facility} crashed during a store write`)
  }
}

/** The store's disk failed this write (EIO, ENOSPC); the write was lost or applied whole. */
export class SimWriteError extends PagdandiError {
  override readonly name = 'SimWriteError'
  constructor(facility: string) {
    super('ERR_SIM_WRITE', `store write failed at ${facility}`)
  }
}

/** A store that failed a write refuses every write until the node restarts and reopens it. */
export class SimStoreFencedError extends PagdandiError {
  override readonly name = 'SimStoreFencedError'
  constructor(facility: string) {
    super('ERR_SIM_STORE_FENCED', `store of ${facility} refuses writes until it is reopened`)
  }
}
