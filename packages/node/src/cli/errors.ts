/** Named errors of the `pagdandi` CLI. A user's mistake exits 2 (usage) or 1 and prints no stack. */
import { PagdandiError } from '@pagdandi/core'

/** The command line is wrong: unknown command or option, missing argument. Exit code 2. */
export class UsageError extends PagdandiError {
  override name = 'UsageError'
  override readonly exitCode = 2
  constructor(message: string) {
    super('ERR_USAGE', message)
  }
}

/** The node's HTTP API (for commands that talk to a running node) answered with an error. */
export class NodeRequestError extends PagdandiError {
  override name: string
  constructor(name: string, message: string) {
    super('ERR_NODE_REQUEST', message)
    this.name = name
  }
}

/** A bundle file is malformed, truncated, oversized or of an unknown version. */
export class BundleFormatError extends PagdandiError {
  override name = 'BundleFormatError'
  constructor(message: string) {
    super('ERR_BUNDLE_FORMAT', message)
  }
}

/** An item in a bundle failed validation; nothing from the bundle was stored. */
export class BundleItemRejectedError extends PagdandiError {
  override name = 'BundleItemRejectedError'
  constructor(index: number, reason: string, cause?: unknown) {
    super(
      'ERR_BUNDLE_ITEM_REJECTED',
      `item ${index} of the bundle was rejected (${reason}); nothing was imported`,
      cause !== undefined ? { cause } : undefined
    )
  }
}

/** The node is running; this command needs exclusive access to the data directory. */
export class NodeRunningError extends PagdandiError {
  override name = 'NodeRunningError'
  constructor(url: string) {
    super('ERR_NODE_RUNNING', `a node is running on this data directory (${url}); stop it first`)
  }
}
