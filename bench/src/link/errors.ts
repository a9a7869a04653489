import { PagdandiError } from '@pagdandi/core'

/** A profile name that is not one of the built-in link profiles. */
export class UnknownLinkProfileError extends PagdandiError {
  override name = 'UnknownLinkProfileError'
  constructor(profile: string) {
    super('ERR_UNKNOWN_LINK_PROFILE', `unknown link profile: ${profile}`)
  }
}

/** The emulator was used before `start()` or after `close()`. */
export class LinkNotRunningError extends PagdandiError {
  override name = 'LinkNotRunningError'
  constructor() {
    super('ERR_LINK_NOT_RUNNING', 'the link emulator is not running')
  }
}
