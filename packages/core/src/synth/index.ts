/** @pagdandi/core/synth: a seeded synthetic Bastar data generator (facilities, patients, CHC days). */
export { generateFacilities, facilitiesIn } from './facilities.js'
export type { SynthFacility, LinkProfileName } from './facilities.js'
export { generatePatients, generateChcDay } from './generate.js'
export type { GeneratePatientsOptions, GenerateChcDayOptions } from './generate.js'
export type * from './types.js'
export { DISTRICTS, HOSPITALS, CHC_SITES, HUB_DISTRICT, villagesOf } from './geography.js'
export type { DistrictName, DistrictInfo } from './geography.js'
export { CONDITIONS } from './clinical.js'
export { DX, LAB, DRUG } from './codes.js'
export { luhnCheckDigit, synthAbhaNumber, synthAbhaAddress, synthHfrId, synthHprId } from './identifiers.js'
export { InvalidSynthParameterError } from './errors.js'
export {
  buildPatientDoc,
  buildPatientBytes,
  applyCare,
  seededEntryIds,
  seededActor,
  DEFAULT_GRANULARITY
} from './build.js'
export type { BuildOptions, Granularity } from './build.js'
