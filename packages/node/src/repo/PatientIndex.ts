/**
 * In-memory search over the patients this node can open. It lives only in RAM: plaintext
 * names and phone numbers never reach disk (Invariant 6), so it is rebuilt from the documents at start.
 */
import type { PatientSummary } from '@pagdandi/core/api'
import type { PatientDoc, PatientId } from '@pagdandi/core/record'
import { plainLetters, skeleton, words } from './transliteration.js'

/** One search hit, as `GET /api/patients` returns it. */
export type { PatientSummary } from '@pagdandi/core/api'

interface Entry {
  summary: PatientSummary
  nameWords: Array<{ plain: string; key: string }>
  villageKeys: string[]
  phone: string | undefined
  abha: string | undefined
  uhids: string[]
}

/** Age in whole years on `today`, from whatever the registration knew about the birth. */
export function ageOf(birth: PatientDoc['demographics']['birth'], today: Date): number | undefined {
  const year = today.getUTCFullYear()
  switch (birth.kind) {
    case 'date': {
      const d = new Date(birth.date + 'T00:00:00Z')
      if (Number.isNaN(d.getTime())) return undefined
      let age = year - d.getUTCFullYear()
      const beforeBirthday =
        today.getUTCMonth() < d.getUTCMonth() ||
        (today.getUTCMonth() === d.getUTCMonth() && today.getUTCDate() < d.getUTCDate())
      if (beforeBirthday) age--
      return age
    }
    case 'year':
      return year - birth.year
    case 'approx-age': {
      const asOf = new Date(birth.asOf + 'T00:00:00Z')
      if (Number.isNaN(asOf.getTime())) return birth.years
      return birth.years + (year - asOf.getUTCFullYear())
    }
    default:
      return undefined
  }
}

const digits = (s: string): string => s.replace(/\D/g, '')
/** Indian mobile numbers are compared on their last 10 digits (+91 and trunk 0 dropped). */
const phoneKey = (s: string): string => digits(s).slice(-10)

/** Transliteration-tolerant patient search by name, ABHA number, phone, village or UHID. */
export class PatientIndex {
  readonly #entries = new Map<PatientId, Entry>()

  /** Adds or refreshes one patient from its current document, read with `readPatient` (plain strings). */
  upsert(patientId: PatientId, doc: PatientDoc, facility: string | undefined, today = new Date()): void {
    const d = doc.demographics
    if (d === undefined || typeof d.name !== 'string') return
    const ids = doc.identifiers ?? { uhid: {} }
    const uhidMap = (ids.uhid ?? {}) as Record<string, string>
    const uhid = (facility !== undefined ? uhidMap[facility] : undefined) ?? Object.values(uhidMap)[0]
    const names = [d.name, ...(d.nameVariants ?? [])]
    this.#entries.set(patientId, {
      summary: {
        patientId,
        name: d.name,
        sex: d.sex,
        age: ageOf(d.birth, today),
        village: d.address?.village ?? '',
        uhid,
        abhaNumber: ids.abhaNumber
      },
      nameWords: names.flatMap(words).map(w => ({ plain: plainLetters(w), key: skeleton(w) })),
      villageKeys: words(d.address?.village ?? '').map(skeleton),
      phone: d.phone !== undefined ? phoneKey(d.phone) : undefined,
      abha: ids.abhaNumber !== undefined ? digits(ids.abhaNumber) : undefined,
      uhids: Object.values(uhidMap).map(u => u.toLowerCase())
    })
  }

  /** Forgets a patient (e.g. after crypto-shredding). */
  remove(patientId: PatientId): void {
    this.#entries.delete(patientId)
  }

  /** Number of patients indexed. */
  get size(): number {
    return this.#entries.size
  }

  /**
   * Patients matching `query`, best first. A query of digits is tried as ABHA number, phone and
   * UHID; otherwise every word must match a name word or the village, by spelling-tolerant key.
   */
  search(query: string, limit = 50): PatientSummary[] {
    const q = query.trim()
    if (q.length === 0) return []
    const scored: Array<{ score: number; s: PatientSummary }> = []
    for (const e of this.#entries.values()) {
      const score = this.#score(e, q)
      if (score > 0) scored.push({ score, s: e.summary })
    }
    scored.sort((a, b) => b.score - a.score || a.s.name.localeCompare(b.s.name))
    return scored.slice(0, limit).map(x => x.s)
  }

  #score(e: Entry, q: string): number {
    const lower = q.toLowerCase()
    if (e.uhids.includes(lower)) return 100
    const qd = digits(q)
    if (qd.length >= 4 && qd.length >= q.replace(/[\s-]/g, '').length) {
      if (e.abha !== undefined && e.abha === qd) return 100
      if (e.phone !== undefined && qd.length >= 10 && e.phone === phoneKey(qd)) return 90
      if (e.phone !== undefined && e.phone.includes(qd)) return 40
      if (e.uhids.some(u => u.includes(qd))) return 30
      return 0
    }
    if (e.uhids.some(u => u.startsWith(lower) && lower.length >= 3)) return 60
    const qWords = words(q)
    let total = 0
    for (const w of qWords) {
      const plain = plainLetters(w)
      const key = skeleton(w)
      if (plain.length === 0) continue
      let best = 0
      for (const n of e.nameWords) {
        if (n.plain === plain) best = Math.max(best, 10)
        else if (n.key === key) best = Math.max(best, 8)
        else if (plain.length >= 3 && n.plain.startsWith(plain)) best = Math.max(best, 6)
        else if (key.length >= 2 && n.key.startsWith(key)) best = Math.max(best, 4)
      }
      if (best === 0 && e.villageKeys.includes(key)) best = 3
      if (best === 0) return 0
      total += best
    }
    return total
  }
}
