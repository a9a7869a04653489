/** Named errors of the FHIR module. Messages carry bundle ids and rule names, never patient data. */
import { PagdandiError } from '../errors.js'
import type { FhirIssue } from './validate.js'

/** A bundle failed offline validation; `issues` lists every error with its path and rule. */
export class InvalidFhirBundleError extends PagdandiError {
  override name = 'InvalidFhirBundleError'
  /** The errors (severity `error`) that made the bundle invalid. */
  readonly issues: readonly FhirIssue[]

  /** The file or upload the bundle came from, if the caller named it. */
  readonly source: string | undefined

  constructor(issues: readonly FhirIssue[], source?: string) {
    const first = issues
      .slice(0, 3)
      .map(i => `${i.path}: ${i.rule}`)
      .join('; ')
    const where = source === undefined ? '' : `${source}: `
    super('ERR_INVALID_FHIR_BUNDLE', `${where}invalid FHIR document bundle (${issues.length} error(s)): ${first}`)
    this.issues = issues
    this.source = source
  }
}

/** A valid bundle of a document type the importer does not map (e.g. WellnessRecord). */
export class UnsupportedFhirDocumentError extends PagdandiError {
  override name = 'UnsupportedFhirDocumentError'

  constructor(typeCode: string) {
    super('ERR_UNSUPPORTED_FHIR_DOCUMENT', `no import mapping for Composition.type ${typeCode}`)
  }
}

/**
 * A bundle that names no patient, for a patient this node does not have (no patient here holds its
 * ABHA number): registering it would mean making up a name, so nothing is imported. The clinician
 * registers the patient first (with the name the patient gives) and imports the bundle again.
 */
export class UnnamedPatientError extends PagdandiError {
  override name = 'UnnamedPatientError'
  override readonly status = 422

  constructor() {
    super(
      'ERR_UNNAMED_PATIENT',
      'the bundle names no patient and no patient here has its ABHA number: register the patient, then import'
    )
  }
}

/** The export was asked for something the patient document does not hold (an unknown entry id). */
export class FhirExportError extends PagdandiError {
  override name = 'FhirExportError'

  constructor(message: string) {
    super('ERR_FHIR_EXPORT', message)
  }
}
