/**
 * Named errors of the clinician app. They carry ids and HTTP statuses, never patient data; the
 * screens turn them into catalogue messages (see `lib/i18n/errorMessage.ts`), never into raw text.
 */
import { PagdandiError } from '@pagdandi/core'

/** The facility node did not answer (the PC is off the facility LAN, or the node is stopped). */
export class NodeUnreachableError extends PagdandiError {
  override name = 'NodeUnreachableError'
  constructor(path: string, options?: { cause?: unknown }) {
    super('ERR_NODE_UNREACHABLE', `no answer from the node for ${path}`, options)
  }
}

/** The node answered with an error; `remoteName` is the node's stable error name. */
export class NodeRequestError extends PagdandiError {
  override name = 'NodeRequestError'
  /** HTTP status of the answer. */
  override readonly status: number
  /** The `error.name` the node sent, e.g. `InvalidAbhaNumberError`. */
  readonly remoteName: string
  /** The node's message: field names and ids only. */
  readonly remoteMessage: string
  constructor(status: number, remoteName: string, remoteMessage: string) {
    super('ERR_NODE_REQUEST', `node answered ${status} ${remoteName}`)
    this.status = status
    this.remoteName = remoteName
    this.remoteMessage = remoteMessage
  }
}

/** A patient document could not be found on the node's sync endpoint in time. */
export class DocumentUnavailableError extends PagdandiError {
  override name = 'DocumentUnavailableError'
  constructor(patientId: string) {
    super('ERR_DOCUMENT_UNAVAILABLE', `document ${patientId} is unavailable`)
  }
}
