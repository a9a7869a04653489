/**
 * Merging imported FHIR content into a patient document. A pure mutator, usable inside
 * `handle.change(d => applyImport(d, rec))`: it only adds entries the document lacks (matched by
 * entry id, which our own bundles carry and foreign ones derive stably), fills an ABHA the document
 * does not have yet, and never overwrites a value the document already holds.
 */
import type { FacilityId, PatientDoc, RegistrationInput } from '../record/index.js'
import { readString as str, writeField as put } from '../record/index.js'
import { UnnamedPatientError } from './errors.js'
import type { ImportedRecord } from './import.js'

/** One entry a merge added, in the chart's terms: which list it went to, and its label. */
export interface MergedItem {
  section:
    | 'encounter'
    | 'diagnosis'
    | 'prescription'
    | 'lab-order'
    | 'lab-result'
    | 'allergy'
    | 'no-known-allergy'
    | 'alert'
    | 'referral'
    | 'summary'
    | 'attached'
  title: string
}

/** What a merge did: counts for logs, and the items it added (patient data: for the clinician only). */
export interface MergeReport {
  /** Every entry added, in order; run on a copy, this is the preview of an import. */
  items: MergedItem[]
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
  const report: MergeReport = { items: [], added: 0, skipped: 0, identifierMismatches: [] }
  const added = (section: MergedItem['section'], title: string): void => {
    report.items.push({ section, title })
    report.added++
  }
  const addTo = <T extends { id: string }>(
    target: Record<string, T>,
    items: readonly T[],
    label: (item: T) => [MergedItem['section'], string]
  ): void => {
    for (const item of items) {
      if (Object.hasOwn(target, item.id)) {
        report.skipped++
        continue
      }
      put(target, item.id, clone(item))
      added(...label(item))
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
      added('encounter', `${e.kind} ${e.at.slice(0, 10)} ${e.facility}`)
      for (const x of Object.values(e.diagnoses)) report.items.push({ section: 'diagnosis', title: x.text })
      for (const x of Object.values(e.prescriptions)) report.items.push({ section: 'prescription', title: x.drug })
      for (const x of Object.values(e.labOrders))
        report.items.push(
          x.result === undefined
            ? { section: 'lab-order', title: x.test.display }
            : {
                section: 'lab-result',
                title: `${x.test.display}: ${x.result.value}${x.result.unit === undefined ? '' : ` ${x.result.unit}`}`
              }
        )
      continue
    }
    if (complete && existing.complaints.length === 0 && e.complaints.length > 0)
      put(existing, 'complaints', clone(e.complaints))
    if (complete && Object.keys(existing.vitals).length === 0 && Object.keys(e.vitals).length > 0)
      put(existing, 'vitals', clone(e.vitals))
    addTo(existing.diagnoses, Object.values(e.diagnoses), x => ['diagnosis', x.text])
    addTo(existing.prescriptions, Object.values(e.prescriptions), x => ['prescription', x.drug])
    for (const order of Object.values(e.labOrders)) {
      const have = existing.labOrders[order.id]
      if (have === undefined) {
        put(existing.labOrders, order.id, clone(order))
        added(order.result === undefined ? 'lab-order' : 'lab-result', order.test.display)
      } else if (have.result === undefined && order.result !== undefined) {
        put(have, 'result', clone(order.result))
        added('lab-result', `${order.test.display}: ${order.result.value}`)
      } else report.skipped++
    }
  }
  addTo(d.allergies, rec.allergies, a => [a.absent === true ? 'no-known-allergy' : 'allergy', a.substance])
  addTo(d.alerts, rec.alerts, a => ['alert', a.text])
  addTo(d.referrals, rec.referrals, r => ['referral', `${r.from} → ${r.to}: ${r.reason}`])
  addTo(d.summaries, rec.summaries, x => ['summary', x.finalDiagnosis.display])
  if (rec.attached.length > 0) {
    if (d.attached === undefined) put(d, 'attached', {})
    addTo(d.attached!, rec.attached, x => ['attached', `${x.resourceType}: ${x.title}`])
  }
  return report
}

/**
 * A registration for a patient known only from an imported bundle (a record from another ABDM
 * system). Nothing is made up: the sex the bundle lacks is `unknown`, the birth `{ kind: 'unknown' }`,
 * and the address holds only the parts the bundle gave. A bundle without the patient's name (the IG
 * makes Patient.name optional) registers nobody: {@link UnnamedPatientError}, since a record needs a
 * name to be found and one would have to be made up. The UHID is the bundle's for this facility (else
 * any facility's), and none at all when the bundle gives none.
 */
export function registrationFromImport(rec: ImportedRecord, facility: FacilityId): RegistrationInput {
  const p = rec.patient
  if (p.name === undefined) throw new UnnamedPatientError()
  const input: RegistrationInput = {
    name: p.name,
    sex: p.sex ?? 'unknown',
    birth: p.birth ?? { kind: 'unknown' },
    ...p.address
  }
  const uhid = p.uhid[facility] ?? Object.values(p.uhid)[0]
  if (uhid !== undefined) input.uhid = uhid
  if (p.abhaNumber !== undefined) input.abhaNumber = p.abhaNumber
  if (p.abhaAddress !== undefined) input.abhaAddress = p.abhaAddress
  return input
}
