/**
 * @pagdandi/core/consent: consent terms a grant carries (ABDM consent artefact fields) and the
 * erasure notices (request, confirmation). Pure, no I/O. Bytes: docs/PROTOCOL.md.
 */
export * from './errors.js'
export {
  CONSENT_PURPOSES,
  HI_TYPES,
  CONSENT_TERMS_VERSION,
  validateConsentTerms,
  encodeConsentTerms,
  decodeConsentTerms,
  type ConsentTerms,
  type ConsentPurpose,
  type HiType
} from './terms.js'
export {
  NOTICE_ERASURE_REQUEST,
  NOTICE_ERASURE_CONFIRMATION,
  encodeErasureRequest,
  decodeErasureRequest,
  encodeErasureConfirmation,
  decodeErasureConfirmation,
  type ErasureRequest,
  type ErasureConfirmation,
  type ErasureCause
} from './erasure.js'
export {
  NOTICE_RECORD_REQUEST,
  NOTICE_REQUEST_REPLY,
  MAX_REASON_BYTES,
  normaliseIdentifier,
  blindIdentifier,
  encodeRecordRequest,
  decodeRecordRequest,
  encodeRequestReply,
  decodeRequestReply,
  type RecordRequest,
  type RequestReply,
  type RequestIdKind
} from './request.js'
