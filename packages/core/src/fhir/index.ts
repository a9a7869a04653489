/**
 * @pagdandi/core/fhir: ABDM interoperability. Projection of a patient document into NRCeS IG 6.x FHIR
 * R4 document bundles, import of such bundles back into a patient document, and offline validation
 * of any document bundle against the IG's fixed codes, slicings and cardinalities.
 */
export {
  ABDM_IG_CANONICAL,
  ABDM_IG_VERSION,
  COMPOSITION_TYPE,
  DS_SECTION,
  FHIR_VERSION,
  IDENTIFIER_SYSTEMS,
  isIdentifierSystem,
  OP_SECTION,
  SYSTEM,
  profileUrl,
  uhidSystem
} from './constants.js'
export { FhirExportError, InvalidFhirBundleError, UnnamedPatientError, UnsupportedFhirDocumentError } from './errors.js'
export type { AbdmDocumentKind, ExportedDocument } from './export.js'
export {
  careSummaryBundle,
  exportPatientBundles,
  labReportBundle,
  opConsultBundle,
  prescriptionBundle,
  referralBundle
} from './export.js'
export type { ExportScope, FacilityInfo, PractitionerInfo } from './resources-parties.js'
export type {
  ImportedDocumentKind,
  ImportedEncounter,
  ImportedPatient,
  ImportedRecord,
  ImportOptions,
  ImportReportEntry
} from './import.js'
export { importBundle } from './import.js'
export type { MergedItem, MergeReport } from './merge.js'
export { applyImport, registrationFromImport } from './merge.js'
export type { FhirIssue, FhirIssueSeverity, StructureCheck, ValidateOptions, ValidationResult } from './validate.js'
export { formatIssue, validateBundle } from './validate.js'
export { COMPOSITION_PROFILES, detectProfile } from './profiles.js'
export { deterministicUuid } from './uuid.js'
export { FHIR_DATE, FHIR_DATE_TIME, FHIR_INSTANT, toUtcInstant } from './datetime.js'
export { IG_RULES_SOURCE } from './ig-check.js'
export { LAB_ORDER_SNOMED, NO_KNOWN_ALLERGY } from './terminology.js'
