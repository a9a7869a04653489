/** Named errors of the `pagdandi` CLI. A user's mistake exits 2 (usage) or 1 and prints no stack. */
import { PagdandiError } from '@pagdandi/core'

/** The command line is wrong: unknown command or option, missing argument. Exit code 2. */
export class UsageError extends PagdandiError {
  override name = 'UsageError'
  constructor (message: string) { super('ERR_USAGE', message) }
}

/** The data directory is missing, not initialised, or already initialised. */
export class DataDirError extends PagdandiError {
  override name = 'DataDirError'
  constructor (message: string) { super('ERR_DATA_DIR', message) }
}

/** No operator secret was given (env PAGDANDI_SECRET or --secret-file), or it is unreadable. */
export class MissingSecretError extends PagdandiError {
  override name = 'MissingSecretError'
  constructor (message: string) { super('ERR_MISSING_SECRET', message) }
}

/** The node's HTTP API (for commands that talk to a running node) answered with an error. */
export class NodeRequestError extends PagdandiError {
  override name: string
  constructor (name: string, message: string) {
    super('ERR_NODE_REQUEST', message)
    this.name = name
  }
}
