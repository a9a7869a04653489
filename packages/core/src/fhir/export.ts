/**
 * Projection of a patient document into NRCeS IG 6.x document bundles: an OPConsultRecord per
 * encounter (with its Referral section), a PrescriptionRecord per encounter with prescriptions, a
 * DiagnosticReportRecord per lab result, and a DischargeSummaryRecord per back-referral or discharge.
 *
 * Export is a pure function of the document: the same document gives byte-identical bundles (uuids,
 * identifiers and version ids are hashes of the patient id and entry ids; entries are visited by id).
 */
import type { Bundle, CompositionSection, DiagnosticReport, Observation } from '@medplum/fhirtypes'
import type { Author, CareSummary, EntryId, Encounter, LabOrder, PatientDoc, Referral } from '../record/types.js'
import { plainValue, readPatient } from '../record/index.js'
import { BundleBuilder } from './builder.js'
import {
  COMPOSITION_TYPE,
  LAB_ORDER_CATEGORY,
  LAB_REPORT_SECTION,
  OP_SECTION,
  SYSTEM,
  profileUrl
} from './constants.js'
import {
  addAllergy,
  addComplaint,
  addEncounter,
  addLabOrder,
  addPrescription,
  addReferral,
  addVitals,
  sorted
} from './resources.js'
import {
  addAuthor,
  addOrganization,
  addPatient,
  concept,
  entryIdentifier,
  type ExportScope,
  type PractitionerInfo
} from './resources-parties.js'
import { addAlert } from './summary.js'
import { type AbdmDocumentKind, composition, section } from './export-document.js'
import { careSummaryDoc } from './export-discharge.js'

export type { AbdmDocumentKind } from './export-document.js'

/** One exported document: its kind, the document entry it came from, and the bundle. */
export interface ExportedDocument {
  kind: AbdmDocumentKind
  /** The encounter, lab order, referral or care summary the bundle was made from. */
  sourceId: EntryId
  bundle: Bundle
}

/**
 * The scope with its document as plain data: an Automerge document holds immutable strings, and the
 * projection compares and hashes strings. Each exported entry point converts once, here.
 */
function plainScope(scope: ExportScope): ExportScope {
  const doc = readPatient(scope.doc)
  return { ...scope, doc, practitioners: { ...practitionersOf(doc), ...scope.practitioners } }
}

/** Practitioner names the record itself holds: every entry's author with an HPR id. */
function practitionersOf(doc: PatientDoc): Record<string, PractitionerInfo> {
  const out: Record<string, PractitionerInfo> = {}
  const take = (a: Author | undefined): void => {
    if (a?.hprId !== undefined) out[a.hprId] = { name: a.name }
  }
  for (const e of Object.values(doc.encounters)) {
    if (e.practitioner !== undefined && e.practitionerName !== undefined)
      out[e.practitioner] = { name: e.practitionerName }
    take(e.author)
    for (const m of [e.diagnoses, e.prescriptions, e.labOrders, e.dispensing])
      for (const x of Object.values(m)) take(x.author)
  }
  for (const m of [doc.allergies, doc.alerts]) for (const x of Object.values(m)) take(x.author)
  return out
}

/** Project every record of the patient document into ABDM document bundles. */
export function exportPatientBundles(input: ExportScope): ExportedDocument[] {
  const scope = plainScope(input)
  const out: ExportedDocument[] = []
  const { doc } = scope
  const encounters = sorted(doc.encounters).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  for (const e of encounters) {
    out.push({ kind: 'OPConsultRecord', sourceId: e.id, bundle: opConsult(scope, e) })
    if (Object.keys(e.prescriptions).length > 0) {
      out.push({ kind: 'PrescriptionRecord', sourceId: e.id, bundle: prescriptionDoc(scope, e) })
    }
    for (const order of sorted(e.labOrders)) {
      if (order.result !== undefined) {
        out.push({ kind: 'DiagnosticReportRecord', sourceId: order.id, bundle: labReport(scope, e, order) })
      }
    }
  }
  for (const r of sorted(doc.referrals)) {
    if (r.encounterId === undefined || doc.encounters[r.encounterId] === undefined) {
      out.push({ kind: 'OPConsultRecord', sourceId: r.id, bundle: referralDoc(scope, r) })
    }
  }
  for (const cs of sorted(doc.summaries)) {
    out.push({ kind: 'DischargeSummaryRecord', sourceId: cs.id, bundle: careSummaryDoc(scope, cs) })
  }
  return out
}

/** The OPConsultRecord of one encounter, with the Referral section when a referral was made at it. */
function opConsult(scope: ExportScope, e: Encounter): Bundle {
  const b = new BundleBuilder()
  const patient = addPatient(b, scope)
  const encounter = addEncounter(b, scope, e, patient)
  const sections: CompositionSection[] = []
  const complaints = e.complaints.map((text, i) => addComplaint(b, scope, e, i, text, patient, encounter))
  if (complaints.length > 0) sections.push(section(OP_SECTION.chiefComplaints, 'Chief complaints', complaints))
  const vitals = addVitals(b, scope, e, patient, encounter)
  if (vitals.length > 0) sections.push(section(OP_SECTION.physicalExamination, 'Physical examination', vitals))
  const known = <T extends { recordedAt: string }>(m: Record<string, T & { id: string }>): (T & { id: string })[] =>
    sorted(m).filter(x => x.recordedAt <= e.at)
  const allergies = known(scope.doc.allergies).map(a => addAllergy(b, scope, a, patient))
  if (allergies.length > 0) sections.push(section(OP_SECTION.allergies, 'Allergies', allergies))
  const alerts = known(scope.doc.alerts).map(a => addAlert(b, scope, a, patient))
  if (alerts.length > 0) sections.push(section(OP_SECTION.medicalHistory, 'Medical history', alerts))
  const orders = sorted(e.labOrders).map(o => addLabOrder(b, scope, e, o, patient, encounter))
  if (orders.length > 0) sections.push(section(OP_SECTION.investigationAdvice, 'Investigation advice', orders))
  const meds = sorted(e.prescriptions).map(rx => addPrescription(b, scope, e, rx, patient, encounter))
  if (meds.length > 0) sections.push(section(OP_SECTION.medications, 'Medications', meds))
  const referrals = sorted(scope.doc.referrals)
    .filter(r => r.encounterId === e.id)
    .map(r => addReferral(b, scope, r, patient, addAuthor(b, scope, e), encounter))
  if (referrals.length > 0) sections.push(section(OP_SECTION.referral, 'Referral', referrals))
  if (sections.length === 0) {
    // cmp-2: a section needs text, entries or sub-sections; an empty visit still says so explicitly.
    sections.push({
      ...section(OP_SECTION.chiefComplaints, 'Chief complaints', []),
      entry: undefined,
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">No complaints recorded.</div>' },
      emptyReason: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'nilknown', display: 'Nil Known' }
        ]
      }
    })
  }
  return b.document(
    ['OPConsultRecord', scope.patientId, e.id],
    composition({
      kind: 'OPConsultRecord',
      type: COMPOSITION_TYPE.opConsult,
      title: 'Consultation Report',
      date: e.at,
      subject: patient,
      author: addAuthor(b, scope, e),
      custodian: addOrganization(b, scope, e.facility),
      encounter,
      section: sections
    }),
    e.at
  )
}

/** The PrescriptionRecord of one encounter's prescriptions. */
function prescriptionDoc(scope: ExportScope, e: Encounter): Bundle {
  const b = new BundleBuilder()
  const patient = addPatient(b, scope)
  const encounter = addEncounter(b, scope, e, patient, { diagnoses: false })
  const meds = sorted(e.prescriptions).map(rx => addPrescription(b, scope, e, rx, patient, encounter))
  return b.document(
    ['PrescriptionRecord', scope.patientId, e.id],
    composition({
      kind: 'PrescriptionRecord',
      type: COMPOSITION_TYPE.prescription,
      title: 'Prescription record',
      date: e.at,
      subject: patient,
      author: addAuthor(b, scope, e),
      custodian: addOrganization(b, scope, e.facility),
      encounter,
      section: [section(COMPOSITION_TYPE.prescription, 'Prescription record', meds)]
    }),
    e.at
  )
}

function resultValue(value: string, unit: string | undefined): Pick<Observation, 'valueQuantity' | 'valueString'> {
  // Only a canonical number becomes a Quantity, so that the string round-trips exactly ("12.50" stays text).
  const n = Number(value)
  if (unit !== undefined && value.trim() !== '' && Number.isFinite(n) && String(n) === value) {
    return { valueQuantity: { value: n, unit } }
  }
  return { valueString: unit === undefined ? value : `${value} ${unit}` }
}

const INTERPRETATION = {
  normal: { code: 'N', display: 'Normal' },
  abnormal: { code: 'A', display: 'Abnormal' },
  positive: { code: 'POS', display: 'Positive' },
  negative: { code: 'NEG', display: 'Negative' }
} as const

/** The DiagnosticReportRecord of one lab result: a DiagnosticReportLab with one result Observation. */
function labReport(scope: ExportScope, e: Encounter, order: LabOrder): Bundle {
  const result = order.result
  if (result === undefined) throw new TypeError('labReportBundle: the lab order has no result')
  const b = new BundleBuilder()
  const patient = addPatient(b, scope)
  const encounter = addEncounter(b, scope, e, patient, { diagnoses: false })
  const lab = addOrganization(b, scope, result.by)
  const request = addLabOrder(b, scope, e, order, patient, encounter)
  const code = concept(order.test, order.test.display)
  const observation = b.add([scope.patientId, 'Observation', order.id, 'result'], (id): Observation => ({
    resourceType: 'Observation',
    id,
    meta: { profile: [profileUrl('Observation')] },
    identifier: [entryIdentifier(order.id)],
    status: 'final',
    category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory', display: 'Laboratory' }] }],
    code,
    subject: patient,
    encounter,
    effectiveDateTime: order.orderedAt,
    issued: result.resultedAt,
    performer: [lab],
    ...resultValue(result.value, result.unit),
    ...(result.interpretation === undefined
      ? {}
      : {
          interpretation: [
            { coding: [{ system: SYSTEM.observationInterpretation, ...INTERPRETATION[result.interpretation] }] }
          ]
        })
  })).ref
  const conclusion = [
    result.value,
    result.unit,
    result.interpretation === undefined ? undefined : `(${result.interpretation})`
  ]
    .filter(x => x !== undefined)
    .join(' ')
  const report = b.add([scope.patientId, 'DiagnosticReport', order.id], (id): DiagnosticReport => ({
    resourceType: 'DiagnosticReport',
    id,
    meta: { profile: [profileUrl('DiagnosticReportLab')] },
    identifier: [entryIdentifier(order.id)],
    basedOn: [request],
    status: 'final',
    category: [{ coding: [{ system: SYSTEM.snomed, ...LAB_ORDER_CATEGORY }] }],
    code,
    subject: patient,
    encounter,
    effectiveDateTime: order.orderedAt,
    issued: result.resultedAt,
    performer: [lab],
    resultsInterpreter: [lab],
    result: [observation],
    conclusion
  })).ref
  return b.document(
    ['DiagnosticReportRecord', scope.patientId, order.id],
    composition({
      kind: 'DiagnosticReportRecord',
      type: COMPOSITION_TYPE.diagnosticReport,
      title: 'Diagnostic Report',
      date: result.resultedAt,
      subject: patient,
      author: lab,
      custodian: lab,
      encounter,
      section: [section(LAB_REPORT_SECTION, 'Laboratory report', [report])]
    }),
    result.resultedAt
  )
}

/**
 * A referral decided outside any recorded visit: an OPConsultRecord whose only section is Referral,
 * over an Encounter marked as synthesized (the importer does not turn it into a visit).
 */
function referralDoc(scope: ExportScope, r: Referral): Bundle {
  const b = new BundleBuilder()
  const patient = addPatient(b, scope)
  const visit: Encounter = {
    id: r.id,
    kind: 'opd',
    facility: r.from,
    at: r.createdAt,
    complaints: [],
    vitals: {},
    diagnoses: {},
    prescriptions: {},
    labOrders: {},
    dispensing: {}
  }
  const encounter = addEncounter(b, scope, visit, patient, { synthesized: true })
  const requester = addOrganization(b, scope, r.from)
  const ref = addReferral(b, scope, r, patient, requester, encounter)
  return b.document(
    ['OPConsultRecord', scope.patientId, r.id],
    composition({
      kind: 'OPConsultRecord',
      type: COMPOSITION_TYPE.opConsult,
      title: 'Referral',
      date: r.createdAt,
      subject: patient,
      author: requester,
      custodian: requester,
      encounter,
      section: [section(OP_SECTION.referral, 'Referral', [ref])]
    }),
    r.createdAt
  )
}

/** The OPConsultRecord of one encounter (of a plain or Automerge document). */
export function opConsultBundle(scope: ExportScope, e: Encounter): Bundle {
  return opConsult(plainScope(scope), plainValue(e))
}

/** The PrescriptionRecord of one encounter's prescriptions. */
export function prescriptionBundle(scope: ExportScope, e: Encounter): Bundle {
  return prescriptionDoc(plainScope(scope), plainValue(e))
}

/** The DiagnosticReportRecord of one resulted lab order. */
export function labReportBundle(scope: ExportScope, e: Encounter, order: LabOrder): Bundle {
  return labReport(plainScope(scope), plainValue(e), plainValue(order))
}

/** The OPConsultRecord of a referral not made at a recorded encounter. */
export function referralBundle(scope: ExportScope, r: Referral): Bundle {
  return referralDoc(plainScope(scope), plainValue(r))
}

/** The DischargeSummaryRecord of a back-referral or discharge summary. */
export function careSummaryBundle(scope: ExportScope, cs: CareSummary): Bundle {
  return careSummaryDoc(plainScope(scope), plainValue(cs))
}
