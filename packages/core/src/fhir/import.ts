/**
 * Import of ABDM document bundles (ours or another system's) into the shape of the patient document.
 * `importBundle` validates and reads one bundle into an {@link ImportedRecord}; `applyImport` merges
 * that into a PatientDoc (an Automerge proxy or a plain object), adding what is missing and never
 * overwriting what the document already holds.
 */
import type {
  Alert,
  Allergy,
  BirthInfo,
  CareSummary,
  Diagnosis,
  Encounter,
  FacilityId,
  IsoInstant,
  LabOrder,
  LabResult,
  PractitionerId,
  Prescription,
  Referral,
  Sex,
  Urgency,
  Vitals
} from '../record/types.js'
import { BLOOD_PRESSURE, COMPOSITION_TYPE, DS_SECTION, OP_SECTION, SYSTEM, VITAL_SIGNS } from './constants.js'
import { InvalidFhirBundleError, UnsupportedFhirDocumentError } from './errors.js'
import type { AbdmDocumentKind } from './export.js'
import { type Json, isObject, list } from './issues.js'
import { BundleReader, codeOf, codingOf, hfrOf, identifierValue, isSynthesized, str, textOf } from './read.js'
import { careSummaryKind, outcomeFromDisposition } from './summary.js'
import { type StructureCheck, validateBundle } from './validate.js'

/** The patient as a bundle describes them (identifiers are what a merge matches on). */
export interface ImportedPatient {
  name?: string
  sex?: Sex
  birth?: BirthInfo
  phone?: string
  /** 14 digits, no hyphens. */
  abhaNumber?: string
  abhaAddress?: string
  uhid: Record<FacilityId, string>
}

/** An encounter read from a bundle; `complete` when the bundle carried the whole visit (OPConsult). */
export interface ImportedEncounter {
  encounter: Encounter
  complete: boolean
}

/** The clinical content of one bundle, in PatientDoc terms. */
export interface ImportedRecord {
  kind: AbdmDocumentKind
  /** `system|value` of the Bundle.identifier. */
  bundleKey: string
  patient: ImportedPatient
  encounters: ImportedEncounter[]
  allergies: Allergy[]
  alerts: Alert[]
  referrals: Referral[]
  summaries: CareSummary[]
}

/** Options of {@link importBundle}. */
export interface ImportOptions {
  /** The importing facility: used where the bundle does not say which facility did something. */
  facility: FacilityId
  /** Base R4 structure check, as for validateBundle. */
  structure?: StructureCheck
}

const KIND_BY_TYPE: Record<string, AbdmDocumentKind> = {
  OPConsultRecord: 'OPConsultRecord',
  PrescriptionRecord: 'PrescriptionRecord',
  DiagnosticReportRecord: 'DiagnosticReportRecord',
  DischargeSummaryRecord: 'DischargeSummaryRecord'
}

/**
 * Validate a bundle and read its clinical content. Throws InvalidFhirBundleError (with every issue)
 * if it is invalid, UnsupportedFhirDocumentError for a valid document kind we do not map.
 */
export function importBundle(input: unknown, opts: ImportOptions): ImportedRecord {
  const result = validateBundle(input, opts.structure === undefined ? {} : { structure: opts.structure })
  if (!result.ok) throw new InvalidFhirBundleError(result.issues.filter(i => i.severity === 'error'))
  const kind = result.profile === undefined ? undefined : KIND_BY_TYPE[result.profile]
  const r = new BundleReader(input as Json)
  if (kind === undefined) throw new UnsupportedFhirDocumentError(codeOf(r.composition.type) ?? String(result.profile))
  const out: ImportedRecord = {
    kind,
    bundleKey: r.bundleKey,
    patient: readPatient(r.get(r.composition.subject)),
    encounters: [],
    allergies: [],
    alerts: [],
    referrals: [],
    summaries: []
  }
  const ctx = new Reading(r, opts.facility)
  if (kind === 'OPConsultRecord') ctx.opConsult(out)
  else if (kind === 'PrescriptionRecord') ctx.prescription(out)
  else if (kind === 'DiagnosticReportRecord') ctx.diagnosticReport(out)
  else ctx.careSummary(out)
  return out
}

function readPatient(p: Json | undefined): ImportedPatient {
  const out: ImportedPatient = { uhid: {} }
  if (p === undefined) return out
  const name = list(p.name)
    .filter(isObject)
    .map(n => str(n.text))
    .find(x => x !== undefined)
  if (name !== undefined) out.name = name
  if (p.gender === 'female' || p.gender === 'male' || p.gender === 'other' || p.gender === 'unknown') out.sex = p.gender
  const born = str(p.birthDate)
  if (born !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(born)) out.birth = { kind: 'date', date: born }
  else if (born !== undefined && /^\d{4}$/.test(born)) out.birth = { kind: 'year', year: Number(born) }
  const phone = list(p.telecom)
    .filter(isObject)
    .find(t => t.system === 'phone')
  if (phone !== undefined && typeof phone.value === 'string') out.phone = phone.value
  for (const id of list(p.identifier).filter(isObject)) {
    const value = str(id.value)
    const system = str(id.system) ?? ''
    if (value === undefined) continue
    if (/^https?:\/\/healthid\.(ndhm|abdm)\.gov\.in\/?$/.test(system)) {
      if (value.includes('@')) out.abhaAddress = value
      else out.abhaNumber = value.replaceAll('-', '')
      continue
    }
    const uhid = new RegExp(`^${SYSTEM.hfr.replaceAll('.', '\\.')}/(IN\\d{10})/uhid$`).exec(system)
    const assigner = isObject(id.assigner) ? hfrOf(id.assigner) : undefined
    const hfr = uhid?.[1] ?? (codeOf(id.type) === 'MR' ? assigner : undefined)
    if (hfr !== undefined) out.uhid[hfr as FacilityId] = value
  }
  return out
}

const CLASS_TO_KIND: Record<string, Encounter['kind']> = { AMB: 'opd', IMP: 'ipd', EMER: 'emergency' }
const INTERPRETATION: Record<string, NonNullable<LabResult['interpretation']>> = {
  N: 'normal',
  A: 'abnormal',
  POS: 'positive',
  NEG: 'negative'
}
const URGENCY: Record<string, Urgency> = { stat: 'emergency', asap: 'emergency', urgent: 'urgent', routine: 'routine' }

/** Reads the parts of one bundle; `fallback` is the importing facility. */
class Reading {
  constructor(
    private readonly r: BundleReader,
    private readonly fallback: FacilityId
  ) {}

  private get date(): IsoInstant {
    return str(this.r.composition.date) ?? ''
  }

  private facilityOf(ref: unknown): FacilityId | undefined {
    return hfrOf(this.r.get(ref)) ?? (isObject(ref) ? hfrOf(ref) : undefined)
  }

  private custodian(): FacilityId {
    return this.facilityOf(this.r.composition.custodian) ?? this.fallback
  }

  /** The Composition's Encounter as a (possibly partial) record encounter, unless it was synthesized. */
  private encounter(complete: boolean): ImportedEncounter | undefined {
    const e = this.r.get(this.r.composition.encounter)
    if (e === undefined || isSynthesized(e)) return undefined
    const period = isObject(e.period) ? e.period : {}
    const participant = list(e.participant)
      .filter(isObject)
      .map(p => this.r.get(p.individual))
      .find(x => x?.resourceType === 'Practitioner')
    const hpr = identifierValue(participant, SYSTEM.hpr)
    const encounter: Encounter = {
      id: this.r.entryId(e),
      kind: CLASS_TO_KIND[str(isObject(e.class) ? e.class.code : undefined) ?? ''] ?? 'opd',
      facility: this.facilityOf(e.serviceProvider) ?? this.custodian(),
      at: str(period.start) ?? this.date,
      complaints: [],
      vitals: {},
      diagnoses: {},
      prescriptions: {},
      labOrders: {},
      dispensing: {}
    }
    if (hpr !== undefined) encounter.practitioner = hpr.replaceAll('-', '') as PractitionerId
    return { encounter, complete }
  }

  opConsult(out: ImportedRecord): void {
    const imported = this.encounter(true)
    if (imported !== undefined) {
      const e = imported.encounter
      const enc = this.r.get(this.r.composition.encounter)!
      e.complaints = this.r
        .section(OP_SECTION.chiefComplaints.code)
        .map(c => textOf(c.code))
        .filter((x): x is string => x !== undefined)
      e.vitals = readVitals(this.r.section(OP_SECTION.physicalExamination.code))
      for (const d of list(enc.diagnosis).filter(isObject)) {
        const c = this.r.get(d.condition)
        const dx = c === undefined ? undefined : this.diagnosis(c)
        if (dx !== undefined) e.diagnoses[dx.id] = dx
      }
      for (const m of this.r.section(OP_SECTION.medications.code).filter(x => x.resourceType === 'MedicationRequest')) {
        const rx = this.prescriptionOf(m)
        e.prescriptions[rx.id] = rx
      }
      for (const sr of this.r.section(OP_SECTION.investigationAdvice.code)) {
        const order = this.labOrder(sr, e.at)
        if (order !== undefined) e.labOrders[order.id] = order
      }
      out.encounters.push(imported)
    }
    for (const a of this.r.section(OP_SECTION.allergies.code)) out.allergies.push(this.allergy(a))
    for (const c of this.r.section(OP_SECTION.medicalHistory.code).filter(x => x.resourceType === 'Condition'))
      out.alerts.push(this.alert(c))
    for (const sr of this.r.section(OP_SECTION.referral.code))
      out.referrals.push(this.referral(sr, imported?.encounter))
  }

  prescription(out: ImportedRecord): void {
    const imported = this.encounter(false) ?? this.stubEncounter()
    for (const m of this.r
      .section(COMPOSITION_TYPE.prescription.code)
      .filter(x => x.resourceType === 'MedicationRequest')) {
      const rx = this.prescriptionOf(m)
      imported.encounter.prescriptions[rx.id] = rx
    }
    out.encounters.push(imported)
  }

  diagnosticReport(out: ImportedRecord): void {
    const imported = this.encounter(false) ?? this.stubEncounter()
    for (const report of list(this.r.composition.section)
      .filter(isObject)
      .flatMap(s => this.r.all(s.entry))
      .filter(x => x.resourceType === 'DiagnosticReport')) {
      const request = this.r.all(report.basedOn).find(x => x.resourceType === 'ServiceRequest')
      const test = codingOf(report.code, [SYSTEM.loinc]) ?? codingOf(report.code)
      const observation = this.r.all(report.result).find(x => x.resourceType === 'Observation')
      if (test === undefined || observation === undefined) continue
      const order: LabOrder = {
        id: request === undefined ? this.r.entryId(report) : this.r.entryId(request),
        test,
        orderedAt: str(request?.authoredOn) ?? str(report.effectiveDateTime) ?? this.date
      }
      const performer =
        this.facilityOf(list(observation.performer)[0]) ??
        this.facilityOf(list(report.performer)[0]) ??
        this.custodian()
      order.result = compact({
        ...readValue(observation),
        interpretation: INTERPRETATION[codeOf(list(observation.interpretation)[0]) ?? ''],
        resultedAt: str(observation.issued) ?? str(report.issued) ?? this.date,
        by: performer
      })
      imported.encounter.labOrders[order.id] = order
    }
    out.encounters.push(imported)
  }

  careSummary(out: ImportedRecord): void {
    const c = this.r.composition
    const e = this.r.get(c.encounter) ?? {}
    const hosp = isObject(e.hospitalization) ? e.hospitalization : {}
    const plan = this.r.section(DS_SECTION.carePlan.code).find(x => x.resourceType === 'CarePlan')
    const referral = this.r.all(e.basedOn).find(x => x.resourceType === 'ServiceRequest')
    if (referral !== undefined) out.referrals.push(this.referral(referral, undefined))
    const dx = list(e.diagnosis)
      .filter(isObject)
      .map(d => this.r.get(d.condition))
      .find(x => x !== undefined)
    const finalDiagnosis = codingOf(dx?.code) ?? {
      system: SYSTEM.snomed,
      code: '261665006',
      display: textOf(dx?.code) ?? 'Unknown'
    }
    const at = this.date
    const activity = plan === undefined ? undefined : list(plan.activity).filter(isObject)[0]
    const detail = isObject(activity?.detail) ? activity.detail : {}
    const reviewAt = str(isObject(detail.scheduledPeriod) ? detail.scheduledPeriod.start : undefined)
    const summary: CareSummary = {
      id: plan === undefined ? this.r.entryId(c) : this.r.entryId(plan),
      kind: careSummaryKind(str(isObject(e.class) ? e.class.code : undefined)),
      from: this.facilityOf(e.serviceProvider) ?? this.custodian(),
      to: this.facilityOf(hosp.destination) ?? this.fallback,
      finalDiagnosis,
      treatmentGiven: this.r
        .section(DS_SECTION.procedures.code)
        .map(p => textOf(p.code))
        .filter(x => x !== undefined)
        .join('; '),
      outcome: outcomeFromDisposition(codeOf(hosp.dischargeDisposition)),
      followUpAdvice: str(plan?.description) ?? '',
      medicines: this.r
        .section(DS_SECTION.medications.code)
        .map(m => textOf(m.medicationCodeableConcept))
        .filter((x): x is string => x !== undefined),
      redFlags: list(plan?.note)
        .filter(isObject)
        .map(n => str(n.text))
        .filter((x): x is string => x !== undefined),
      at
    }
    if (referral !== undefined) summary.referralId = this.r.entryId(referral)
    if (reviewAt !== undefined && at !== '')
      summary.reviewAfterDays = Math.round((Date.parse(reviewAt) - Date.parse(at)) / 86_400_000)
    out.summaries.push(summary)
  }

  private stubEncounter(): ImportedEncounter {
    const c = this.r.composition
    return {
      complete: false,
      encounter: {
        id: this.r.entryId(c, 'encounter'),
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

  private diagnosis(c: Json): Diagnosis | undefined {
    const coding = codingOf(c.code, [SYSTEM.icd10, SYSTEM.snomed])
    if (coding === undefined) return undefined
    const verification = codeOf(c.verificationStatus)
    return {
      id: this.r.entryId(c),
      coding,
      text: textOf(c.code) ?? coding.display,
      certainty: verification === 'confirmed' ? 'confirmed' : 'provisional'
    }
  }

  private prescriptionOf(m: Json): Prescription {
    const dosage = list(m.dosageInstruction).filter(isObject)[0] ?? {}
    const text = str(dosage.text) ?? ''
    const dq = list(dosage.doseAndRate)
      .filter(isObject)
      .map(d => (isObject(d.doseQuantity) ? d.doseQuantity : undefined))[0]
    const timing = isObject(dosage.timing) ? dosage.timing : {}
    const repeat = isObject(timing.repeat) ? timing.repeat : {}
    const bounds = isObject(repeat.boundsDuration) ? repeat.boundsDuration : {}
    const coding = codingOf(m.medicationCodeableConcept, [SYSTEM.snomed])
    const rx: Prescription = compact({
      id: this.r.entryId(m),
      drug: textOf(m.medicationCodeableConcept) ?? 'unspecified',
      coding,
      dose:
        dq !== undefined && typeof dq.value === 'number'
          ? `${dq.value} ${String(dq.unit ?? '')}`.trim()
          : (text.split(', ')[0] ?? ''),
      frequency: textOf(timing.code) ?? '',
      durationDays: typeof bounds.value === 'number' ? bounds.value : 0,
      route: textOf(dosage.route) ?? '',
      instructions: str(dosage.patientInstruction)
    })
    return rx
  }

  private labOrder(sr: Json, at: IsoInstant): LabOrder | undefined {
    const test = codingOf(sr.code, [SYSTEM.loinc])
    if (test === undefined) return undefined
    return { id: this.r.entryId(sr), test, orderedAt: str(sr.authoredOn) ?? at }
  }

  private allergy(a: Json): Allergy {
    const reaction = list(a.reaction).filter(isObject)[0] ?? {}
    const manifestation = textOf(list(reaction.manifestation)[0])
    const severity =
      reaction.severity === 'mild' || reaction.severity === 'moderate' || reaction.severity === 'severe'
        ? reaction.severity
        : 'moderate'
    return compact({
      id: this.r.entryId(a),
      substance: textOf(a.code) ?? 'unspecified',
      coding: codingOf(a.code),
      reaction: manifestation === 'unspecified' ? undefined : manifestation,
      severity,
      recordedAt: str(a.recordedDate) ?? this.date,
      by: this.facilityOf(a.recorder) ?? this.custodian()
    })
  }

  private alert(c: Json): Alert {
    return compact({
      id: this.r.entryId(c),
      text: textOf(c.code) ?? 'unspecified',
      coding: codingOf(c.code),
      recordedAt: str(c.recordedDate) ?? this.date,
      by: this.facilityOf(c.recorder) ?? this.custodian(),
      active: codeOf(c.clinicalStatus) !== 'inactive'
    })
  }

  private referral(sr: Json, encounter: Encounter | undefined): Referral {
    const requester = this.r.get(sr.requester)
    const from =
      (requester?.resourceType === 'Organization' ? hfrOf(requester) : undefined) ??
      encounter?.facility ??
      this.custodian()
    const to = this.facilityOf(list(sr.performer)[0]) ?? this.fallback
    const reason = this.r.all(sr.reasonReference).find(x => x.resourceType === 'Condition')
    const transport = list(sr.orderDetail)
      .filter(isObject)
      .flatMap(d => list(d.coding))
      .filter(isObject)
      .find(c => c.system === SYSTEM.pagdandiTransport)?.code
    const createdAt = str(sr.authoredOn) ?? this.date
    const srEncounter = this.r.get(sr.encounter)
    const referral: Referral = {
      id: this.r.entryId(sr),
      from,
      to,
      reason: textOf(list(sr.reasonCode)[0]) ?? textOf(sr.code) ?? 'referral',
      urgency: URGENCY[str(sr.priority) ?? ''] ?? 'routine',
      provisionalDiagnosis: codingOf(reason?.code) ?? {
        system: SYSTEM.snomed,
        code: '261665006',
        display: textOf(reason?.code) ?? 'Unknown'
      },
      treatmentGiven: list(sr.note)
        .filter(isObject)
        .map(n => str(n.text))
        .filter(x => x !== undefined)
        .join('\n'),
      transport: transport === '108' || transport === '102' ? transport : 'own',
      createdAt,
      statusHistory: { sent: { at: createdAt, by: from } }
    }
    if (srEncounter !== undefined && !isSynthesized(srEncounter)) referral.encounterId = this.r.entryId(srEncounter)
    if (sr.status === 'completed') referral.statusHistory.completed = { at: this.date, by: to }
    return referral
  }
}

function readVitals(observations: Json[]): Vitals {
  const v: Vitals = {}
  const byCode = new Map<string, keyof Vitals>(Object.entries(VITAL_SIGNS).map(([k, s]) => [s.code, k as keyof Vitals]))
  byCode.set(BLOOD_PRESSURE.systolic.code, 'systolic')
  byCode.set(BLOOD_PRESSURE.diastolic.code, 'diastolic')
  const take = (code: unknown, q: unknown): void => {
    const key = typeof code === 'string' ? byCode.get(code) : undefined
    if (key !== undefined && isObject(q) && typeof q.value === 'number') v[key] = q.value
  }
  for (const o of observations) {
    const code = codingOf(o.code, [SYSTEM.loinc])?.code
    take(code, o.valueQuantity)
    for (const c of list(o.component).filter(isObject)) take(codingOf(c.code, [SYSTEM.loinc])?.code, c.valueQuantity)
  }
  return v
}

function readValue(o: Json): { value: string; unit?: string } {
  if (isObject(o.valueQuantity) && typeof o.valueQuantity.value === 'number') {
    const unit = str(o.valueQuantity.unit) ?? str(o.valueQuantity.code)
    return unit === undefined
      ? { value: String(o.valueQuantity.value) }
      : { value: String(o.valueQuantity.value), unit }
  }
  return { value: str(o.valueString) ?? textOf(o.valueCodeableConcept) ?? '' }
}

/** Drop undefined properties (Automerge rejects undefined values). */
function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v
  return out as T
}
