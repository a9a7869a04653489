/**
 * Named errors of the patient record. Messages name the field and entry ids only: never the rejected
 * value, because values here are patient data (ABHA numbers, names, phone numbers).
 */
import { PagdandiError } from '../errors.js'

/** An ABHA number is not 14 digits (bare or `XX-XXXX-XXXX-XXXX`). A Luhn failure is only a warning. */
export class InvalidAbhaNumberError extends PagdandiError {
  override name = 'InvalidAbhaNumberError'
  constructor(field: string) {
    super('ERR_INVALID_ABHA_NUMBER', `${field}: not a 14-digit ABHA number`)
  }
}

/** An ABHA address does not follow the `handle@abdm|sbx|ndhm` rules. */
export class InvalidAbhaAddressError extends PagdandiError {
  override name = 'InvalidAbhaAddressError'
  constructor(field: string) {
    super('ERR_INVALID_ABHA_ADDRESS', `${field}: not a valid ABHA address`)
  }
}

/** A facility id is not an HFR id (`IN` + 2-digit state code + 8 digits). */
export class InvalidHfrIdError extends PagdandiError {
  override name = 'InvalidHfrIdError'
  constructor(field: string) {
    super('ERR_INVALID_HFR_ID', `${field}: not an HFR facility id`)
  }
}

/** A practitioner id is not a 14-digit HPR id. */
export class InvalidHprIdError extends PagdandiError {
  override name = 'InvalidHprIdError'
  constructor(field: string) {
    super('ERR_INVALID_HPR_ID', `${field}: not a 14-digit HPR id`)
  }
}

/** A date or instant is malformed, not a real calendar date, or too far in the future. */
export class InvalidDateError extends PagdandiError {
  override name = 'InvalidDateError'
  constructor(field: string, why: string) {
    super('ERR_INVALID_DATE', `${field}: ${why}`)
  }
}

/** A coding has an unknown system, a code of the wrong format, or no display text. */
export class InvalidCodeError extends PagdandiError {
  override name = 'InvalidCodeError'
  constructor(field: string, why: string) {
    super('ERR_INVALID_CODE', `${field}: ${why}`)
  }
}

/** A vital sign is outside the physiological range (usually a unit or typing mistake). */
export class VitalOutOfRangeError extends PagdandiError {
  override name = 'VitalOutOfRangeError'
  constructor(field: string) {
    super('ERR_VITAL_OUT_OF_RANGE', `${field}: outside the physiological range`)
  }
}

/** Any other field of an input (or the change context) is missing, of the wrong kind, or out of bounds. */
export class InvalidRecordInputError extends PagdandiError {
  override name = 'InvalidRecordInputError'
  constructor(field: string, why: string) {
    super('ERR_INVALID_RECORD_INPUT', `${field}: ${why}`)
  }
}

/** The entry a change refers to (encounter, prescription, referral …) is not in the document. */
export class EntryNotFoundError extends PagdandiError {
  override name = 'EntryNotFoundError'
  constructor(kind: string, id: string) {
    super('ERR_ENTRY_NOT_FOUND', `${kind} ${id} not found`)
  }
}

/** A referral status change would not move the referral forward, or is made by the wrong facility. */
export class InvalidReferralTransitionError extends PagdandiError {
  override name = 'InvalidReferralTransitionError'
  constructor(referralId: string, why: string) {
    super('ERR_INVALID_REFERRAL_TRANSITION', `referral ${referralId}: ${why}`)
  }
}

/** A conflict names a path that is not a reviewable clinical field of this document. */
export class UnknownConflictPathError extends PagdandiError {
  override name = 'UnknownConflictPathError'
  constructor(path: string) {
    super('ERR_UNKNOWN_CONFLICT_PATH', `no reviewable field at ${path}`)
  }
}

/**
 * A document (or a change to one) breaks the patient-document schema: a section of the wrong kind,
 * an unknown field, an entry removed or an identity field rewritten. Names the path, never the value.
 */
export class InvalidPatientDocumentError extends PagdandiError {
  override name = 'InvalidPatientDocumentError'
  constructor(
    readonly path: string,
    why: string,
    options?: { cause?: unknown }
  ) {
    super('ERR_INVALID_PATIENT_DOCUMENT', `${path}: ${why}`, options)
  }
}

/**
 * A merge or unmerge that cannot be made: a record merged with itself, a record already merged into
 * another, a survivor that is itself merged away, or an unmerge of records that are not merged.
 */
export class RecordMergeError extends PagdandiError {
  override name = 'RecordMergeError'
  override readonly status = 409
  constructor(
    readonly reason: 'self' | 'already-merged' | 'survivor-merged' | 'not-merged',
    patientId: string
  ) {
    super('ERR_RECORD_MERGE', `record ${patientId}: ${reason}`)
  }
}
