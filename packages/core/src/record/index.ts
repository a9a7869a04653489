/** @pagdandi/core/record: the patient document, its inputs and its change functions. */
export type * from './types.js'
export type * from './inputs.js'
