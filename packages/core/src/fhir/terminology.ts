/**
 * The few clinical codes the projection maps between the record and the IG. The record codes lab
 * tests in LOINC (what a lab reports); the IG's ServiceRequest fixes `code.coding.system` to SNOMED CT,
 * so an order carries the SNOMED procedure where one is known (else the general "Laboratory
 * procedure"), with the LOINC test kept in `orderDetail`. Only codes checked against a published
 * source are listed; a test without one is not guessed at.
 */
import type { FixedCode } from './constants.js'

/** SNOMED CT procedures for the LOINC tests the record orders. */
export const LAB_ORDER_SNOMED: Readonly<Record<string, FixedCode>> = {
  '718-7': { code: '104142005', display: 'Hemoglobin determination' },
  '2339-0': { code: '33747003', display: 'Glucose measurement, blood' },
  '20454-5': { code: '27171005', display: 'Urinalysis' },
  '25428-4': { code: '27171005', display: 'Urinalysis' },
  '11545-1': { code: '167995008', display: 'Sputum microscopy' }
}

/** The order code when the test has no SNOMED procedure in {@link LAB_ORDER_SNOMED}. */
export const LAB_PROCEDURE: FixedCode = { code: '108252007', display: 'Laboratory procedure' }

/**
 * SNOMED CT situations that record the absence of an allergy (the IG's AllergyIntolerance example
 * uses 716186003). An AllergyIntolerance coded with one is a negative assertion, never an allergy.
 */
export const NO_KNOWN_ALLERGY: Readonly<Record<string, string>> = {
  '716186003': 'No known allergy',
  '409137002': 'No known drug allergy',
  '429625007': 'No known food allergy',
  '428607008': 'No known environmental allergy'
}
