/** Turns a clinical plan into a visit, and a referral plan into a referral with its lifecycle (domain.md §4, §7). */
import type { IsoInstant, Transport } from '../record/index.js'
import type { Prng } from '../testing/prng.js'
import { addMinutes } from './calendar.js'
import type { ConditionSpec } from './clinical.js'
import type { ClinicalPlan, Person, ReferralPlan } from './visit.js'
import { DRUG } from './codes.js'
import type { SynthFacility } from './facilities.js'
import type { SynthReferral, SynthVisit } from './types.js'

/** Where referrals from a facility go: its hub's id and name. */
export interface ReferralTarget {
  id: SynthFacility['id']
  name: string
}

/** Whether a condition's patients fit a person already drawn (used for follow-ups and duplicates). */
export function fits(spec: ConditionSpec, p: Person): boolean {
  if (spec.group === 'anc') return p.sex === 'female' && p.age >= 18 && p.age <= 40
  if (spec.group === 'htn-dm') return p.age >= 30
  if (spec.group === 'musculoskeletal' || spec.group === 'acid-peptic') return p.age >= 15
  return true
}

function transport(prng: Prng, plan: ReferralPlan): Transport {
  // 108 (emergency) and 102 (mother and child) carry about a third to a half of referrals (domain.md §7).
  if (plan.obstetric)
    return prng.weighted([
      ['102', 60],
      ['108', 10],
      ['own', 30]
    ] as const)
  if (plan.urgency === 'emergency')
    return prng.weighted([
      ['108', 60],
      ['own', 40]
    ] as const)
  if (plan.urgency === 'urgent')
    return prng.weighted([
      ['108', 20],
      ['own', 80]
    ] as const)
  return 'own'
}

/** A referral with its lifecycle: received, accepted and arrival, then a back-referral for ~60%. */
export function makeReferral(
  prng: Prng,
  plan: ReferralPlan,
  from: SynthFacility,
  to: ReferralTarget,
  at: IsoInstant
): SynthReferral {
  const ref: SynthReferral = {
    input: {
      to: to.id,
      reason: plan.reason,
      urgency: plan.urgency,
      provisionalDiagnosis: plan.provisionalDiagnosis,
      treatmentGiven: plan.treatmentGiven,
      transport: transport(prng, plan)
    },
    toName: to.name,
    sentAt: at
  }
  // A few patients never reach the DH (went home, or to a private clinic).
  if (!prng.chance(0.95)) return ref
  const travel = plan.urgency === 'routine' ? prng.int(600, 2880) : prng.int(60, 240)
  ref.receivedAt = addMinutes(at, travel)
  ref.acceptedAt = addMinutes(ref.receivedAt, prng.int(10, 120))
  ref.arrival = {
    at: ref.acceptedAt,
    encounter: {
      kind: plan.urgency === 'routine' ? 'opd' : plan.urgency === 'emergency' ? 'emergency' : 'ipd',
      complaints: [`Referred from ${from.name}`],
      diagnoses: [{ coding: plan.provisionalDiagnosis, text: plan.reason, certainty: 'confirmed' }]
    }
  }
  const end = prng.weighted([
    ['back-referred', 60],
    ['completed', 28],
    ['open', 12]
  ] as const)
  const doneAt = addMinutes(ref.acceptedAt, prng.int(1, 7) * 1440 + prng.int(0, 600))
  if (end === 'back-referred') {
    const outcome = prng.weighted([
      ['improved', 90],
      ['lama', 6],
      ['referred-onward', 4]
    ] as const)
    ref.outcome = {
      status: 'back-referred',
      at: doneAt,
      summary: {
        // An admitted patient goes home with a discharge summary; the others with a back-referral.
        kind: ref.arrival.encounter.kind === 'ipd' ? 'discharge' : 'back-referral',
        to: from.id,
        finalDiagnosis: plan.provisionalDiagnosis,
        treatmentGiven: `Managed at ${to.name}; ${plan.treatmentGiven}`,
        outcome,
        followUpAdvice: 'Review at CHC; Mitanin to check on the patient at home',
        medicines: plan.obstetric ? [DRUG.ifa.adult, DRUG.calcium.adult] : [DRUG.paracetamol.adult],
        reviewAfterDays: prng.pick([7, 14, 30]),
        redFlags: plan.obstetric
          ? ['Headache or blurred vision', 'Bleeding', 'Reduced fetal movements']
          : ['Fever returns', 'Breathlessness', 'Unable to eat or drink']
      }
    }
  } else if (end === 'completed') {
    ref.outcome = { status: 'completed', at: doneAt }
  }
  return ref
}

/** A visit from a clinical plan; a referral is made only when the facility has a hub to refer to. */
export function makeVisit(
  prng: Prng,
  spec: ConditionSpec,
  plan: ClinicalPlan,
  facility: SynthFacility,
  at: IsoInstant,
  target?: ReferralTarget
): SynthVisit {
  const practitioner = facility.practitioners.length > 0 ? prng.pick(facility.practitioners) : undefined
  const visit: SynthVisit = {
    at,
    facility: facility.id,
    group: spec.group,
    condition: plan.condition,
    encounter: {
      kind: 'opd',
      complaints: plan.complaints,
      vitals: plan.vitals,
      diagnoses: plan.diagnoses,
      ...(practitioner === undefined ? {} : { practitioner })
    },
    labs: plan.labs,
    prescriptions: plan.prescriptions,
    ...(plan.alert === undefined ? {} : { alert: plan.alert })
  }
  if (plan.referral !== undefined && target !== undefined) {
    visit.referral = makeReferral(prng, plan.referral, facility, target, addMinutes(at, prng.int(20, 90)))
  }
  return visit
}
