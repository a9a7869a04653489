/** Registering, finding and reading patients, and seeding synthetic ones. */
import { newPatientDoc, readPatient, wrapStrings } from '@pagdandi/core/record'
import type { PatientDoc, PatientId, RegistrationInput } from '@pagdandi/core/record'
import { PatientErasedError } from '../http/errors.js'
import type { PatientsApi } from '../http/NodeApi.js'
import type { PatientSummary } from '../repo/PatientIndex.js'
import { seedPatients } from '../repo/seed.js'
import { changeContext, type NodeParts } from './parts.js'

/** The patient register of this node. */
export class PatientService implements PatientsApi {
  readonly #parts: Pick<NodeParts, 'facility' | 'bridge' | 'sealer' | 'views' | 'replication' | 'now'>

  constructor(parts: Pick<NodeParts, 'facility' | 'bridge' | 'sealer' | 'views' | 'replication' | 'now'>) {
    this.#parts = parts
  }

  async search(query: string): Promise<PatientSummary[]> {
    return this.#parts.views.index.search(query)
  }

  async register(input: RegistrationInput): Promise<{ patientId: PatientId }> {
    // Every string an immutable scalar, as the record change functions write them (docs/design/0005).
    const initial = wrapStrings(newPatientDoc(input, changeContext(this.#parts)))
    const patientId = (await this.#parts.bridge.create(initial)) as PatientId
    return { patientId }
  }

  async read(patientId: PatientId): Promise<unknown> {
    if (this.#parts.sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    const doc = await this.#parts.bridge.open<PatientDoc>(patientId)
    return doc === undefined ? undefined : readPatient(doc)
  }

  /** Also makes the record resident, so a browser asking for it next is answered (DocBridge, invariant 5). */
  async durableHeads(patientId: PatientId): Promise<string[] | undefined> {
    if (this.#parts.sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    await this.#parts.bridge.resident(patientId)
    return this.#parts.bridge.durableHeads(patientId)
  }

  /** Loads `count` synthetic patients (seeded), stored as sealed items; returns their ids. */
  async seed(
    count: number,
    seed: number,
    onProgress?: (done: number, total: number) => void,
    unique?: number
  ): Promise<string[]> {
    const ids = await seedPatients(this.#parts.bridge, this.#parts.facility, {
      count,
      seed,
      ...(onProgress !== undefined ? { onProgress } : {}),
      ...(unique !== undefined ? { unique } : {})
    })
    this.#parts.replication.notify()
    return ids
  }
}
