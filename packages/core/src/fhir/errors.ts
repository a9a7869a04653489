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

/** The export was asked for something the patient document does not hold (an unknown entry id). */
export class FhirExportError extends PagdandiError {
  override name = 'FhirExportError'

  constructor(message: string) {
    super('ERR_FHIR_EXPORT', message)
  }
}
