/** Registering, finding and reading patients, and seeding synthetic ones. */
import * as A from '@automerge/automerge'
import type { MatchesAnswer, MatchQuery, PatientProvenance } from '@pagdandi/core/api'
import {
  addEncounter,
  attributeEntries,
  conflictAttribution,
  newPatientDoc,
  openConflicts,
  readPatient,
  wrapStrings
} from '@pagdandi/core/record'
import type {
  Author,
  EncounterInput,
  EntryId,
  FacilityId,
  PatientDoc,
  PatientId,
  RegistrationInput,
  Unchecked
} from '@pagdandi/core/record'
import { DuplicateIdentifierError, PatientErasedError, PatientNotFoundError } from '../http/errors.js'
import type { PatientsApi } from '../http/NodeApi.js'
import type { PatientSummary } from '../repo/PatientIndex.js'
import { changeSources } from '../repo/provenance.js'
import { seedPatients } from '../repo/seed.js'
import { checkedChange, contextOf } from './checkedChange.js'
import { changeContext, type NodeParts } from './parts.js'

type Parts = Pick<NodeParts, 'self' | 'bridge' | 'sealer' | 'store' | 'views' | 'roster' | 'replication' | 'now'>

/** The patient register of this node. */
export class PatientService implements PatientsApi {
  readonly #parts: Parts

  constructor(parts: Parts) {
    this.#parts = parts
  }

  async search(query: string, limit?: number): Promise<PatientSummary[]> {
    return this.#parts.views.index.search(query, limit)
  }

  async matches(query: MatchQuery): Promise<MatchesAnswer> {
    const { index } = this.#parts.views
    return {
      sameIdentifier: index.findByIdentifier({ uhid: query.uhid, abhaNumber: query.abhaNumber }),
      possible: index.possibleMatches(query)
    }
  }

  /** `by`: the signed-in staff member registering (the record and its sealed item name them). */
  async register(input: Unchecked<RegistrationInput>, by?: Author): Promise<{ patientId: PatientId }> {
    const [same] = this.#parts.views.index.findByIdentifier({
      uhid: text(input.uhid),
      abhaNumber: text(input.abhaNumber)
    })
    if (same !== undefined) throw new DuplicateIdentifierError(same.field, same.patient.patientId)
    // Every string an immutable scalar, as the record change functions write them (docs/design/0005).
    const ctx = { ...changeContext(this.#parts), ...(by === undefined ? {} : { by }) }
    const initial = wrapStrings(newPatientDoc(input, ctx))
    const patientId = (await this.#parts.bridge.create(initial, by)) as PatientId
    return { patientId }
  }

  /**
   * Adds an encounter to a patient held here, checked exactly as a browser's change is at `/sync`
   * (gate/editCheck.ts: schema, `by`'s role, claimed author) on a copy first; resolves once the
   * sealed change is durably stored, with the heads that cover it.
   */
  async addEncounter(
    patientId: PatientId,
    input: Unchecked<EncounterInput>,
    by?: Author
  ): Promise<{ encounterId: EntryId; heads: string[] }> {
    const ctx = contextOf(this.#parts, by)
    let encounterId: EntryId | undefined
    const heads = await checkedChange(
      this.#parts,
      patientId,
      d => {
        encounterId = addEncounter(d, input, ctx)
      },
      by
    )
    return { encounterId: encounterId!, heads }
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

  async provenance(patientId: PatientId): Promise<PatientProvenance> {
    const { bridge, sealer, store, roster } = this.#parts
    if (sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    const doc = (await bridge.open<PatientDoc>(patientId)) as A.Doc<PatientDoc> | undefined
    if (doc === undefined) throw new PatientNotFoundError(patientId)
    const sources = await changeSources(store, sealer, patientId)
    const names = new Map((roster.current?.body.entries ?? []).map(e => [e.facility, e.name]))
    const named = <T extends { facility?: FacilityId }>(x: T): T & { facilityName?: string } => {
      const name = x.facility === undefined ? undefined : names.get(x.facility)
      return name === undefined ? x : { ...x, facilityName: name }
    }
    return {
      patientId,
      entries: attributeEntries(doc, sources).map(named),
      conflicts: openConflicts(doc).map(c => ({
        path: c.path,
        values: conflictAttribution(doc, c.path, sources).map(named)
      }))
    }
  }

  /** Loads `count` synthetic patients (seeded), stored as sealed items; returns their ids. */
  async seed(
    count: number,
    seed: number,
    onProgress?: (done: number, total: number) => void,
    unique?: number
  ): Promise<string[]> {
    const ids = await seedPatients(this.#parts.bridge, this.#parts.self, {
      count,
      seed,
      ...(onProgress !== undefined ? { onProgress } : {}),
      ...(unique !== undefined ? { unique } : {})
    })
    this.#parts.replication.notify()
    return ids
  }
}

/** A text field of an unchecked input, or undefined (the record module refuses anything else by name). */
function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}
