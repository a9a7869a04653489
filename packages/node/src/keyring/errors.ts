/** Named errors of the node's keyring handling. Messages carry facility ids, never key bytes. */
import { PagdandiError } from '@pagdandi/core'

/** The facility is not a current member of the roster (never added, or revoked). */
export class NotOnRosterError extends PagdandiError {
  override name = 'NotOnRosterError'
  constructor(facility: string) {
    super('ERR_NOT_ON_ROSTER', `facility ${facility} is not on the roster`)
  }
}

/** The keyring file is missing: the data directory was not initialised with `pagdandi init`. */
export class KeyringMissingError extends PagdandiError {
  override name = 'KeyringMissingError'
  constructor(dir: string) {
    super('ERR_KEYRING_MISSING', `no keyring in ${dir}; run \`pagdandi init\` first`)
  }
}

/** The operator secret is missing, unreadable or too short. */
export class OperatorSecretError extends PagdandiError {
  override name = 'OperatorSecretError'
  constructor(message: string, cause?: unknown) {
    super('ERR_OPERATOR_SECRET', message, cause !== undefined ? { cause } : undefined)
  }
}

/** The data directory is not initialised, already initialised, or holds unreadable files. */
export class DataDirError extends PagdandiError {
  override name = 'DataDirError'
  constructor(message: string, cause?: unknown) {
    super('ERR_DATA_DIR', message, cause !== undefined ? { cause } : undefined)
  }
}

/**
 * An item by a revoked facility that this node did not hold when it adopted the revoking roster:
 * whatever roster version it claims, the network had not accepted it from here before the
 * revocation (docs/PROTOCOL.md › Revocation), so it is refused and kept as evidence.
 */
export class BackdatedItemError extends PagdandiError {
  override name = 'BackdatedItemError'
  constructor(author: string, itemId: string) {
    super('ERR_BACKDATED_ITEM', `item ${itemId} by revoked facility ${author} was not held here before its revocation`)
  }
}
