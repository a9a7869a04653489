/**
 * Reading one validated bundle into record entries. Each reader marks the resources it used; whatever
 * no reader took is attached verbatim at the end, so a bundle never loses a resource on import.
 */
import type { CareSummary, Encounter, FacilityId, IsoInstant, LabOrder, PractitionerId } from '../record/types.js'
import { COMPOSITION_TYPE, DS_SECTION, isIdentifierSystem, OP_SECTION, SYSTEM } from './constants.js'
import { toUtcInstant } from './datetime.js'
import type { ImportedEncounter, ImportedRecord, ImportOptions } from './import.js'
import { type Json, isObject, list } from './issues.js'
import { readValue, readVitals, compact } from './import-values.js'
import { BundleReader, codeOf, codingOf, hfrOf, isSynthesized, str, textOf } from './read.js'
import {
  addAlert,
  addAllergy,
  addLabOrder,
  addPrescription,
  diagnosis,
  orderTest,
  readReferral,
  type ReadContext
} from './import-entries.js'
import { careSummaryKind, outcomeFromDisposition } from './summary.js'

const CLASS_TO_KIND: Record<string, Encounter['kind']> = { AMB: 'opd', IMP: 'ipd', EMER: 'emergency' }
const INTERPRETATION: Record<string, NonNullable<LabOrder['result']>['interpretation']> = {
  N: 'normal',
  A: 'abnormal',
  POS: 'positive',
  NEG: 'negative'
}
/** Elements that carry a resource's own time, in the order they are tried. */
const TIME_KEYS = [
  'effectiveDateTime',
  'occurrenceDateTime',
  'authoredOn',
  'recordedDate',
  'issued',
  'date',
  'start',
  'created',
  'performedDateTime',
  'onsetDateTime'
]

/** Reads the parts of one bundle; `opts.facility` is the importing facility. */
export class Reading implements ReadContext {
  private readonly used = new Map<Json, string>()
  readonly date: IsoInstant

  constructor(
    readonly r: BundleReader,
    readonly opts: ImportOptions,
    readonly out: ImportedRecord
  ) {
    this.date = this.time(r.composition.date) ?? opts.at
  }

  /** Read the bundle into `out`, then attach what no reader used and write the report. */
  read(): void {
    this.mark(this.r.composition, 'context', 'composition')
    const subject = this.r.get(this.r.composition.subject)
    if (subject !== undefined) this.mark(subject, 'context', 'patient identifiers')
    const kind = this.out.kind
    if (kind === 'OPConsultRecord') this.opConsult()
    else if (kind === 'PrescriptionRecord') this.prescription()
    else if (kind === 'DiagnosticReportRecord') this.diagnosticReport()
    else if (kind === 'DischargeSummaryRecord') this.careSummary()
    list(this.r.bundle.entry).forEach((e, i) => {
      const res = isObject(e) && isObject(e.resource) ? e.resource : undefined
      if (res === undefined) return
      const type = str(res.resourceType) ?? 'Resource'
      if (['Practitioner', 'Organization', 'PractitionerRole'].includes(type) && !this.used.has(res))
        this.mark(res, 'context', 'who and where')
      const into = this.used.get(res)
      if (into === undefined) {
        this.attach(res, i)
        this.out.report.push({ entry: i, resourceType: type, outcome: 'attached', into: 'attached' })
      } else {
        const [outcome, where] = into.split('|') as ['mapped' | 'context', string]
        this.out.report.push({ entry: i, resourceType: type, outcome, into: where })
      }
    })
  }

  mark(res: Json, outcome: 'mapped' | 'context', into: string): void {
    if (!this.used.has(res)) this.used.set(res, `${outcome}|${into}`)
  }

  /** A FHIR dateTime/instant as a UTC instant (validation already checked the format). */
  private time(v: unknown): IsoInstant | undefined {
    return toUtcInstant(v)
  }

  private attach(res: Json, index: number): void {
    const period = isObject(res.period) ? res.period.start : undefined
    const at = TIME_KEYS.map(k => this.time(res[k])).find(x => x !== undefined) ?? this.time(period)
    const title =
      textOf(res.code) ??
      textOf(res.vaccineCode) ??
      textOf(res.type) ??
      str(res.description) ??
      str(res.title) ??
      textOf(res.medicationCodeableConcept) ??
      String(res.resourceType)
    this.out.attached.push(
      compact({
        id: this.r.entryId(res, 'attached', String(index)),
        resourceType: String(res.resourceType),
        title,
        at,
        document: this.out.kind,
        bundle: this.r.bundleKey,
        json: JSON.stringify(res),
        importedAt: this.opts.at,
        by: this.opts.facility
      })
    )
  }

  facilityOf(ref: unknown): FacilityId | undefined {
    return hfrOf(this.r.get(ref)) ?? (isObject(ref) ? hfrOf(ref) : undefined)
  }

  custodian(): FacilityId {
    return this.facilityOf(this.r.composition.custodian) ?? this.opts.facility
  }

  /** The Composition's Encounter as a (possibly partial) record encounter, unless it was synthesized. */
  private encounter(complete: boolean): ImportedEncounter | undefined {
    const e = this.r.get(this.r.composition.encounter)
    if (e === undefined) return undefined
    if (isSynthesized(e)) {
      this.mark(e, 'context', 'encounter')
      return undefined
    }
    this.mark(e, 'mapped', 'encounters')
    const period = isObject(e.period) ? e.period : {}
    const participant = list(e.participant)
      .filter(isObject)
      .map(p => this.r.get(p.individual))
      .find(x => x?.resourceType === 'Practitioner')
    const hpr = list(participant?.identifier)
      .filter(isObject)
      .find(id => isIdentifierSystem('hpr', id.system))?.value
    const encounter: Encounter = {
      id: this.r.entryId(e),
      kind: CLASS_TO_KIND[str(isObject(e.class) ? e.class.code : undefined) ?? ''] ?? 'opd',
      facility: this.facilityOf(e.serviceProvider) ?? this.custodian(),
      at: this.time(period.start) ?? this.date,
      complaints: [],
      vitals: {},
      diagnoses: {},
      prescriptions: {},
      labOrders: {},
      dispensing: {}
    }
    if (typeof hpr === 'string' && /^\d{2}-?\d{4}-?\d{4}-?\d{4}$/.test(hpr)) {
      encounter.practitioner = hpr.replaceAll('-', '') as PractitionerId
      const name = list(participant?.name)
        .filter(isObject)
        .map(n => str(n.text))
        .find(x => x !== undefined)
      if (name !== undefined) encounter.practitionerName = name
    }
    return { encounter, complete }
  }

  private stubEncounter(): ImportedEncounter {
    return {
      complete: false,
      encounter: {
        id: this.r.entryId(this.r.composition, 'encounter'),
        kind: 'opd',
        facility: this.custodian(),
        at: this.date,
        complaints: [],
        vitals: {},
        diagnoses: {},
        prescriptions: {},
        labOrders: {},
        dispensing: {}
      }
    }
  }

  private opConsult(): void {
    const imported = this.encounter(true)
    if (imported !== undefined) {
      const e = imported.encounter
      const enc = this.r.get(this.r.composition.encounter)!
      for (const c of this.r.section(OP_SECTION.chiefComplaints.code).filter(x => x.resourceType === 'Condition')) {
        const text = textOf(c.code)
        if (text === undefined) continue
        e.complaints.push(text)
        this.mark(c, 'mapped', 'encounter.complaints')
      }
      const exam = this.r.section(OP_SECTION.physicalExamination.code).filter(x => x.resourceType === 'Observation')
      const vitals = readVitals(exam)
      e.vitals = vitals.vitals
      for (const o of vitals.used) this.mark(o, 'mapped', 'encounter.vitals')
      for (const d of list(enc.diagnosis).filter(isObject)) {
        const c = this.r.get(d.condition)
        const dx = c === undefined ? undefined : diagnosis(this, c)
        if (dx === undefined) continue
        e.diagnoses[dx.id] = dx
        this.mark(c!, 'mapped', 'encounter.diagnoses')
      }
      for (const m of this.r.section(OP_SECTION.medications.code).filter(x => x.resourceType === 'MedicationRequest'))
        addPrescription(this, e, m)
      for (const sr of this.r
        .section(OP_SECTION.investigationAdvice.code)
        .filter(x => x.resourceType === 'ServiceRequest'))
        addLabOrder(this, e, sr)
      this.out.encounters.push(imported)
    }
    for (const a of this.r.section(OP_SECTION.allergies.code).filter(x => x.resourceType === 'AllergyIntolerance'))
      addAllergy(this, a)
    for (const c of this.r.section(OP_SECTION.medicalHistory.code).filter(x => x.resourceType === 'Condition'))
      addAlert(this, c)
    for (const sr of this.r.section(OP_SECTION.referral.code).filter(x => x.resourceType === 'ServiceRequest'))
      this.out.referrals.push(readReferral(this, sr, imported?.encounter))
  }

  private prescription(): void {
    const imported = this.encounter(false) ?? this.stubEncounter()
    const meds = this.r
      .section(COMPOSITION_TYPE.prescription.code)
      .concat(list(this.r.composition.section).length === 1 ? this.r.all(this.firstSection().entry) : [])
      .filter(x => x.resourceType === 'MedicationRequest')
    for (const m of new Set(meds)) addPrescription(this, imported.encounter, m)
    if (Object.keys(imported.encounter.prescriptions).length > 0 || !imported.complete)
      this.out.encounters.push(imported)
  }

  private firstSection(): Json {
    const s = list(this.r.composition.section)[0]
    return isObject(s) ? s : {}
  }

  private diagnosticReport(): void {
    const imported = this.encounter(false) ?? this.stubEncounter()
    const reports = list(this.r.composition.section)
      .filter(isObject)
      .flatMap(s => this.r.all(s.entry))
      .filter(x => x.resourceType === 'DiagnosticReport')
    for (const report of reports) {
      const ours = list(report.identifier).some(i => isObject(i) && i.system === SYSTEM.pagdandiEntry)
      const request = this.r.all(report.basedOn).find(x => x.resourceType === 'ServiceRequest')
      const results = this.r.all(report.result).filter(x => x.resourceType === 'Observation')
      for (const observation of results) {
        const test = codingOf(observation.code, [SYSTEM.loinc]) ?? codingOf(observation.code)
        if (test === undefined) continue
        // One result, one order: the request's id for a single-result report, the observation's for a panel.
        const single = results.length === 1 && request !== undefined
        const order: LabOrder = {
          id: single ? this.r.entryId(request) : this.r.entryId(observation),
          test: single ? (orderTest(request) ?? test) : test,
          orderedAt:
            this.time(request?.authoredOn) ??
            this.time(observation.effectiveDateTime) ??
            this.time(report.effectiveDateTime) ??
            this.date
        }
        const performer =
          this.facilityOf(list(observation.performer)[0]) ??
          this.facilityOf(list(report.performer)[0]) ??
          this.custodian()
        order.result = compact({
          ...readValue(observation),
          interpretation: INTERPRETATION[codeOf(list(observation.interpretation)[0]) ?? ''],
          resultedAt: this.time(observation.issued) ?? this.time(report.issued) ?? this.date,
          by: performer
        })
        imported.encounter.labOrders[order.id] = order
        this.mark(observation, 'mapped', 'encounter.labOrders')
        if (single) this.mark(request, 'mapped', 'encounter.labOrders')
      }
      // Another system's report (conclusion, images, a PDF) is kept whole; ours holds nothing more.
      if (ours && results.length > 0) this.mark(report, 'mapped', 'encounter.labOrders')
    }
    if (Object.keys(imported.encounter.labOrders).length > 0) this.out.encounters.push(imported)
  }

  private careSummary(): void {
    const c = this.r.composition
    const e = this.r.get(c.encounter) ?? {}
    if (this.r.get(c.encounter) !== undefined) this.mark(e, 'context', 'encounter')
    const hosp = isObject(e.hospitalization) ? e.hospitalization : {}
    const plan = this.r.section(DS_SECTION.carePlan.code).find(x => x.resourceType === 'CarePlan')
    const referral = this.r.all(e.basedOn).find(x => x.resourceType === 'ServiceRequest')
    if (referral !== undefined) this.out.referrals.push(readReferral(this, referral, undefined))
    // The final diagnosis is on Encounter.diagnosis (ours); other systems list it as the chief complaint.
    const dx = [
      ...list(e.diagnosis)
        .filter(isObject)
        .map(d => this.r.get(d.condition)),
      ...this.r.section(DS_SECTION.chiefComplaints.code)
    ].find(x => x?.resourceType === 'Condition' && codingOf(x.code) !== undefined)
    const finalDiagnosis = dx === undefined ? undefined : codingOf(dx.code)
    if (finalDiagnosis === undefined) return // nothing to summarise: every resource is attached instead
    this.mark(dx!, 'mapped', 'summaries.finalDiagnosis')
    const procedures = this.r.section(DS_SECTION.procedures.code).filter(x => x.resourceType === 'Procedure')
    const meds = this.r.section(DS_SECTION.medications.code).filter(x => x.resourceType === 'MedicationRequest')
    const activity = plan === undefined ? undefined : list(plan.activity).filter(isObject)[0]
    const detail = isObject(activity?.detail) ? activity.detail : {}
    const reviewAt = this.time(isObject(detail.scheduledPeriod) ? detail.scheduledPeriod.start : undefined)
    const summary: CareSummary = {
      id: plan === undefined ? this.r.entryId(c) : this.r.entryId(plan),
      kind: careSummaryKind(str(isObject(e.class) ? e.class.code : undefined)),
      from: this.facilityOf(e.serviceProvider) ?? this.custodian(),
      to: this.facilityOf(hosp.destination) ?? this.opts.facility,
      finalDiagnosis,
      treatmentGiven: procedures
        .map(p => textOf(p.code))
        .filter(x => x !== undefined)
        .join('; '),
      outcome: outcomeFromDisposition(codeOf(hosp.dischargeDisposition)),
      followUpAdvice: str(plan?.description) ?? '',
      medicines: meds.map(m => textOf(m.medicationCodeableConcept)).filter((x): x is string => x !== undefined),
      redFlags: list(plan?.note)
        .filter(isObject)
        .map(n => str(n.text))
        .filter((x): x is string => x !== undefined),
      at: this.date
    }
    for (const p of procedures) this.mark(p, 'mapped', 'summaries.treatmentGiven')
    for (const m of meds) this.mark(m, 'mapped', 'summaries.medicines')
    if (plan !== undefined) this.mark(plan, 'mapped', 'summaries.followUpAdvice')
    if (referral !== undefined) summary.referralId = this.r.entryId(referral)
    if (reviewAt !== undefined)
      summary.reviewAfterDays = Math.round((Date.parse(reviewAt) - Date.parse(this.date)) / 86_400_000)
    this.out.summaries.push(summary)
  }
}
