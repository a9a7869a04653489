/**
 * Named errors of the LevelDB store. Messages carry ids, paths and causes, never item contents.
 * Each knows the HTTP status the API answers with while it stands (`status`).
 */
import { PagdandiError } from '@pagdandi/core'

/** The store's files are missing records that its own batches always write together. */
export class StoreCorruptError extends PagdandiError {
  override name = 'StoreCorruptError'
  /** The store cannot serve this; the caller did nothing wrong. */
  override readonly status = 503
  constructor(detail: string) {
    super('ERR_STORE_CORRUPT', `store is inconsistent: ${detail}`)
  }
}

/** The store was used after `close()`. */
export class StoreClosedError extends PagdandiError {
  override name = 'StoreClosedError'
  /** The node is stopping. */
  override readonly status = 503
  constructor() {
    super('ERR_STORE_CLOSED', 'store is closed')
  }
}

/** Why a write failed, as an operator can act on it. */
export type StoreFaultCause = 'disk-full' | 'read-only' | 'io-error'

const FAULT_ADVICE: Record<StoreFaultCause, string> = {
  'disk-full': 'the disk is full; free space, then restart the node',
  'read-only': 'the disk became read-only (often a failing disk); check it, then restart the node',
  'io-error': 'the disk reported an I/O error; check it, then restart the node'
}

/**
 * A write to the store failed, so the store refuses every later write until it is reopened (and
 * checked at open): LevelDB may have left a partial record in its log, and writing past it would
 * make later, acknowledged records unreadable at the next open.
 */
export class StoreFaultedError extends PagdandiError {
  override name = 'StoreFaultedError'
  /** Nothing is wrong with the request; the service cannot store it now. */
  override readonly status = 503
  readonly fault: StoreFaultCause
  constructor(fault: StoreFaultCause, cause: unknown) {
    super('ERR_STORE_FAULTED', `the store refuses writes: ${FAULT_ADVICE[fault]}`, { cause })
    this.fault = fault
  }
}

/**
 * The store was damaged before this open (LevelDB dropped records while recovering its log, or
 * the store's own records disagree). It is not opened: the files as they were are kept aside, and
 * `pagdandi store recover` keeps what is provably intact.
 */
export class StoreDamagedError extends PagdandiError {
  override name = 'StoreDamagedError'
  /** The node cannot serve until an operator recovers the store. */
  override readonly status = 503
  /** Where the files as found are kept for inspection. */
  readonly keptAt: string
  constructor(detail: string, keptAt: string) {
    super(
      'ERR_STORE_DAMAGED',
      `the item store is damaged (${detail}); the files as found are kept in ${keptAt}; ` +
        'run `pagdandi store recover` to keep what is intact and fetch the rest from peers'
    )
    this.keptAt = keptAt
  }
}

/** The store was written by a newer Pagdandi (or is not a Pagdandi store): it is not opened. */
export class StoreSchemaError extends PagdandiError {
  override name = 'StoreSchemaError'
  /** The node cannot serve this store. */
  override readonly status = 503
  constructor(found: string, supported: number) {
    super(
      'ERR_STORE_SCHEMA',
      `the item store has schema version ${found}; this Pagdandi reads up to ${supported}: upgrade Pagdandi`
    )
  }
}

/** What LevelDB's error message says about why a write failed. */
export function faultCause(err: unknown): StoreFaultCause {
  const message = err instanceof Error ? err.message : String(err)
  const code = (err as { code?: unknown } | undefined)?.code
  if (code === 'ENOSPC' || code === 'EDQUOT' || /No space left|ENOSPC|quota/i.test(message)) return 'disk-full'
  if (code === 'EROFS' || /Read-only file system|EROFS/i.test(message)) return 'read-only'
  return 'io-error'
}
