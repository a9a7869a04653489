/**
 * Base of every error Pagdandi raises on purpose. `name` and `code` are stable: tests, the CLI and the
 * UI match on them. Messages carry ids, never patient data.
 */
export class PagdandiError extends Error {
  /** Stable machine-readable code, e.g. `ERR_INVALID_ABHA_NUMBER`. */
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
