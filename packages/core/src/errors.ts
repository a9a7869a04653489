/**
 * Base of every error Pagdandi raises on purpose. `name` and `code` are stable: tests, the CLI and the
 * UI match on them. Messages carry ids, never patient data. The class knows how it is answered:
 * `status` over HTTP, `exitCode` from the CLI.
 */
export class PagdandiError extends Error {
  /** Stable machine-readable code, e.g. `ERR_INVALID_ABHA_NUMBER`. */
  readonly code: string
  /**
   * HTTP status of an API answer failing with it: 400 by default (the input or the data it names
   * was refused); a failure of this node's own parts (store, bridge, replicator) says 503.
   */
  readonly status: number = 400
  /** Exit code of a CLI command failing with it: 1 (runtime failure) unless the class says otherwise. */
  readonly exitCode: number = 1

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** A format version, item kind, dictionary or frame version this code does not know (items, roster, keyring, frames). */
export class UnsupportedVersionError extends PagdandiError {
  override name = 'UnsupportedVersionError'
  /** `what`: the field and its value, e.g. `frame version 9`. */
  constructor(what: string, options?: { cause?: unknown }) {
    super('ERR_UNSUPPORTED_VERSION', `unsupported ${what}`, options)
  }
}
