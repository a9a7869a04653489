/**
 * Named errors of the node's HTTP API. Each carries the HTTP status it answers with; messages
 * carry ids and field names, never patient data.
 */
import { PagdandiError } from '@pagdandi/core'

/** An error of the HTTP layer itself, constructed with its status. */
export class HttpError extends PagdandiError {
  /** HTTP status code to answer with. */
  override readonly status: number
  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.status = status
  }
}

/** The request body is not JSON, is too large, or lacks a required field. */
export class BadRequestError extends HttpError {
  override name = 'BadRequestError'
  constructor(message: string) {
    super(400, 'ERR_BAD_REQUEST', message)
  }
}

/** No route matches the method and path. */
export class RouteNotFoundError extends HttpError {
  override name = 'RouteNotFoundError'
  constructor(method: string, path: string) {
    super(404, 'ERR_ROUTE_NOT_FOUND', `no route for ${method} ${path}`)
  }
}

/** The patient id is unknown here, or this facility holds no key for it (the two look the same). */
export class PatientNotFoundError extends HttpError {
  override name = 'PatientNotFoundError'
  constructor(patientId: string) {
    super(404, 'ERR_PATIENT_NOT_FOUND', `patient ${patientId} is not known on this node`)
  }
}

/** The patient was erased on this node (consent withdrawn): its keys are destroyed. */
export class PatientErasedError extends HttpError {
  override name = 'PatientErasedError'
  constructor(patientId: string) {
    super(404, 'ERR_PATIENT_ERASED', `patient ${patientId} was erased on this node`)
  }
}

/** The request body exceeds the API's size cap. */
export class BodyTooLargeError extends HttpError {
  override name = 'BodyTooLargeError'
  constructor(limit: number) {
    super(413, 'ERR_BODY_TOO_LARGE', `request body exceeds ${limit} bytes`)
  }
}

/** A cross-origin request was refused (DNS-rebinding and drive-by protection). */
export class ForbiddenOriginError extends HttpError {
  override name = 'ForbiddenOriginError'
  constructor() {
    super(403, 'ERR_FORBIDDEN_ORIGIN', 'cross-origin requests are not accepted')
  }
}

/** The feature is not available in this build (e.g. FHIR before the module exists). */
export class NotImplementedError extends HttpError {
  override name = 'NotImplementedError'
  constructor(what: string) {
    super(501, 'ERR_NOT_IMPLEMENTED', `${what} is not available on this node`)
  }
}

/** The node is still rebuilding its documents and cannot answer yet. */
export class NodeStartingError extends HttpError {
  override name = 'NodeStartingError'
  constructor() {
    super(503, 'ERR_NODE_STARTING', 'the node is starting; try again shortly')
  }
}

/** The node was asked to serve the facility LAN without TLS: sign-in cookies would cross the LAN in clear. */
export class TlsRequiredError extends HttpError {
  override name = 'TlsRequiredError'
  constructor(host: string) {
    super(
      400,
      'ERR_TLS_REQUIRED',
      `serving on ${host} needs TLS: run \`pagdandi tls create\` (see the README, "facility LAN")`
    )
  }
}

/**
 * A registration carries a UHID this facility already gave, or an ABHA number a registered patient
 * already has: a second record of one person would split their history (issue 15, duplicates).
 */
export class DuplicateIdentifierError extends HttpError {
  override name = 'DuplicateIdentifierError'
  constructor(
    readonly field: 'uhid' | 'abhaNumber',
    readonly patientId: string
  ) {
    super(409, 'ERR_DUPLICATE_IDENTIFIER', `${field}: already registered as patient ${patientId}`)
  }
}
