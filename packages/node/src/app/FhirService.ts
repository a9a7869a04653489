/** ABDM FHIR document bundles: export of a patient, preview and import as a new or merged patient. */
import type { FhirImportOutcome } from '@pagdandi/core/api'
import {
  applyImport,
  exportPatientBundles,
  importBundle,
  registrationFromImport,
  type ImportedRecord,
  type MergeReport
} from '@pagdandi/core/fhir'
import { newPatientDoc, readPatient } from '@pagdandi/core/record'
import type { PatientDoc, PatientId } from '@pagdandi/core/record'
import { PatientErasedError, PatientNotFoundError } from '../http/errors.js'
import type { FhirApi } from '../http/NodeApi.js'
import { changeContext, type NodeParts } from './parts.js'
import type { PatientService } from './PatientService.js'

type Parts = Pick<NodeParts, 'self' | 'bridge' | 'sealer' | 'views' | 'roster' | 'now'>

/** FHIR in and out of this node. */
export class FhirService implements FhirApi {
  readonly #parts: Parts
  readonly #patients: Pick<PatientService, 'register'>

  constructor(parts: Parts, patients: Pick<PatientService, 'register'>) {
    this.#parts = parts
    this.#patients = patients
  }

  async exportPatient(patientId: PatientId): Promise<unknown[]> {
    const { bridge, sealer, roster } = this.#parts
    if (sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    const doc = await bridge.open<PatientDoc>(patientId)
    if (doc === undefined) throw new PatientNotFoundError(patientId)
    const facilities = Object.fromEntries((roster.current?.body.entries ?? []).map(e => [e.facility, { name: e.name }]))
    return exportPatientBundles({ doc, patientId, facilities })
  }

  /** Validates and reads a bundle; `source` names the file or upload in errors. */
  #read(bundle: unknown, source?: string): ImportedRecord {
    const at = this.#parts.now().toISOString()
    const opts = { facility: this.#parts.self.facility, at }
    return importBundle(bundle, source === undefined ? opts : { ...opts, source })
  }

  /** The patient a bundle belongs to here: the one with its ABHA number, if this node has one. */
  #match(rec: ImportedRecord): PatientId | undefined {
    const abha = rec.patient.abhaNumber
    if (abha === undefined) return undefined
    return this.#parts.views.index.search(abha).find(p => p.abhaNumber === abha)?.patientId
  }

  /** What an import would add, computed on a copy: nothing is written. */
  async preview(bundle: unknown, source?: string): Promise<FhirImportOutcome> {
    const rec = this.#read(bundle, source)
    const patientId = this.#match(rec)
    const open = patientId === undefined ? undefined : await this.#parts.bridge.open<PatientDoc>(patientId)
    const copy =
      open === undefined
        ? newPatientDoc(registrationFromImport(rec, this.#parts.self.facility), changeContext(this.#parts))
        : (JSON.parse(JSON.stringify(readPatient(open))) as PatientDoc)
    return outcome(rec, applyImport(copy, rec), patientId)
  }

  /**
   * Imports one ABDM document bundle (validated first; an invalid one is refused with the file, path
   * and rule). It merges into the patient with the same ABHA number if this node has one, else it
   * registers a new patient. Resolves after the change is sealed and durably stored.
   */
  async importBundle(bundle: unknown, source?: string): Promise<FhirImportOutcome & { patientId: PatientId }> {
    const rec = this.#read(bundle, source)
    let patientId = this.#match(rec)
    const newPatient = patientId === undefined
    if (patientId === undefined) {
      patientId = (await this.#patients.register(registrationFromImport(rec, this.#parts.self.facility))).patientId
    }
    let report: MergeReport | undefined
    await this.#parts.bridge.change<PatientDoc>(patientId, d => {
      report = applyImport(d, rec)
    })
    return { ...outcome(rec, report!, patientId, newPatient), patientId }
  }
}

function outcome(
  rec: ImportedRecord,
  m: MergeReport,
  patientId: PatientId | undefined,
  newPatient = patientId === undefined
): FhirImportOutcome {
  const warnings = [...rec.warnings]
  // A patient registered from this bundle alone: say what the record will not know (never made up).
  if (newPatient && rec.patient.birth === undefined) warnings.push('no-birth-date')
  if (newPatient && rec.patient.address?.village === undefined) warnings.push('no-address')
  const out: FhirImportOutcome = {
    kind: rec.kind,
    newPatient,
    items: m.items,
    alreadyPresent: m.skipped,
    identifierMismatches: m.identifierMismatches,
    attached: rec.attached.length,
    report: rec.report,
    warnings
  }
  if (patientId !== undefined) out.patientId = patientId
  if (rec.patient.name !== undefined) out.patientName = rec.patient.name
  return out
}
