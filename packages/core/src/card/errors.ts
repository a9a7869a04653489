import { PagdandiError } from '../errors.js'

/**
 * Named errors of the health card (docs/PROTOCOL.md, "Health card"). Messages carry document and
 * facility ids only, never the card's secret or a key.
 */

/** Scanned or typed text that is not a Pagdandi card code (wrong length, alphabet, version or check). */
export class MalformedCardCodeError extends PagdandiError {
  override name = 'MalformedCardCodeError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_MALFORMED_CARD_CODE', message, options)
  }
}

/** The card was revoked by the patient's home facility: it opens nothing new. */
export class CardRevokedError extends PagdandiError {
  override name = 'CardRevokedError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CARD_REVOKED', message, options)
  }
}

/** The card is outside its validity window (expired, or not yet valid). */
export class CardExpiredError extends PagdandiError {
  override name = 'CardExpiredError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CARD_EXPIRED', message, options)
  }
}

/** No reachable peer holds a card item for this code (never printed, or every holder is offline). */
export class CardNotFoundError extends PagdandiError {
  override name = 'CardNotFoundError'
  override readonly status: number = 404
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CARD_NOT_FOUND', message, options)
  }
}

/** A card-protocol frame that does not decode, or arrives out of order (the stream is closed). */
export class MalformedCardFrameError extends PagdandiError {
  override name = 'MalformedCardFrameError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_MALFORMED_CARD_FRAME', message, options)
  }
}

/** A peer refused the card proof (it holds no valid card with that key, or the signature failed). */
export class CardProofRefusedError extends PagdandiError {
  override name = 'CardProofRefusedError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CARD_PROOF_REFUSED', message, options)
  }
}
