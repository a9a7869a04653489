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
