/**
 * What a clinician records at one OPD visit, and the building blocks the condition catalogue draws it
 * from: plausible vitals for age and sex, prescriptions with their dispensed quantity, labs, diagnoses.
 */
import type { Coding, DiagnosisInput, Urgency, Vitals } from '../record/index.js'
import type { Prng } from '../testing/prng.js'
import type { DrugSpec } from './codes.js'
import type { SynthLab, SynthPrescription } from './types.js'

/** The person a condition happens to. */
export interface Person {
  age: number
  sex: 'female' | 'male'
}

/** A referral the clinician decides on at this visit. */
export interface ReferralPlan {
  reason: string
  urgency: Urgency
  provisionalDiagnosis: Coding
  treatmentGiven: string
  /** Obstetric referrals travel by 102 (the mother-and-child ambulance) more often. */
  obstetric: boolean
}

/** What the clinician records at the visit. */
export interface ClinicalPlan {
  condition: string
  complaints: string[]
  vitals: Vitals
  diagnoses: DiagnosisInput[]
  labs: SynthLab[]
  prescriptions: SynthPrescription[]
  alert?: { text: string; coding: Coding }
  referral?: ReferralPlan
}

/** Rounds to one decimal. */
export const round1 = (x: number): number => Math.round(x * 10) / 10

/** A prescription line for this person, with the quantity dispensed (5% not dispensed: stock-outs). */
export function rx(
  prng: Prng,
  spec: DrugSpec,
  p: Person,
  durationDays: number,
  instructions?: string
): SynthPrescription {
  const child = p.age < 12 && spec.child !== undefined
  const quantity = spec.perDay > 0 ? spec.perDay * durationDays : 1
  return {
    input: {
      drug: child ? spec.child! : spec.adult,
      ...(child || spec.adultCoding === undefined ? {} : { coding: spec.adultCoding }),
      dose: child ? (spec.childDose ?? spec.adultDose) : spec.adultDose,
      frequency: spec.frequency,
      durationDays,
      route: spec.route,
      ...(instructions === undefined ? {} : { instructions })
    },
    dispensed: prng.chance(0.95) ? quantity : null
  }
}

/** Plausible weight (kg) for age and sex in a lean, rural population. */
function weight(prng: Prng, p: Person): number {
  if (p.age < 1) return round1(prng.normal(6, 1.2))
  if (p.age < 12) return round1(Math.max(7, prng.normal(2 * p.age + 8, 2)))
  if (p.age < 16) return round1(prng.normal(36, 5))
  return round1(Math.min(90, Math.max(32, prng.normal(p.sex === 'female' ? 45 : 52, 6))))
}

/** Vitals for an OPD visit; `fever` and `bp` shift the relevant signs. */
export function vitals(
  prng: Prng,
  p: Person,
  opts: { fever?: boolean; bp?: [number, number]; spo2?: number } = {}
): Vitals {
  const v: Vitals = {
    temperature: round1(opts.fever === true ? prng.normal(38.8, 0.5) : prng.normal(36.8, 0.25)),
    pulse: Math.round(prng.normal(p.age < 5 ? 120 : opts.fever === true ? 104 : 82, 8)),
    weight: weight(prng, p)
  }
  if (p.age >= 15) {
    const [sys, dia] = opts.bp ?? [prng.normal(118, 10), prng.normal(76, 7)]
    v.systolic = Math.round(sys)
    v.diastolic = Math.round(Math.min(dia, sys - 20))
  }
  if (opts.spo2 !== undefined) v.spo2 = Math.min(100, Math.round(opts.spo2))
  if (p.age >= 0.5 && p.age < 5) v.muac = round1(prng.normal(13.2, 1))
  return v
}

/** A diagnosis line. */
export const dx = (
  coding: Coding,
  text: string,
  certainty: 'provisional' | 'confirmed' = 'provisional'
): DiagnosisInput => ({
  coding,
  text,
  certainty
})

/** A lab order with its result. */
export function lab(
  order: SynthLab['order'],
  value: string,
  interpretation: 'normal' | 'abnormal' | 'positive' | 'negative',
  unit?: string
): SynthLab {
  return { order, result: { value, interpretation, ...(unit === undefined ? {} : { unit }) } }
}

/** A random subset of `items`, at least the first `min` of them. */
export function some<T>(prng: Prng, items: readonly T[], min: number): T[] {
  const out = items.filter(() => prng.chance(0.5))
  return out.length >= min ? out : items.slice(0, min)
}

/** A child aged `lo` to `hi`. */
export const child = (prng: Prng, lo = 1, hi = 14): Person => ({
  age: prng.int(lo, hi),
  sex: prng.chance(0.5) ? 'female' : 'male'
})
/** An adult aged `lo` to `hi`, female with chance `femaleShare`. */
export const adult = (prng: Prng, lo: number, hi: number, femaleShare = 0.5): Person => ({
  age: prng.int(lo, hi),
  sex: prng.chance(femaleShare) ? 'female' : 'male'
})
