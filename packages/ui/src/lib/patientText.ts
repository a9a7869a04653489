/**
 * How a patient is named on lists and cards, in the user's language: an age that says "birth date
 * not known" rather than nothing, an infant's age in months and days, a guardian and an ABHA
 * number grouped as on the card. Enough to tell two patients of one name apart.
 */
import type { PatientSummary, ReferralPatient } from '@pagdandi/core/api'
import { locale, t } from './i18n/locale.svelte.js'
import { todayInIndia } from './format.js'
import { groupAbha, monthsAndDays } from './registration.js'

/** "Female, 28 yrs", "Male, 3 mo 12 days", or "Female, birth date not known". */
export function sexAge(
  p: Pick<PatientSummary | ReferralPatient, 'sex' | 'age' | 'birthDate'>,
  today = todayInIndia()
): string {
  const sex = t(`sex.${p.sex}`)
  if (p.age == null) return `${sex}, ${t('patient.birthUnknown')}`
  if (p.age < 2 && p.birthDate != null) {
    const md = monthsAndDays(p.birthDate, today)
    if (md !== undefined) return `${sex}, ${t('patient.infantAge', { m: md.months, d: md.days })}`
  }
  return `${sex}, ${t('patient.years', { n: p.age })}`
}

/** "Husband: Ramesh Kashyap", or '' when no guardian was registered. */
export function guardianText(g: PatientSummary['guardian']): string {
  if (g == null) return ''
  const key = `relation.${g.relation}`
  const relation = locale.has(key) ? t(key) : g.relation
  return t('patient.guardianOf', { relation, name: g.name })
}

/** An ABHA number for display, grouped 12-3456-7890-1234. */
export const abhaText = (n: string | null | undefined): string => (n == null ? '' : groupAbha(n.replace(/-/g, '')))
