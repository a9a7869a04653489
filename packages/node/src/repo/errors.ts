/** Named errors of the repo bridge. Messages carry document ids only. */
import { PagdandiError } from '@pagdandi/core'

/** This node holds no key for the document, or has never seen it (the two look the same). */
export class UnknownDocumentError extends PagdandiError {
  override name = 'UnknownDocumentError'
  constructor(docId: string) {
    super('ERR_UNKNOWN_DOCUMENT', `document ${docId} is not open on this node`)
  }
}

/** Sealing or storing a local change failed; the change was not acknowledged. */
export class SealFailedError extends PagdandiError {
  override name = 'SealFailedError'
  /** A failure of this node's own parts: the caller may retry. */
  override readonly status = 503
  constructor(docId: string, cause: unknown) {
    super('ERR_SEAL_FAILED', `could not seal and store changes of ${docId}`, { cause })
  }
}

/** The bridge is closed. */
export class BridgeClosedError extends PagdandiError {
  override name = 'BridgeClosedError'
  /** A failure of this node's own parts: the caller may retry. */
  override readonly status = 503
  constructor() {
    super('ERR_BRIDGE_CLOSED', 'the repo bridge is closed')
  }
}

/** A change item opened, but its payload is not Automerge (it cannot be applied to any document). */
export class UndecodableChangeError extends PagdandiError {
  override name = 'UndecodableChangeError'
  constructor(docId: string, itemId: string, cause?: unknown) {
    super('ERR_UNDECODABLE_CHANGE', `item ${itemId} of ${docId} is not an Automerge change`, { cause })
  }
}

/**
 * A self-grant (a claim to have created the document) for a document that this node created: the
 * creator knows it is the creator, so the rival is refused and kept as evidence against its author.
 */
export class RivalGenesisError extends PagdandiError {
  override name = 'RivalGenesisError'
  constructor(docId: string, rival: string, creator?: string) {
    super(
      'ERR_RIVAL_GENESIS',
      `refused: rival genesis by ${rival}: document ${docId} was created by ${creator ?? 'this facility'}`
    )
  }
}
