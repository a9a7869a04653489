/** Named errors of the synthetic data generator. */
import { PagdandiError } from '../errors.js'

/** A generator parameter is outside what the generator can honour (e.g. a negative count, a bad date). */
export class InvalidSynthParameterError extends PagdandiError {
  override name = 'InvalidSynthParameterError'
  constructor(parameter: string, reason: string) {
    super('ERR_INVALID_SYNTH_PARAMETER', `synthetic data parameter ${parameter}: ${reason}`)
  }
}
