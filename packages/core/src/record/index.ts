/** @pagdandi/core/record: the patient document, its inputs, validators and change functions. */
export type * from './types.js'
export type * from './inputs.js'
export * from './errors.js'
export type { RecordWarning, Validated } from './validate-ids.js'
export {
  luhnValid,
  validateAbhaAddress,
  validateAbhaNumber,
  validateHfrId,
  validateHprId,
  validatePhone
} from './validate-ids.js'
export {
  CODE_SYSTEMS,
  FUTURE_SKEW_MS,
  VITAL_RANGES,
  validateCoding,
  validateIsoDate,
  validateIsoInstant,
  validateVitals,
  verhoeffValid
} from './validate-clinical.js'
export { randomEntryId, validateAuthor } from './context.js'
export { createPatientDoc, linkAbha, markDuplicate, newPatientDoc, setUhid, validateBirth } from './registration.js'
export type { CreatePatientDocOptions } from './registration.js'
export {
  addDiagnosis,
  addEncounter,
  addPrescription,
  dispense,
  orderLab,
  recordLabResult,
  setPrescriptionDose,
  validateDose
} from './encounter.js'
export { SEVERITIES, addAlert, addAllergy, deactivateAlert, setAllergySeverity } from './allergies.js'
export { STATUS_RANK, advanceReferral, createReferral, currentStatus, writeCareSummary } from './referral.js'
export type { Conflict, ConflictValue } from './conflicts.js'
export { openConflicts, resolveConflict } from './conflicts.js'
export { editDemographics } from './demographics.js'
export { activeMerges, linkMerge, mergedFrom, mergedInto, undoMerge } from './recordMerge.js'
export type { EditClaim, EditKind, EditSummary } from './edit.js'
export { checkEdit } from './edit.js'
export type { ChangeSource, EntryAttribution, Verification } from './attribution.js'
export { attributeEntries, changeHashes, changeOfOp, conflictAttribution, judge } from './attribution.js'
export { plainValue, put as writeField, readPatient, str as readString, wrap as wrapStrings } from './strings.js'
