/** Named errors of the `pagdandi` CLI. A user's mistake exits 2 (usage) or 1 and prints no stack. */
import { PagdandiError } from '@pagdandi/core'

/** The command line is wrong: unknown command or option, missing argument. Exit code 2. */
export class UsageError extends PagdandiError {
  override name = 'UsageError'
  constructor (message: string) { super('ERR_USAGE', message) }
}

/** The node's HTTP API (for commands that talk to a running node) answered with an error. */
export class NodeRequestError extends PagdandiError {
  override name: string
  constructor (name: string, message: string) {
    super('ERR_NODE_REQUEST', message)
    this.name = name
  }
}
