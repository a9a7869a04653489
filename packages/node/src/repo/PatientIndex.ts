/**
 * In-memory search over the patients this node can open. It lives only in RAM: plaintext
 * names and phone numbers never reach disk (Invariant 6), so it is rebuilt from the documents at start.
 */
import type { PatientSummary } from '@pagdandi/core/api'
import type { PatientDoc, PatientId } from '@pagdandi/core/record'
import type { MatchQuery, PossibleMatch, SameIdentifier } from '@pagdandi/core/api'
import type { WordKeys } from './nameKeys.js'
import { matchAll, textKeys } from './nameMatch.js'
import { possibleMatch, type IndexedPatient } from './possibleMatch.js'
import { digits, phoneKey } from './transliteration.js'

/** One search hit, as `GET /api/patients` returns it. */
export type { PatientSummary } from '@pagdandi/core/api'

interface Entry extends IndexedPatient {
  abha: string | undefined
  uhids: string[]
  /** The UHID this facility gave, lower-cased. */
  ownUhid: string | undefined
  /** The surviving record, when this one was merged into it: search shows the survivor instead. */
  mergedInto: PatientId | undefined
}

/** What the index takes of a document: demographics, identifiers and whether it was merged. */
export type IndexSource = Pick<PatientDoc, 'demographics'> &
  Partial<Pick<PatientDoc, 'identifiers'>> & { mergedInto?: PatientId; mergedFrom?: PatientId[] }

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
      // `unknown`: the record knows no birth date, so there is no age (the summary says birthUnknown).
      return undefined
  }
}

/** Transliteration-tolerant patient search by name, ABHA number, phone, village or UHID. */
export class PatientIndex {
  readonly #entries = new Map<PatientId, Entry>()

  /** Adds or refreshes one patient from its current document, read with `readPatient` (plain strings). */
  upsert(patientId: PatientId, doc: IndexSource, facility: string | undefined, today = new Date()): void {
    const d = doc.demographics
    if (d === undefined || typeof d.name !== 'string') return
    const ids = doc.identifiers ?? { uhid: {} }
    const uhidMap = (ids.uhid ?? {}) as Record<string, string>
    const uhid = (facility !== undefined ? uhidMap[facility] : undefined) ?? Object.values(uhidMap)[0]
    const names = [d.name, ...(d.nameVariants ?? [])]
    const age = ageOf(d.birth, today)
    const village = d.address?.village ?? ''
    const guardian =
      d.guardian !== undefined && typeof d.guardian.name === 'string'
        ? { name: d.guardian.name, relation: d.guardian.relation }
        : undefined
    const ownUhid = facility !== undefined ? uhidMap[facility] : undefined
    this.#entries.set(patientId, {
      summary: {
        patientId,
        name: d.name,
        sex: d.sex,
        age,
        ...(d.birth?.kind === 'date' ? { birthDate: d.birth.date } : {}),
        ...(d.birth?.kind === 'unknown' ? { birthUnknown: true } : {}),
        ...(d.address?.village === undefined ? {} : { village }),
        uhid,
        abhaNumber: ids.abhaNumber,
        ...(guardian !== undefined ? { guardian } : {}),
        ...(d.phone !== undefined ? { phone: d.phone } : {}),
        ...(doc.mergedFrom !== undefined && doc.mergedFrom.length > 0 ? { mergedFrom: doc.mergedFrom } : {})
      },
      nameWords: names.flatMap(textKeys),
      villageWords: textKeys(village),
      guardianWords: textKeys(guardian?.name ?? ''),
      phone: d.phone !== undefined ? phoneKey(d.phone) : undefined,
      abha: ids.abhaNumber !== undefined ? digits(ids.abhaNumber) : undefined,
      uhids: Object.values(uhidMap).map(u => u.toLowerCase()),
      ownUhid: ownUhid?.toLowerCase(),
      mergedInto: doc.mergedInto,
      age
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
   * Patients matching `query`, best first, at most `limit`. A query of digits is tried as ABHA
   * number, phone and UHID; otherwise every word must match a name word (in either script, by
   * spelling-tolerant keys: nameMatch.ts) or the village. Each hit says whether it matched
   * letter for letter or only approximately.
   */
  search(query: string, limit = 50): PatientSummary[] {
    const q = query.trim()
    if (q.length === 0) return []
    const qWords = textKeys(q)
    const best = new Map<PatientId, { score: number; s: PatientSummary }>()
    for (const e of this.#entries.values()) {
      const hit = this.#score(e, q, qWords)
      if (hit === undefined) continue
      // A record merged into another is found as the survivor: its names and ids lead there.
      const shown = this.#survivor(e)
      const prior = best.get(shown.summary.patientId)
      if (prior !== undefined && prior.score >= hit.score) continue
      best.set(shown.summary.patientId, {
        score: hit.score,
        s: { ...shown.summary, match: hit.approximate ? 'approximate' : 'exact' }
      })
    }
    const scored = [...best.values()]
    // Ties end on the id, so the order is the same however the index was filled (log or document index).
    scored.sort(
      (a, b) => b.score - a.score || a.s.name.localeCompare(b.s.name) || (a.s.patientId < b.s.patientId ? -1 : 1)
    )
    return scored.slice(0, limit).map(x => x.s)
  }

  /** Patients this facility registered under `uhid`, and anyone (any facility's) with ABHA number `abhaNumber`. */
  findByIdentifier(ids: { uhid?: string | undefined; abhaNumber?: string | undefined }): SameIdentifier[] {
    const uhid = typeof ids.uhid === 'string' ? ids.uhid.trim().toLowerCase() : undefined
    const abha = typeof ids.abhaNumber === 'string' ? digits(ids.abhaNumber) : undefined
    const out: SameIdentifier[] = []
    for (const e of this.#entries.values()) {
      // A merged record's identifiers are the survivor's: a new registration with them is that patient.
      const patient = this.#survivor(e).summary
      if (uhid !== undefined && uhid.length > 0 && e.ownUhid === uhid) out.push({ field: 'uhid', patient })
      if (abha !== undefined && abha.length === 14 && e.abha === abha) out.push({ field: 'abhaNumber', patient })
    }
    return out
  }

  /** The indexed summary of one patient, if this node can open the record. */
  summary(patientId: PatientId): PatientSummary | undefined {
    return this.#entries.get(patientId)?.summary
  }

  /** Registered patients who may be the one described (possibleMatch.ts), most likely first, at most `limit`. */
  possibleMatches(query: MatchQuery, limit = 5): PossibleMatch[] {
    const found: Array<PossibleMatch & { score: number }> = []
    for (const e of this.#entries.values()) {
      if (e.mergedInto !== undefined) continue
      const m = possibleMatch(query, e)
      if (m !== undefined) found.push({ ...m, patient: e.summary })
    }
    found.sort((a, b) => b.score - a.score || a.patient.name.localeCompare(b.patient.name))
    return found.slice(0, limit).map(({ patient, reasons }) => ({ patient, reasons }))
  }

  /** The record `e` was merged into, when this node holds it; else `e` itself. */
  #survivor(e: Entry): Entry {
    const s = e.mergedInto === undefined ? undefined : this.#entries.get(e.mergedInto)
    return s ?? e
  }

  #score(e: Entry, q: string, qWords: WordKeys[]): { score: number; approximate: boolean } | undefined {
    const exact = (score: number) => ({ score, approximate: false })
    const lower = q.toLowerCase()
    if (e.uhids.includes(lower)) return exact(100)
    const qd = digits(q)
    if (qd.length >= 4 && qd.length >= q.replace(/[\s-]/g, '').length) {
      if (e.abha !== undefined && e.abha === qd) return exact(100)
      if (e.phone !== undefined && qd.length >= 10 && e.phone === phoneKey(qd)) return exact(90)
      if (e.phone !== undefined && e.phone.includes(qd)) return exact(40)
      if (e.uhids.some(u => u.includes(qd))) return exact(30)
      return undefined
    }
    if (e.uhids.some(u => u.startsWith(lower) && lower.length >= 3)) return exact(60)
    const byName = matchAll(qWords, e.nameWords)
    if (byName !== undefined) return byName
    // A village alone, or name words with the village ("Sunita Kilepal").
    const withVillage = matchAll(qWords, [...e.nameWords, ...e.villageWords])
    return withVillage === undefined ? undefined : { ...withVillage, score: withVillage.score - 2 }
  }
}
