/**
 * Correcting a patient's demographics after registration. Each field given replaces the recorded
 * one (a field-level write: concurrent corrections at two facilities surface as conflicts); a name
 * replaced is kept among the name variants, so a search by the old spelling still finds the
 * patient. Identifiers are not edited here (a UHID is set per facility, an ABHA number linked once).
 */
import type { ChangeContext, DemographicsInput, Unchecked } from './inputs.js'
import type { Demographics, PatientDoc } from './types.js'
import { checkContext } from './context.js'
import { InvalidRecordInputError } from './errors.js'
import { validateBirth, validateGuardian, validatePin } from './registration.js'
import { validateEnum, validateText } from './validate-clinical.js'
import { validatePhone } from './validate-ids.js'
import { plainValue, put, str, wrap } from './strings.js'

const SEXES = ['female', 'male', 'other', 'unknown'] as const
const FIELDS = ['name', 'sex', 'birth', 'village', 'block', 'district', 'pin', 'phone', 'guardian']
const MAX_VARIANTS = 10

/** Validates a correction; every field's error is its own (the first one found is thrown). */
function validateDemographics(
  input: Unchecked<DemographicsInput>,
  at: string
): Partial<Demographics> & Record<string, unknown> {
  if (typeof input !== 'object' || input === null) throw new TypeError('a DemographicsInput is required')
  for (const k of Object.keys(input))
    if (!FIELDS.includes(k)) throw new InvalidRecordInputError(k.slice(0, 40), 'unknown')
  if (Object.values(input).every(v => v === undefined))
    throw new InvalidRecordInputError('demographics', 'nothing to change')
  const out: Record<string, unknown> = {}
  if (input.name !== undefined) out.name = validateText(input.name, 'name', 100)
  if (input.sex !== undefined) out.sex = validateEnum(input.sex, 'sex', SEXES)
  if (input.birth !== undefined) out.birth = validateBirth(input.birth, at)
  for (const k of ['village', 'block', 'district'] as const)
    if (input[k] !== undefined) out[k] = validateText(input[k], k, 100)
  if (input.pin !== undefined) out.pin = input.pin === null ? null : validatePin(input.pin)
  if (input.phone !== undefined) out.phone = input.phone === null ? null : validatePhone(input.phone)
  if (input.guardian !== undefined) out.guardian = input.guardian === null ? null : validateGuardian(input.guardian)
  return out
}

/** Whether the recorded value already is the one given (`null`: absent). */
const same = (a: unknown, b: unknown): boolean =>
  b === null ? a === undefined : JSON.stringify(plainValue(a)) === JSON.stringify(b)

/** Applies a correction of the demographics; returns the fields that changed. */
export function editDemographics(d: PatientDoc, input: Unchecked<DemographicsInput>, ctx: ChangeContext): string[] {
  const { at } = checkContext(ctx)
  const v = validateDemographics(input, at)
  const dem = d.demographics
  const changed: string[] = []
  if (v.name !== undefined && str(dem.name) !== v.name) {
    const old = str(dem.name)
    put(dem, 'name', v.name)
    const variants = dem.nameVariants.map(x => str(x))
    if (!variants.includes(old) && variants.length < MAX_VARIANTS) dem.nameVariants.push(wrap(old))
    changed.push('name')
  }
  for (const k of ['sex', 'birth', 'phone', 'guardian'] as const) {
    if (!(k in v)) continue
    const value = v[k]
    if (same(dem[k], value)) continue
    if (value === null) delete dem[k]
    else put(dem, k, value as never)
    changed.push(k)
  }
  for (const k of ['village', 'block', 'district', 'pin'] as const) {
    if (!(k in v)) continue
    const value = v[k] as string | null
    if (same(dem.address[k], value)) continue
    if (value === null) delete dem.address[k]
    else put(dem.address, k, value)
    changed.push(k)
  }
  return changed
}
