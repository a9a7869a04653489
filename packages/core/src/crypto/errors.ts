import { PagdandiError } from '../errors.js'

/**
 * Named errors of core/crypto. Every reject of a key, roster, grant or item raises one of these;
 * messages carry ids (facility, document, item), never key bytes or patient data.
 */

/** A signature does not verify against the key the roster (or the authority) names. */
export class BadSignatureError extends PagdandiError {
  override name = 'BadSignatureError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_BAD_SIGNATURE', message, options)
  }
}

/** The author (or granter) of an item is not in the roster. */
export class UnknownAuthorError extends PagdandiError {
  override name = 'UnknownAuthorError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UNKNOWN_AUTHOR', message, options)
  }
}

/** The author was revoked at or before the roster version the item claims. */
export class RevokedAuthorError extends PagdandiError {
  override name = 'RevokedAuthorError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_REVOKED_AUTHOR', message, options)
  }
}

/** The item claims a roster version newer than the roster we hold: fetch the roster, then retry. */
export class StaleRosterError extends PagdandiError {
  override name = 'StaleRosterError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_STALE_ROSTER', message, options)
  }
}

/** The item belongs to another document, generation, kind or author than the one it is used for. */
export class ItemMovedError extends PagdandiError {
  override name = 'ItemMovedError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ITEM_MOVED', message, options)
  }
}

/** The key given does not open the item (wrong key, or ciphertext altered or moved). */
export class UndecryptableItemError extends PagdandiError {
  override name = 'UndecryptableItemError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UNDECRYPTABLE_ITEM', message, options)
  }
}

/** Bytes are truncated, oversized, non-canonical or otherwise malformed (items, rosters, keyrings). */
export class MalformedItemError extends PagdandiError {
  override name = 'MalformedItemError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_MALFORMED', message, options)
  }
}

/** A change too large to seal as one item (it could never be stored by a peer or replicated). */
export class ItemTooLargeError extends PagdandiError {
  override name = 'ItemTooLargeError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ITEM_TOO_LARGE', message, options)
  }
}

export { UnsupportedVersionError } from '../errors.js'

/** A signed roster older than (or conflicting with) the one already accepted. */
export class RosterRollbackError extends PagdandiError {
  override name = 'RosterRollbackError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ROSTER_ROLLBACK', message, options)
  }
}

/** A roster operation that makes no sense (adding a present facility, revoking an absent one). */
export class RosterUpdateError extends PagdandiError {
  override name = 'RosterUpdateError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ROSTER_UPDATE', message, options)
  }
}

/** A grant or rotation by a facility that does not hold the key generation it hands out. */
export class UnauthorisedGrantError extends PagdandiError {
  override name = 'UnauthorisedGrantError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UNAUTHORISED_GRANT', message, options)
  }
}

/** Two facilities both claim to have created one document: it needs review, nobody is entitled. */
export class GrantConflictError extends PagdandiError {
  override name = 'GrantConflictError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_GRANT_CONFLICT', message, options)
  }
}

/** A document key generation is not in the keyring (never granted, or erased). */
export class MissingKeyError extends PagdandiError {
  override name = 'MissingKeyError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_MISSING_KEY', message, options)
  }
}
