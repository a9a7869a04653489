/** ABDM FHIR document bundles: export of a patient, import as a new or merged patient. */
import { applyImport, exportPatientBundles, importBundle, registrationFromImport } from '@pagdandi/core/fhir'
import type { PatientDoc, PatientId } from '@pagdandi/core/record'
import { PatientErasedError, PatientNotFoundError } from '../http/errors.js'
import type { FhirApi } from '../http/NodeApi.js'
import type { NodeParts } from './parts.js'
import type { PatientService } from './PatientService.js'

type Parts = Pick<NodeParts, 'facility' | 'bridge' | 'sealer' | 'views' | 'roster'>

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

  /**
   * Imports one ABDM document bundle (validated first; an invalid one is refused with the rule it
   * broke). It merges into the patient with the same ABHA number if this node has one, else it
   * registers a new patient.
   */
  async importBundle(bundle: unknown): Promise<{ patientId: PatientId }> {
    const me = this.#parts.facility.facility
    const rec = importBundle(bundle, { facility: me })
    const abha = rec.patient.abhaNumber
    const existing =
      abha !== undefined ? this.#parts.views.index.search(abha).find(p => p.abhaNumber === abha) : undefined
    let patientId = existing?.patientId
    if (patientId === undefined) {
      patientId = (await this.#patients.register(registrationFromImport(rec, me))).patientId
    }
    await this.#parts.bridge.change<PatientDoc>(patientId, d => {
      applyImport(d, rec)
    })
    return { patientId }
  }
}
