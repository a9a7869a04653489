/** Registration, identity linking and duplicate marking. */
import * as Automerge from '@automerge/automerge'
import type { AbhaLinkInput, ChangeContext, DuplicateInput, RegistrationInput, Unchecked } from './inputs.js'
import type { BirthInfo, EntryId, IsoInstant, PatientDoc, PatientId } from './types.js'
import { checkContext, compact, emitWarnings, newEntryId } from './context.js'
import { InvalidRecordInputError } from './errors.js'
import { validateEnum, validateInt, validateIsoDate, validateText, validateTextList } from './validate-clinical.js'
import type { RecordWarning } from './validate-ids.js'
import { validateAbhaAddress, validateAbhaNumber, validatePhone } from './validate-ids.js'
import { put, str, wrap } from './strings.js'

const SEXES = ['female', 'male', 'other', 'unknown'] as const

/** Validates how the birth is known; nothing may lie after the registration instant (plus skew). */
export function validateBirth(input: unknown, now: IsoInstant, field = 'birth'): BirthInfo {
  if (typeof input !== 'object' || input === null) throw new InvalidRecordInputError(field, 'missing')
  const b = input as Record<string, unknown>
  const thisYear = Number(now.slice(0, 4))
  switch (b.kind) {
    case 'date':
      return { kind: 'date', date: validateIsoDate(b.date, `${field}.date`, now) }
    case 'year':
      return { kind: 'year', year: validateInt(b.year, `${field}.year`, 1900, thisYear) }
    case 'approx-age':
      return {
        kind: 'approx-age',
        years: validateInt(b.years, `${field}.years`, 0, 120),
        asOf: validateIsoDate(b.asOf, `${field}.asOf`, now)
      }
    case 'unknown':
      if (Object.keys(b).length !== 1) throw new InvalidRecordInputError(field, 'an unknown birth holds nothing else')
      return { kind: 'unknown' }
    default:
      throw new InvalidRecordInputError(`${field}.kind`, 'must be date, year, approx-age or unknown')
  }
}

function validateAbha(input: Unchecked<AbhaLinkInput>): {
  abhaNumber?: string
  abhaAddress?: string
  warnings: RecordWarning[]
} {
  const number = input.abhaNumber === undefined ? undefined : validateAbhaNumber(input.abhaNumber)
  const abhaAddress = input.abhaAddress === undefined ? undefined : validateAbhaAddress(input.abhaAddress)
  return { abhaNumber: number?.value, abhaAddress, warnings: number?.warnings ?? [] }
}

/** A guardian is an object with a name and a relation; JSON's `null` or any other value is refused by field. */
export function validateGuardian(input: unknown): { name: string; relation: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InvalidRecordInputError('guardian', 'must be an object with name and relation')
  const g = input as Record<string, unknown>
  return {
    name: validateText(g.name, 'guardian.name', 100),
    relation: validateText(g.relation, 'guardian.relation', 40)
  }
}

/**
 * Builds the initial value of a new patient document, with plain strings (to use as a plain object,
 * or to store through `createPatientDoc` / `wrapStrings`, which make every string immutable).
 */
export function newPatientDoc(input: Unchecked<RegistrationInput>, ctx: ChangeContext): PatientDoc {
  const { facility, at, authored } = checkContext(ctx)
  if (typeof input !== 'object' || input === null) throw new TypeError('a RegistrationInput is required')
  const abha = validateAbha(input)
  const guardian = input.guardian === undefined ? undefined : validateGuardian(input.guardian)
  const doc: PatientDoc = {
    schema: 1,
    registeredAt: at,
    registeredBy: facility,
    ...(authored.author === undefined ? {} : { registeredByStaff: authored.author }),
    demographics: compact({
      name: validateText(input.name, 'name', 100),
      nameVariants:
        input.nameVariants === undefined ? [] : validateTextList(input.nameVariants, 'nameVariants', 10, 100),
      sex: validateEnum(input.sex, 'sex', SEXES),
      birth: validateBirth(input.birth, at),
      address: compact({
        village: input.village === undefined ? undefined : validateText(input.village, 'village', 100),
        block: input.block === undefined ? undefined : validateText(input.block, 'block', 100),
        district: input.district === undefined ? undefined : validateText(input.district, 'district', 100),
        pin: input.pin === undefined ? undefined : validatePin(input.pin)
      }),
      phone: input.phone === undefined ? undefined : validatePhone(input.phone),
      guardian
    }),
    identifiers: compact({
      uhid: input.uhid === undefined ? {} : { [facility]: validateText(input.uhid, 'uhid', 40) },
      abhaNumber: abha.abhaNumber,
      abhaAddress: abha.abhaAddress
    }),
    encounters: {},
    allergies: {},
    alerts: {},
    referrals: {},
    summaries: {},
    duplicates: {},
    resolutions: {}
  }
  emitWarnings(ctx, abha.warnings)
  return doc
}

/** Options of createPatientDoc. */
export interface CreatePatientDocOptions {
  /** Automerge actor id (hex); random by default. */
  actor?: string
  /**
   * Time stamped on the registration change, in whole seconds since the epoch. By default the wall
   * clock (as `Automerge.from` does); give it to make the saved bytes reproducible (synthetic data).
   */
  time?: number
}

/**
 * Registers a patient as a new Automerge document. (`Automerge.from` wants an index signature that the
 * PatientDoc interface lacks; this is the one place that bridges the two.) A string third argument is
 * the actor id, as before the options existed.
 */
export function createPatientDoc(
  input: Unchecked<RegistrationInput>,
  ctx: ChangeContext,
  options?: string | CreatePatientDocOptions
): Automerge.Doc<PatientDoc> {
  const opts: CreatePatientDocOptions = typeof options === 'string' ? { actor: options } : (options ?? {})
  if (opts.time !== undefined && (!Number.isSafeInteger(opts.time) || opts.time < 0)) {
    throw new TypeError('createPatientDoc: time must be whole seconds since the epoch')
  }
  const initial = wrap(newPatientDoc(input, ctx)) as unknown as Record<string, unknown>
  const init = opts.actor === undefined ? undefined : { actor: opts.actor }
  if (opts.time === undefined) return Automerge.from(initial, init) as unknown as Automerge.Doc<PatientDoc>
  // Same single change as Automerge.from, whose options cannot carry a change time.
  const empty = Automerge.init<Record<string, unknown>>(init)
  return Automerge.change(empty, { time: opts.time }, d => {
    Object.assign(d, initial)
  }) as unknown as Automerge.Doc<PatientDoc>
}

export function validatePin(input: unknown): string {
  // Chhattisgarh PIN codes start with 49; any Indian PIN is 6 digits not starting with 0.
  if (typeof input !== 'string' || !/^[1-9]\d{5}$/.test(input))
    throw new InvalidRecordInputError('pin', 'not a PIN code')
  return input
}

/**
 * Links an ABHA number and/or address to a record registered without them. Re-linking the same value
 * is a no-op; linking a different value is refused (that is a different person: mark a duplicate).
 */
export function linkAbha(d: PatientDoc, input: AbhaLinkInput, ctx: ChangeContext): void {
  const { facility, at } = checkContext(ctx)
  if (typeof input !== 'object' || input === null) throw new TypeError('an AbhaLinkInput is required')
  if (input.abhaNumber === undefined && input.abhaAddress === undefined) {
    throw new InvalidRecordInputError('abha', 'give an ABHA number or address')
  }
  const abha = validateAbha(input)
  const ids = d.identifiers
  const haveNumber = str(ids.abhaNumber)
  const haveAddress = str(ids.abhaAddress)
  if (abha.abhaNumber !== undefined && haveNumber !== undefined && haveNumber !== abha.abhaNumber) {
    throw new InvalidRecordInputError('abhaNumber', 'record is already linked to a different ABHA number')
  }
  if (abha.abhaAddress !== undefined && haveAddress !== undefined && haveAddress !== abha.abhaAddress) {
    throw new InvalidRecordInputError('abhaAddress', 'record is already linked to a different ABHA address')
  }
  const newNumber = abha.abhaNumber !== undefined && haveNumber === undefined
  const newAddress = abha.abhaAddress !== undefined && haveAddress === undefined
  if (newNumber) put(ids, 'abhaNumber', abha.abhaNumber)
  if (newAddress) put(ids, 'abhaAddress', abha.abhaAddress)
  if (newNumber || newAddress) put(ids, 'abhaLinked', { at, by: facility })
  emitWarnings(ctx, abha.warnings)
}

/** Records this facility's local UHID for the patient (e.g. when a referred patient arrives at the DH). */
export function setUhid(d: PatientDoc, uhid: string, ctx: ChangeContext): void {
  const { facility } = checkContext(ctx)
  const value = validateText(uhid, 'uhid', 40)
  if (str(d.identifiers.uhid[facility]) !== value) put(d.identifiers.uhid, facility, value)
}

/** Marks this record and another as the same person. Both records are kept; search shows them together. */
export function markDuplicate(d: PatientDoc, otherPatient: PatientId, reason: string, ctx: ChangeContext): EntryId {
  const { facility, at, authored } = checkContext(ctx)
  const input: DuplicateInput = {
    otherPatient: validateText(otherPatient, 'otherPatient', 100) as PatientId,
    reason: validateText(reason, 'reason', 500)
  }
  const id = newEntryId(ctx, d.duplicates)
  put(d.duplicates, id, {
    otherPatient: input.otherPatient,
    markedAt: at,
    by: facility,
    reason: input.reason,
    ...authored
  })
  return id
}
