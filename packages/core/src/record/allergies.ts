/** Allergies and standing clinical alerts. */
import type { AlertInput, AllergyInput, ChangeContext } from './inputs.js'
import type { EntryId, PatientDoc, Severity } from './types.js'
import { checkContext, compact, emitWarnings, entry, newEntryId } from './context.js'
import { CODE_SYSTEMS, validateCoding, validateEnum, validateText } from './validate-clinical.js'
import { put, str } from './strings.js'

/** Allergy severities, mildest first. */
export const SEVERITIES: readonly Severity[] = ['mild', 'moderate', 'severe']

/** Records an allergy or intolerance. */
export function addAllergy(d: PatientDoc, input: AllergyInput, ctx: ChangeContext): EntryId {
  const { facility, at, authored } = checkContext(ctx)
  if (typeof input !== 'object' || input === null) throw new TypeError('an AllergyInput is required')
  const coding = input.coding === undefined ? undefined : validateCoding(input.coding, 'coding', [CODE_SYSTEMS.snomed])
  const value = compact({
    substance: validateText(input.substance, 'substance', 120),
    coding: coding?.value,
    reaction: input.reaction === undefined ? undefined : validateText(input.reaction, 'reaction', 200),
    severity: validateEnum(input.severity, 'severity', SEVERITIES),
    recordedAt: at,
    by: facility,
    ...authored
  })
  const id = newEntryId(ctx, d.allergies)
  put(d.allergies, id, { id, ...value })
  emitWarnings(ctx, coding?.warnings ?? [])
  return id
}

/** Changes an allergy's severity. Concurrent changes surface through openConflicts. */
export function setAllergySeverity(d: PatientDoc, allergyId: EntryId, severity: Severity, ctx: ChangeContext): void {
  checkContext(ctx)
  const value = validateEnum(severity, 'severity', SEVERITIES)
  const allergy = entry(d.allergies, allergyId, 'allergy')
  if (str(allergy.severity) !== value) put(allergy, 'severity', value)
}

/** Adds an active clinical alert (e.g. sickle cell disease, high-risk pregnancy). */
export function addAlert(d: PatientDoc, input: AlertInput, ctx: ChangeContext): EntryId {
  const { facility, at, authored } = checkContext(ctx)
  if (typeof input !== 'object' || input === null) throw new TypeError('an AlertInput is required')
  const coding = input.coding === undefined ? undefined : validateCoding(input.coding, 'coding')
  const value = compact({
    text: validateText(input.text, 'text', 200),
    coding: coding?.value,
    recordedAt: at,
    by: facility,
    active: true,
    ...authored
  })
  const id = newEntryId(ctx, d.alerts)
  put(d.alerts, id, { id, ...value })
  emitWarnings(ctx, coding?.warnings ?? [])
  return id
}

/** Marks an alert inactive. The alert stays in the record for history. */
export function deactivateAlert(d: PatientDoc, alertId: EntryId, ctx: ChangeContext): void {
  checkContext(ctx)
  const alert = entry(d.alerts, alertId, 'alert')
  if (alert.active) put(alert, 'active', false)
}
