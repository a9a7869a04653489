/**
 * The OPD condition catalogue: how often each condition walks in (domain.md §7 diagnosis mix, monsoon
 * and dry season), who has it, and the visit it brings (acute.ts, chronic.ts).
 */
import type { Prng } from '../testing/prng.js'
import { acidPeptic, ari, diarrhoea, injury, malaria, msk, skin, symptomOnly } from './acute.js'
import { anaemia, anc, htnDm, sickle, tb } from './chronic.js'
import type { DiagnosisGroup } from './types.js'
import { adult, child, type ClinicalPlan, type Person } from './visit.js'

/** A catalogue entry: its group, its share of OPD (percent) by season, who gets it, and the visit. */
export interface ConditionSpec {
  group: DiagnosisGroup
  monsoon: number
  dry: number
  /** Draws the patient; undefined means the general OPD age pyramid. */
  who?: (prng: Prng) => Person
  visit: (prng: Prng, p: Person, monsoon: boolean) => ClinicalPlan
}

/** The catalogue. Shares are percent of OPD; the monsoon column sums to 100, the dry one nearly so. */
export const CONDITIONS: readonly ConditionSpec[] = [
  // Malaria: 53% of positives under 15 (domain.md §5.4).
  {
    group: 'fever-malaria',
    monsoon: 16,
    dry: 9,
    who: prng => (prng.chance(0.5) ? child(prng) : adult(prng, 15, 65)),
    visit: malaria
  },
  {
    group: 'ari',
    monsoon: 12.7,
    dry: 14.5,
    who: prng => (prng.chance(0.55) ? child(prng, 0, 12) : adult(prng, 13, 75)),
    visit: ari
  },
  {
    group: 'diarrhoea',
    monsoon: 5.8,
    dry: 5.2,
    who: prng => (prng.chance(0.5) ? child(prng, 0, 5) : adult(prng, 6, 70)),
    visit: diarrhoea
  },
  { group: 'skin', monsoon: 5, dry: 5, visit: skin },
  { group: 'musculoskeletal', monsoon: 5.8, dry: 5.8, who: prng => adult(prng, 25, 75), visit: msk },
  { group: 'acid-peptic', monsoon: 5.8, dry: 5.8, who: prng => adult(prng, 18, 70), visit: acidPeptic },
  // Anaemia: mostly women 15–49 and young children (NFHS-5, domain.md §5.4).
  {
    group: 'anaemia',
    monsoon: 5.8,
    dry: 5.8,
    who: prng =>
      prng.chance(0.6) ? adult(prng, 15, 49, 1) : prng.chance(0.75) ? child(prng, 1, 12) : adult(prng, 15, 70),
    visit: anaemia
  },
  { group: 'anc', monsoon: 8.8, dry: 8.8, who: prng => adult(prng, 18, 38, 1), visit: anc },
  { group: 'tb-suspect', monsoon: 1.3, dry: 1.3, who: prng => adult(prng, 15, 70, 0.4), visit: tb },
  { group: 'htn-dm', monsoon: 5.6, dry: 5.6, who: prng => adult(prng, 35, 80), visit: htnDm },
  { group: 'injury-bite', monsoon: 3.6, dry: 3.6, visit: injury },
  {
    group: 'sickle-cell',
    monsoon: 0.8,
    dry: 0.8,
    who: prng => (prng.chance(0.5) ? child(prng, 2, 14) : adult(prng, 15, 40)),
    visit: sickle
  },
  { group: 'symptom-only', monsoon: 23, dry: 28.8, visit: symptomOnly }
]

/** Picks the condition of the next OPD attendance for the season. */
export function pickCondition(prng: Prng, monsoon: boolean): ConditionSpec {
  return prng.weighted(CONDITIONS.map(c => [c, monsoon ? c.monsoon : c.dry] as const))
}
