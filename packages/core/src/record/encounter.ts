/** Encounters and what happens in them: diagnoses, prescriptions, lab orders and results, dispensing. */
import type {
  ChangeContext,
  DiagnosisInput,
  EncounterInput,
  LabOrderInput,
  LabResultInput,
  PrescriptionInput,
  Unchecked
} from './inputs.js'
import type { Diagnosis, Encounter, EntryId, LabOrder, PatientDoc, Prescription } from './types.js'
import { checkContext, compact, emitWarnings, entry, newEntryId } from './context.js'
import { InvalidRecordInputError } from './errors.js'
import {
  CODE_SYSTEMS,
  validateCoding,
  validateEnum,
  validateInt,
  validateText,
  validateTextList,
  validateVitals
} from './validate-clinical.js'
import type { RecordWarning } from './validate-ids.js'
import { validateHprId } from './validate-ids.js'
import { put, str } from './strings.js'

type Checked<T> = { value: T; warnings: RecordWarning[] }

/** The fields of an object input, each still to be checked; a missing or non-object one is refused by name. */
function fieldsOf<T>(value: unknown, field: string): Unchecked<T> {
  if (typeof value !== 'object' || value === null) throw new InvalidRecordInputError(field, 'missing')
  return value
}

/** An optional list input: absent is empty; anything but a list is refused by name. */
function listOf(value: unknown, field: string): unknown[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new InvalidRecordInputError(field, 'must be a list')
  return value
}

function checkDiagnosis(value: unknown, field: string): Checked<Omit<Diagnosis, 'id'>> {
  const input = fieldsOf<DiagnosisInput>(value, field)
  const coding = validateCoding(input.coding, `${field}.coding`, [CODE_SYSTEMS.snomed, CODE_SYSTEMS.icd10])
  return {
    value: {
      coding: coding.value,
      text: validateText(input.text, `${field}.text`, 500),
      certainty:
        input.certainty === undefined
          ? 'provisional'
          : validateEnum(input.certainty, `${field}.certainty`, ['provisional', 'confirmed'] as const)
    },
    warnings: coding.warnings
  }
}

/** Validates a dose as written ("500 mg", "1 tab", "5 ml"). */
export function validateDose(input: unknown, field = 'dose'): string {
  return validateText(input, field, 60)
}

function checkPrescription(value: unknown, field: string): Checked<Omit<Prescription, 'id'>> {
  const input = fieldsOf<PrescriptionInput>(value, field)
  const coding =
    input.coding === undefined ? undefined : validateCoding(input.coding, `${field}.coding`, [CODE_SYSTEMS.snomed])
  return {
    value: compact({
      drug: validateText(input.drug, `${field}.drug`, 120),
      coding: coding?.value,
      dose: validateDose(input.dose, `${field}.dose`),
      frequency: validateText(input.frequency, `${field}.frequency`, 60),
      durationDays: validateInt(input.durationDays, `${field}.durationDays`, 1, 365),
      route: validateText(input.route, `${field}.route`, 40),
      instructions:
        input.instructions === undefined ? undefined : validateText(input.instructions, `${field}.instructions`, 500)
    }),
    warnings: coding?.warnings ?? []
  }
}

function checkLabOrder(value: unknown, field: string): Checked<LabOrder['test']> {
  const input = fieldsOf<LabOrderInput>(value, field)
  return validateCoding(input.test, `${field}.test`, [CODE_SYSTEMS.loinc])
}

/** Records an encounter (OPD by default) with its complaints, vitals and any diagnoses, prescriptions and lab orders. */
export function addEncounter(d: PatientDoc, input: Unchecked<EncounterInput>, ctx: ChangeContext): EntryId {
  const { facility, at, authored } = checkContext(ctx)
  if (typeof input !== 'object' || input === null) throw new TypeError('an EncounterInput is required')
  const diagnoses = listOf(input.diagnoses, 'diagnoses').map((x, i) => checkDiagnosis(x, `diagnoses[${i}]`))
  const prescriptions = listOf(input.prescriptions, 'prescriptions').map((x, i) =>
    checkPrescription(x, `prescriptions[${i}]`)
  )
  const labOrders = listOf(input.labOrders, 'labOrders').map((x, i) => checkLabOrder(x, `labOrders[${i}]`))
  const base: Encounter = compact({
    id: '' as EntryId,
    kind: input.kind === undefined ? 'opd' : validateEnum(input.kind, 'kind', ['opd', 'ipd', 'emergency'] as const),
    facility,
    practitioner: input.practitioner === undefined ? authored.author?.hprId : validateHprId(input.practitioner),
    at,
    complaints: validateTextList(input.complaints, 'complaints', 20, 200),
    vitals: input.vitals === undefined ? {} : validateVitals(input.vitals),
    diagnoses: {},
    prescriptions: {},
    labOrders: {},
    dispensing: {},
    notes: input.notes === undefined ? undefined : validateText(input.notes, 'notes', 4000),
    ...authored
  })
  // Everything is validated above; only now is the document touched.
  const id = newEntryId(ctx, d.encounters)
  base.id = id
  for (const x of diagnoses) {
    const k = newEntryId(ctx, base.diagnoses)
    base.diagnoses[k] = { id: k, ...x.value, ...authored }
  }
  for (const x of prescriptions) {
    const k = newEntryId(ctx, base.prescriptions)
    base.prescriptions[k] = { id: k, ...x.value, ...authored }
  }
  for (const x of labOrders) {
    const k = newEntryId(ctx, base.labOrders)
    base.labOrders[k] = { id: k, test: x.value, orderedAt: at, ...authored }
  }
  put(d.encounters, id, base)
  emitWarnings(
    ctx,
    [...diagnoses, ...prescriptions, ...labOrders].flatMap(x => x.warnings)
  )
  return id
}

/** Adds a diagnosis (SNOMED CT or ICD-10) to an encounter. */
export function addDiagnosis(d: PatientDoc, encounterId: EntryId, input: DiagnosisInput, ctx: ChangeContext): EntryId {
  const { authored } = checkContext(ctx)
  const checked = checkDiagnosis(input, 'diagnosis')
  const enc = entry(d.encounters, encounterId, 'encounter')
  const id = newEntryId(ctx, enc.diagnoses)
  put(enc.diagnoses, id, { id, ...checked.value, ...authored })
  emitWarnings(ctx, checked.warnings)
  return id
}

/** Adds a prescription line to an encounter. */
export function addPrescription(
  d: PatientDoc,
  encounterId: EntryId,
  input: PrescriptionInput,
  ctx: ChangeContext
): EntryId {
  const { authored } = checkContext(ctx)
  const checked = checkPrescription(input, 'prescription')
  const enc = entry(d.encounters, encounterId, 'encounter')
  const id = newEntryId(ctx, enc.prescriptions)
  put(enc.prescriptions, id, { id, ...checked.value, ...authored })
  emitWarnings(ctx, checked.warnings)
  return id
}

/** Changes a prescription's dose. Concurrent changes surface through openConflicts. */
export function setPrescriptionDose(
  d: PatientDoc,
  encounterId: EntryId,
  prescriptionId: EntryId,
  dose: string,
  ctx: ChangeContext
): void {
  checkContext(ctx)
  const value = validateDose(dose)
  const rx = entry(entry(d.encounters, encounterId, 'encounter').prescriptions, prescriptionId, 'prescription')
  if (str(rx.dose) !== value) put(rx, 'dose', value)
}

/** Orders a lab test (LOINC) in an encounter. */
export function orderLab(d: PatientDoc, encounterId: EntryId, input: LabOrderInput, ctx: ChangeContext): EntryId {
  const { at, authored } = checkContext(ctx)
  const checked = checkLabOrder(input, 'labOrder')
  const enc = entry(d.encounters, encounterId, 'encounter')
  const id = newEntryId(ctx, enc.labOrders)
  put(enc.labOrders, id, { id, test: checked.value, orderedAt: at, ...authored })
  return id
}

/** Records the result of a lab order. A second, different result for one order surfaces as a conflict. */
export function recordLabResult(
  d: PatientDoc,
  encounterId: EntryId,
  labOrderId: EntryId,
  input: LabResultInput,
  ctx: ChangeContext
): void {
  const { facility, at, authored } = checkContext(ctx)
  if (typeof input !== 'object' || input === null) throw new TypeError('a LabResultInput is required')
  const result = compact({
    value: validateText(input.value, 'result.value', 200),
    unit: input.unit === undefined ? undefined : validateText(input.unit, 'result.unit', 30),
    interpretation:
      input.interpretation === undefined
        ? undefined
        : validateEnum(input.interpretation, 'result.interpretation', [
            'normal',
            'abnormal',
            'positive',
            'negative'
          ] as const),
    resultedAt: at,
    by: facility,
    ...authored
  })
  const order = entry(entry(d.encounters, encounterId, 'encounter').labOrders, labOrderId, 'labOrder')
  put(order, 'result', result)
}

/** Records medicines handed over against a prescription. */
export function dispense(
  d: PatientDoc,
  encounterId: EntryId,
  prescriptionId: EntryId,
  quantity: number,
  ctx: ChangeContext
): EntryId {
  const { facility, at, authored } = checkContext(ctx)
  const qty = validateInt(quantity, 'quantity', 1, 10_000)
  const enc = entry(d.encounters, encounterId, 'encounter')
  const rxId = str(entry(enc.prescriptions, prescriptionId, 'prescription').id)
  const id = newEntryId(ctx, enc.dispensing)
  put(enc.dispensing, id, { id, prescriptionId: rxId, quantity: qty, dispensedAt: at, by: facility, ...authored })
  return id
}
