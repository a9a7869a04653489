/**
 * Merging imported FHIR content into a patient document. A pure mutator, usable inside
 * `handle.change(d => applyImport(d, rec))`: it only adds entries the document lacks (matched by
 * entry id, which our own bundles carry and foreign ones derive stably), fills an ABHA the document
 * does not have yet, and never overwrites a value the document already holds.
 */
import type { FacilityId, PatientDoc, RegistrationInput } from '../record/index.js'
import { readString as str, writeField as put } from '../record/index.js'
import type { ImportedRecord } from './import.js'

/** What a merge did, in counts (no patient data), for logs and the API answer. */
export interface MergeReport {
  added: number
  /** Entries the document already had (a re-import is all skipped). */
  skipped: number
  /** An identifier in the bundle that differs from the document's (e.g. another ABHA number). */
  identifierMismatches: string[]
}

function clone<T>(v: T): T {
  // Automerge proxies must receive fresh plain values, never an object already in another document;
  // `put` then makes every string immutable when `d` is a proxy.
  return JSON.parse(JSON.stringify(v)) as T
}

/** Add every imported entry the document does not have yet (into an Automerge proxy or a plain PatientDoc). */
export function applyImport(d: PatientDoc, rec: ImportedRecord): MergeReport {
  const report: MergeReport = { added: 0, skipped: 0, identifierMismatches: [] }
  const addTo = <T extends { id: string }>(target: Record<string, T>, items: readonly T[]): void => {
    for (const item of items) {
      if (Object.hasOwn(target, item.id)) {
        report.skipped++
        continue
      }
      put(target, item.id, clone(item))
      report.added++
    }
  }
  const p = rec.patient
  if (p.abhaNumber !== undefined) {
    const have = str(d.identifiers.abhaNumber)
    if (have === undefined) put(d.identifiers, 'abhaNumber', p.abhaNumber)
    else if (have !== p.abhaNumber) report.identifierMismatches.push('abhaNumber')
  }
  if (p.abhaAddress !== undefined) {
    const have = str(d.identifiers.abhaAddress)
    if (have === undefined) put(d.identifiers, 'abhaAddress', p.abhaAddress)
    else if (have !== p.abhaAddress) report.identifierMismatches.push('abhaAddress')
  }
  for (const [hfr, uhid] of Object.entries(p.uhid)) {
    const existing = str(d.identifiers.uhid[hfr as FacilityId])
    if (existing === undefined) put(d.identifiers.uhid, hfr as FacilityId, uhid)
    else if (existing !== uhid) report.identifierMismatches.push(`uhid ${hfr}`)
  }
  // Complete encounters first, so that a visit is created with its complaints and vitals, not as a stub.
  const ordered = [...rec.encounters].sort((a, b) => Number(b.complete) - Number(a.complete))
  for (const { encounter: e, complete } of ordered) {
    const existing = d.encounters[e.id]
    if (existing === undefined) {
      put(d.encounters, e.id, clone(e))
      report.added++
      continue
    }
    if (complete && existing.complaints.length === 0 && e.complaints.length > 0)
      put(existing, 'complaints', clone(e.complaints))
    if (complete && Object.keys(existing.vitals).length === 0 && Object.keys(e.vitals).length > 0)
      put(existing, 'vitals', clone(e.vitals))
    addTo(existing.diagnoses, Object.values(e.diagnoses))
    addTo(existing.prescriptions, Object.values(e.prescriptions))
    for (const order of Object.values(e.labOrders)) {
      const have = existing.labOrders[order.id]
      if (have === undefined) {
        put(existing.labOrders, order.id, clone(order))
        report.added++
      } else if (have.result === undefined && order.result !== undefined) {
        put(have, 'result', clone(order.result))
        report.added++
      } else report.skipped++
    }
  }
  addTo(d.allergies, rec.allergies)
  addTo(d.alerts, rec.alerts)
  addTo(d.referrals, rec.referrals)
  addTo(d.summaries, rec.summaries)
  return report
}

/**
 * A registration for a patient known only from an imported bundle (a record from another ABDM
 * system). Missing demographics are filled with explicit unknowns; the UHID is the bundle's, or a
 * placeholder naming the bundle's facility.
 */
export function registrationFromImport(rec: ImportedRecord, facility: FacilityId): RegistrationInput {
  const p = rec.patient
  const input: RegistrationInput = {
    name: p.name ?? 'Unknown',
    sex: p.sex ?? 'unknown',
    birth: p.birth ?? { kind: 'year', year: 1900 },
    village: 'unknown',
    block: 'unknown',
    district: 'unknown',
    uhid: p.uhid[facility] ?? Object.values(p.uhid)[0] ?? 'imported'
  }
  if (p.abhaNumber !== undefined) input.abhaNumber = p.abhaNumber
  if (p.abhaAddress !== undefined) input.abhaAddress = p.abhaAddress
  return input
}
