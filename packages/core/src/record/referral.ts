/** Referrals (CHC → DH and onward), their status history, and back-referral / discharge summaries. */
import type { CareSummaryInput, ChangeContext, ReferralInput, Unchecked } from './inputs.js'
import type { EntryId, PatientDoc, Referral, ReferralStatus, StatusEvent } from './types.js'
import { checkContext, checkEntryId, compact, emitWarnings, entry, newEntryId } from './context.js'
import { InvalidRecordInputError, InvalidReferralTransitionError } from './errors.js'
import { validateHfrId } from './validate-ids.js'
import {
  CODE_SYSTEMS,
  validateCoding,
  validateEnum,
  validateInt,
  validateText,
  validateTextList
} from './validate-clinical.js'
import { put, str } from './strings.js'

/**
 * Rank of each status. The current status is the highest rank present in the grow-only history, so
 * merging two histories can only move a referral forward. A back-referral outranks completion because
 * it is the later, final word from the receiving facility.
 */
export const STATUS_RANK: Readonly<Record<ReferralStatus, number>> = {
  sent: 0,
  received: 1,
  accepted: 2,
  completed: 3,
  'back-referred': 4
}

const STATUSES = Object.keys(STATUS_RANK) as ReferralStatus[]

/** The referral's current status: the highest-ranked status in its history. */
export function currentStatus(referral: Pick<Referral, 'statusHistory'>): ReferralStatus {
  let best: ReferralStatus = 'sent'
  for (const s of STATUSES) if (referral.statusHistory[s] !== undefined && STATUS_RANK[s] > STATUS_RANK[best]) best = s
  return best
}

/** Creates a referral from the context's facility, with status `sent`. */
export function createReferral(d: PatientDoc, input: Unchecked<ReferralInput>, ctx: ChangeContext): EntryId {
  const { facility, at, authored } = checkContext(ctx)
  if (typeof input !== 'object' || input === null) throw new TypeError('a ReferralInput is required')
  const to = validateHfrId(input.to, 'to')
  if (to === facility) throw new InvalidRecordInputError('to', 'a facility cannot refer to itself')
  const encounterId = input.encounterId === undefined ? undefined : checkEntryId(input.encounterId, 'encounterId')
  if (encounterId !== undefined) entry(d.encounters, encounterId, 'encounter')
  const dx = validateCoding(input.provisionalDiagnosis, 'provisionalDiagnosis', [
    CODE_SYSTEMS.snomed,
    CODE_SYSTEMS.icd10
  ])
  const value = compact({
    from: facility,
    to,
    encounterId,
    reason: validateText(input.reason, 'reason', 500),
    urgency: validateEnum(input.urgency, 'urgency', ['emergency', 'urgent', 'routine'] as const),
    provisionalDiagnosis: dx.value,
    treatmentGiven: validateText(input.treatmentGiven, 'treatmentGiven', 2000),
    transport: validateEnum(input.transport, 'transport', ['108', '102', 'own'] as const),
    createdAt: at,
    statusHistory: { sent: { at, by: facility, ...authored } },
    ...authored
  })
  const id = newEntryId(ctx, d.referrals)
  put(d.referrals, id, { id, ...value })
  emitWarnings(ctx, dx.warnings)
  return id
}

/**
 * Moves a referral forward. Only the receiving facility records received/accepted/completed/back-referred;
 * a status at or below the current rank is refused (a step may be skipped: acceptance implies receipt).
 */
export function advanceReferral(
  d: PatientDoc,
  referralId: EntryId,
  status: ReferralStatus,
  ctx: ChangeContext,
  note?: string
): void {
  const { facility, at, authored } = checkContext(ctx)
  const next = validateEnum(status, 'status', STATUSES)
  const text = note === undefined ? undefined : validateText(note, 'note', 500)
  const referral = entry(d.referrals, referralId, 'referral')
  if (str(referral.to) !== facility)
    throw new InvalidReferralTransitionError(str(referral.id), 'only the receiving facility may advance it')
  if (STATUS_RANK[next] <= STATUS_RANK[currentStatus(referral)]) {
    throw new InvalidReferralTransitionError(str(referral.id), `cannot move back or stay at ${currentStatus(referral)}`)
  }
  const event: StatusEvent = compact({ at, by: facility, note: text, ...authored })
  put(referral.statusHistory, next, event)
}

/**
 * Writes a back-referral or discharge summary. When it answers a referral, the referral is moved to
 * `back-referred` (or `completed` for a discharge) if it is not already there or beyond.
 */
export function writeCareSummary(d: PatientDoc, input: CareSummaryInput, ctx: ChangeContext): EntryId {
  const { facility, at, authored } = checkContext(ctx)
  if (typeof input !== 'object' || input === null) throw new TypeError('a CareSummaryInput is required')
  const kind = validateEnum(input.kind, 'kind', ['back-referral', 'discharge'] as const)
  const to = validateHfrId(input.to, 'to')
  const referralId = input.referralId === undefined ? undefined : checkEntryId(input.referralId, 'referralId')
  const referral = referralId === undefined ? undefined : entry(d.referrals, referralId, 'referral')
  if (referral !== undefined && str(referral.to) !== facility) {
    throw new InvalidReferralTransitionError(str(referral.id), 'only the receiving facility may answer it')
  }
  const dx = validateCoding(input.finalDiagnosis, 'finalDiagnosis', [CODE_SYSTEMS.snomed, CODE_SYSTEMS.icd10])
  const value = compact({
    kind,
    referralId,
    from: facility,
    to,
    finalDiagnosis: dx.value,
    treatmentGiven: validateText(input.treatmentGiven, 'treatmentGiven', 2000),
    outcome: validateEnum(input.outcome, 'outcome', ['improved', 'referred-onward', 'lama', 'died'] as const),
    followUpAdvice: validateText(input.followUpAdvice, 'followUpAdvice', 2000),
    medicines: input.medicines === undefined ? [] : validateTextList(input.medicines, 'medicines', 30, 200),
    reviewAfterDays:
      input.reviewAfterDays === undefined ? undefined : validateInt(input.reviewAfterDays, 'reviewAfterDays', 1, 365),
    redFlags: input.redFlags === undefined ? [] : validateTextList(input.redFlags, 'redFlags', 20, 200),
    at,
    ...authored
  })
  const id = newEntryId(ctx, d.summaries)
  put(d.summaries, id, { id, ...value })
  if (referral !== undefined) {
    const status: ReferralStatus = kind === 'back-referral' ? 'back-referred' : 'completed'
    if (STATUS_RANK[currentStatus(referral)] < STATUS_RANK[status]) {
      put(referral.statusHistory, status, { at, by: facility, note: `summary ${id}`, ...authored })
    }
  }
  emitWarnings(ctx, dx.warnings)
  return id
}
