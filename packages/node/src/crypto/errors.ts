import { PagdandiError } from '@pagdandi/core'

/** The operator secret does not open the keyring file (or the file was altered). */
export class WrongSecretError extends PagdandiError {
  override name = 'WrongSecretError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_WRONG_SECRET', message, options)
  }
}
