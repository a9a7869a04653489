import { PagdandiError } from '../errors.js'

/** Consent terms given to the API are not ABDM consent artefact terms this node can honour. */
export class ConsentTermsError extends PagdandiError {
  override name = 'ConsentTermsError'
  constructor(message: string) {
    super('ERR_CONSENT_TERMS', message)
  }
}

/**
 * An erasure request for a record by a facility that is not its home (the facility whose self-grant
 * created it), or issued by a node that is not the home. Refused by name everywhere.
 */
export class ErasureNotByHomeError extends PagdandiError {
  override name = 'ErasureNotByHomeError'
  override readonly status = 403
  constructor(
    readonly docId: string,
    readonly issuer: string,
    readonly home: string | undefined
  ) {
    super(
      'ERR_ERASURE_NOT_BY_HOME',
      `erasure of ${docId} requested by ${issuer}, but its home facility is ${home ?? 'unknown here'}`
    )
  }
}

/** No erasure request for this record was issued here (`GET /api/erasures/:id`). */
export class ErasureNotIssuedError extends PagdandiError {
  override name = 'ErasureNotIssuedError'
  override readonly status = 404
  constructor(docId: string) {
    super('ERR_ERASURE_NOT_ISSUED', `no erasure request for ${docId} was issued here`)
  }
}
