/**
 * Whether a registered patient may be the one about to be registered again: the name matches in
 * either script or spelling (nameMatch.ts), and so does at least one of age, village, guardian or
 * phone. The form lists such patients before it saves, so a second record is a choice, not an accident.
 */
import type { MatchQuery, MatchReason, PatientSummary } from '@pagdandi/core/api'
import type { WordKeys } from './nameKeys.js'
import { matchAll, textKeys } from './nameMatch.js'
import { phoneKey } from './transliteration.js'

/** What the search index keeps of one patient, as matching reads it. */
export interface IndexedPatient {
  summary: PatientSummary
  nameWords: WordKeys[]
  villageWords: WordKeys[]
  guardianWords: WordKeys[]
  /** Last 10 digits of the phone number. */
  phone: string | undefined
  age: number | undefined
}

/** Ages agree within this many years, or a tenth of the age for older patients (ages are often guessed). */
const AGE_SLACK_YEARS = 2

/** The reasons a registered patient may be the one described, and how strongly; undefined when not. */
export function possibleMatch(q: MatchQuery, e: IndexedPatient): { score: number; reasons: MatchReason[] } | undefined {
  if (q.sex !== undefined && q.sex !== 'unknown' && e.summary.sex !== 'unknown' && q.sex !== e.summary.sex)
    return undefined
  const typed = textKeys(q.name)
  // Either name may hold more words than the other ("Sunita" and "Sunita Kashyap"); a partial name
  // (or a one-word one) needs two more reasons, or every Sunita of the right age would be listed.
  const whole = matchAll(typed, e.nameWords)
  const name = whole ?? matchAll(e.nameWords, typed)
  if (name === undefined) return undefined
  const partial = whole === undefined || typed.length < 2
  const reasons: MatchReason[] = ['name']
  if (q.age !== undefined && e.age !== undefined) {
    const slack = Math.max(AGE_SLACK_YEARS, Math.round(q.age / 10))
    if (Math.abs(q.age - e.age) <= slack) reasons.push('age')
  }
  if (q.village !== undefined && q.village.trim() !== '' && matchAll(textKeys(q.village), e.villageWords))
    reasons.push('village')
  if (q.guardian !== undefined && q.guardian.trim() !== '' && matchAll(textKeys(q.guardian), e.guardianWords))
    reasons.push('guardian')
  if (
    q.phone !== undefined &&
    e.phone !== undefined &&
    phoneKey(q.phone).length === 10 &&
    phoneKey(q.phone) === e.phone
  )
    reasons.push('phone')
  if (reasons.length < (partial ? 3 : 2)) return undefined
  return { score: name.score + 10 * (reasons.length - 1), reasons }
}
