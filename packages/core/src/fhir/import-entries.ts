/**
 * The record entries one bundle's resources become: a diagnosis, a prescription, a lab order, an
 * allergy, an alert, a referral. Each marks the resource it used on the reading (`Reading` in
 * import-read.ts), so that whatever no reader took is attached verbatim.
 */
import type {
  Allergy,
  Coding,
  Diagnosis,
  Encounter,
  FacilityId,
  IsoInstant,
  LabOrder,
  Prescription,
  Referral,
  Urgency
} from '../record/types.js'
import { SYSTEM } from './constants.js'
import { toUtcInstant } from './datetime.js'
import type { ImportedRecord, ImportOptions } from './import.js'
import { type Json, isObject, list } from './issues.js'
import { compact } from './import-values.js'
import { type BundleReader, codeOf, codingOf, hfrOf, isSynthesized, str, textOf } from './read.js'
import { NO_KNOWN_ALLERGY } from './terminology.js'

/** What an entry reader needs of the reading of its bundle. */
export interface ReadContext {
  readonly r: BundleReader
  readonly opts: ImportOptions
  readonly out: ImportedRecord
  /** The Composition's date, or the import's time. */
  readonly date: IsoInstant
  /** Records that `res` was read (mapped into `into`, or read as context). */
  mark(res: Json, outcome: 'mapped' | 'context', into: string): void
  facilityOf(ref: unknown): FacilityId | undefined
  /** The Composition's custodian, or the importing facility. */
  custodian(): FacilityId
}

const URGENCY: Record<string, Urgency> = { stat: 'emergency', asap: 'emergency', urgent: 'urgent', routine: 'routine' }
/** Days per UCUM unit of a duration (FHIR units-of-time). */
const DAYS: Record<string, number> = { d: 1, wk: 7, mo: 30, a: 365 }

export function diagnosis(x: ReadContext, c: Json): Diagnosis | undefined {
  const coding = codingOf(c.code, [SYSTEM.icd10, SYSTEM.snomed])
  if (coding === undefined) return undefined
  return {
    id: x.r.entryId(c),
    coding,
    text: textOf(c.code) ?? coding.display,
    certainty: codeOf(c.verificationStatus) === 'confirmed' ? 'confirmed' : 'provisional'
  }
}

export function addPrescription(x: ReadContext, e: Encounter, m: Json): void {
  const dosage = list(m.dosageInstruction).filter(isObject)[0] ?? {}
  const text = str(dosage.text) ?? ''
  const dq = list(dosage.doseAndRate)
    .filter(isObject)
    .map(d => (isObject(d.doseQuantity) ? d.doseQuantity : undefined))[0]
  const timing = isObject(dosage.timing) ? dosage.timing : {}
  const repeat = isObject(timing.repeat) ? timing.repeat : {}
  const bounds = isObject(repeat.boundsDuration) ? repeat.boundsDuration : {}
  const unitDays = DAYS[str(bounds.code) ?? str(bounds.unit) ?? 'd']
  // A structured frequency ("2 per 1 d") when the bundle has no text for it.
  const structured =
    typeof repeat.frequency === 'number' && typeof repeat.period === 'number'
      ? `${repeat.frequency} per ${repeat.period} ${str(repeat.periodUnit) ?? 'd'}`
      : undefined
  const rx: Prescription = compact({
    id: x.r.entryId(m),
    drug: textOf(m.medicationCodeableConcept) ?? 'unspecified',
    coding: codingOf(m.medicationCodeableConcept, [SYSTEM.snomed]),
    dose:
      dq !== undefined && typeof dq.value === 'number'
        ? `${dq.value} ${String(dq.unit ?? '')}`.trim()
        : (text.split(', ')[0] ?? ''),
    frequency: textOf(timing.code) ?? structured ?? '',
    durationDays: typeof bounds.value === 'number' && unitDays !== undefined ? Math.round(bounds.value * unitDays) : 0,
    route: textOf(dosage.route) ?? '',
    instructions: str(dosage.patientInstruction)
  })
  e.prescriptions[rx.id] = rx
  x.mark(m, 'mapped', 'encounter.prescriptions')
}

/** The test of a lab order: the LOINC we keep in orderDetail, else the SNOMED (or LOINC) code. */
export function orderTest(sr: Json): Coding | undefined {
  const detail = list(sr.orderDetail)
    .map(d => codingOf(d, [SYSTEM.loinc]))
    .find(x => x !== undefined)
  return detail ?? codingOf(sr.code, [SYSTEM.snomed, SYSTEM.loinc])
}

export function addLabOrder(x: ReadContext, e: Encounter, sr: Json): void {
  const test = orderTest(sr)
  if (test === undefined) return
  const order: LabOrder = { id: x.r.entryId(sr), test, orderedAt: toUtcInstant(sr.authoredOn) ?? e.at }
  e.labOrders[order.id] = order
  x.mark(sr, 'mapped', 'encounter.labOrders')
}

export function addAllergy(x: ReadContext, a: Json): void {
  if (codeOf(a.verificationStatus) === 'entered-in-error') return // kept verbatim, never as an allergy
  const reaction = list(a.reaction).filter(isObject)[0] ?? {}
  const manifestation = textOf(list(reaction.manifestation)[0])
  const code = list(isObject(a.code) ? a.code.coding : undefined)
    .filter(isObject)
    .find(c => c.system === SYSTEM.snomed && typeof c.code === 'string' && NO_KNOWN_ALLERGY[c.code] !== undefined)
  const absent = code !== undefined || codeOf(a.verificationStatus) === 'refuted'
  const severity =
    reaction.severity === 'mild' || reaction.severity === 'moderate' || reaction.severity === 'severe'
      ? reaction.severity
      : undefined
  const allergy: Allergy = compact({
    id: x.r.entryId(a),
    substance: textOf(a.code) ?? 'unspecified',
    coding: codingOf(a.code),
    reaction: manifestation === 'unspecified' || absent ? undefined : manifestation,
    severity: absent ? undefined : severity,
    absent: absent ? (true as const) : undefined,
    recordedAt: toUtcInstant(a.recordedDate) ?? x.date,
    by: x.facilityOf(a.recorder) ?? x.custodian()
  })
  x.out.allergies.push(allergy)
  x.mark(a, 'mapped', absent ? 'allergies (no known allergy)' : 'allergies')
}

export function addAlert(x: ReadContext, c: Json): void {
  x.out.alerts.push(
    compact({
      id: x.r.entryId(c),
      text: textOf(c.code) ?? 'unspecified',
      coding: codingOf(c.code),
      recordedAt: toUtcInstant(c.recordedDate) ?? x.date,
      by: x.facilityOf(c.recorder) ?? x.custodian(),
      active: codeOf(c.clinicalStatus) !== 'inactive'
    })
  )
  x.mark(c, 'mapped', 'alerts')
}

export function readReferral(x: ReadContext, sr: Json, encounter: Encounter | undefined): Referral {
  const requester = x.r.get(sr.requester)
  const from =
    (requester?.resourceType === 'Organization' ? hfrOf(requester) : undefined) ?? encounter?.facility ?? x.custodian()
  const to = x.facilityOf(list(sr.performer)[0]) ?? x.opts.facility
  const reason = x.r.all(sr.reasonReference).find(x => x.resourceType === 'Condition')
  const transport = list(sr.orderDetail)
    .filter(isObject)
    .flatMap(d => list(d.coding))
    .filter(isObject)
    .find(c => c.system === SYSTEM.pagdandiTransport)?.code
  const createdAt = toUtcInstant(sr.authoredOn) ?? x.date
  const srEncounter = x.r.get(sr.encounter)
  const provisional = codingOf(reason?.code)
  const referral: Referral = {
    id: x.r.entryId(sr),
    from,
    to,
    reason: textOf(list(sr.reasonCode)[0]) ?? textOf(sr.code) ?? 'referral',
    urgency: URGENCY[str(sr.priority) ?? ''] ?? 'routine',
    // The record requires a provisional diagnosis; SNOMED 261665006 "Unknown" says it is not known.
    provisionalDiagnosis: provisional ?? {
      system: SYSTEM.snomed,
      code: '261665006',
      display: textOf(reason?.code) ?? 'Unknown'
    },
    treatmentGiven: list(sr.note)
      .filter(isObject)
      .map(n => str(n.text))
      .filter(x => x !== undefined)
      .join('\n'),
    transport: transport === '108' || transport === '102' ? transport : 'own',
    createdAt,
    statusHistory: { sent: { at: createdAt, by: from } }
  }
  if (srEncounter !== undefined && !isSynthesized(srEncounter)) referral.encounterId = x.r.entryId(srEncounter)
  if (sr.status === 'completed') referral.statusHistory.completed = { at: x.date, by: to }
  x.mark(sr, 'mapped', 'referrals')
  if (reason !== undefined && provisional !== undefined) x.mark(reason, 'mapped', 'referrals.provisionalDiagnosis')
  return referral
}
