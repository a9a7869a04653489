/**
 * Named errors of the sync protocol. Messages carry frame types, sequence numbers and ids, never item
 * contents.
 */
import { PagdandiError } from '../errors.js'

/** A frame could not be decoded: truncated, trailing bytes, a field out of range, or a bad id. */
export class MalformedFrameError extends PagdandiError {
  override name = 'MalformedFrameError'
  constructor(detail: string) {
    super('ERR_MALFORMED_FRAME', `malformed frame: ${detail}`)
  }
}

/** A frame, item or list is larger than the protocol's hard cap. */
export class FrameTooLargeError extends PagdandiError {
  override name = 'FrameTooLargeError'
  constructor(what: string, size: number, max: number) {
    super('ERR_FRAME_TOO_LARGE', `${what} of ${size} exceeds the cap of ${max}`)
  }
}

export { UnsupportedVersionError } from '../errors.js'

/** A frame has a type this node does not know. */
export class UnknownFrameTypeError extends PagdandiError {
  override name = 'UnknownFrameTypeError'
  constructor(type: number) {
    super('ERR_UNKNOWN_FRAME_TYPE', `unknown frame type ${type}`)
  }
}

/** A well-formed frame arrived where the session does not allow it (wrong order, wrong batch number). */
export class ProtocolViolationError extends PagdandiError {
  override name = 'ProtocolViolationError'
  constructor(detail: string) {
    super('ERR_PROTOCOL_VIOLATION', `protocol violation: ${detail}`)
  }
}

/** The peer's hello names a facility other than the one its connection authenticated as. */
export class PeerMismatchError extends PagdandiError {
  override name = 'PeerMismatchError'
  constructor(expected: string, got: string) {
    super('ERR_PEER_MISMATCH', `connection authenticated as ${expected} but hello names ${got}`)
  }
}

/** A received item failed verification; the whole batch is refused and the stream closed. */
export class ItemRejectedError extends PagdandiError {
  override name = 'ItemRejectedError'
  constructor(detail: string, options?: { cause?: unknown }) {
    super('ERR_ITEM_REJECTED', `item rejected: ${detail}`, options)
  }
}

/** The session was closed (by either side or by the transport) before the operation finished. */
export class SessionClosedError extends PagdandiError {
  override name = 'SessionClosedError'
  constructor(detail = 'session closed') {
    super('ERR_SESSION_CLOSED', detail)
  }
}
