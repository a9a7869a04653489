/** Named errors of the LevelDB store. Messages carry ids and paths, never item contents. */
import { PagdandiError } from '@pagdandi/core'

/** The store's files are missing records that its own batches always write together. */
export class StoreCorruptError extends PagdandiError {
  override name = 'StoreCorruptError'
  /** A failure of this node's own parts: the caller may retry. */
  override readonly status = 503
  constructor(detail: string) {
    super('ERR_STORE_CORRUPT', `store is inconsistent: ${detail}`)
  }
}

/** The store was used after `close()`. */
export class StoreClosedError extends PagdandiError {
  override name = 'StoreClosedError'
  /** A failure of this node's own parts: the caller may retry. */
  override readonly status = 503
  constructor() {
    super('ERR_STORE_CLOSED', 'store is closed')
  }
}
