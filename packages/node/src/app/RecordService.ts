/**
 * Corrections to a record after registration: demographics, and a reversible merge of two records
 * of one person (core/record recordMerge.ts). Each change is checked as a browser's `/sync` change
 * is before it is sealed. A merge writes both records; each facility that holds one of them (by a
 * referral) is granted the other in the same batch, so the merge shows there with both histories.
 */
import * as A from '@automerge/automerge'
import type { MergeOutcome } from '@pagdandi/core/api'
import {
  editDemographics,
  linkMerge,
  mergedInto,
  readPatient,
  RecordMergeError,
  undoMerge
} from '@pagdandi/core/record'
import type { Author, DemographicsInput, FacilityId, PatientDoc, PatientId, Unchecked } from '@pagdandi/core/record'
import type { DocHandle } from '@automerge/automerge-repo'
import type { RecordsApi } from '../http/NodeApi.js'
import { checkedChange, checkOnCopy, contextOf, residentRecord } from './checkedChange.js'
import type { NodeParts } from './parts.js'

type Parts = Pick<NodeParts, 'self' | 'bridge' | 'sealer' | 'roster' | 'now'>

/** Demographic corrections, merges and unmerges of the records held here. */
export class RecordService implements RecordsApi {
  readonly #parts: Parts

  constructor(parts: Parts) {
    this.#parts = parts
  }

  async editDemographics(
    patientId: PatientId,
    input: Unchecked<DemographicsInput>,
    by?: Author
  ): Promise<{ patientId: PatientId; heads: string[] }> {
    const ctx = contextOf(this.#parts, by)
    const heads = await checkedChange(this.#parts, patientId, d => editDemographics(d, input, ctx), by)
    return { patientId, heads }
  }

  /**
   * Merges `patientId` into `into` (the survivor). The survivor's `from` link is written first, so a
   * merge cut short leaves both records findable, and a retry completes it (a link already there is
   * not written twice).
   */
  async merge(patientId: PatientId, into: PatientId, by?: Author): Promise<MergeOutcome> {
    if (patientId === into) throw new RecordMergeError('self', patientId)
    const gone = await residentRecord(this.#parts, patientId)
    const kept = await residentRecord(this.#parts, into)
    const ctx = contextOf(this.#parts, by)
    const intoSurvivor = (d: PatientDoc) => linkMerge(d, into, 'from', patientId, ctx)
    const awayFrom = (d: PatientDoc) => linkMerge(d, patientId, 'into', into, ctx)
    checkOnCopy(this.#parts, kept, intoSurvivor, by)
    checkOnCopy(this.#parts, gone, awayFrom, by)
    // Who holds one record and not the other is granted it, with the change that links them.
    const keptAt = this.#holders(kept)
    const goneAt = this.#holders(gone)
    const toGone = keptAt.filter(f => !goneAt.includes(f))
    const toKept = goneAt.filter(f => !keptAt.includes(f))
    await this.#write(kept, into, intoSurvivor, by, toKept)
    await this.#write(gone, patientId, awayFrom, by, toGone)
    return { patientId, into, granted: [...new Set([...toGone, ...toKept])].sort() }
  }

  /**
   * Undoes the merge of `patientId` (merged away) into its survivor: the merged record's link is
   * ended first (it is findable again at once), then the survivor's, when it is held here.
   */
  async unmerge(patientId: PatientId, by?: Author): Promise<{ patientId: PatientId; from: PatientId }> {
    const gone = await residentRecord(this.#parts, patientId)
    const survivor = mergedInto(readPatient(gone.doc()))
    if (survivor === undefined) throw new RecordMergeError('not-merged', patientId)
    const ctx = contextOf(this.#parts, by)
    await checkedChange(this.#parts, patientId, d => undoMerge(d, patientId, survivor, ctx), by)
    if (this.#parts.bridge.knows(survivor) && !this.#parts.sealer.isErased(survivor)) {
      const kept = await residentRecord(this.#parts, survivor)
      const links = readPatient(kept.doc()).merges ?? {}
      if (Object.values(links).some(m => m.otherPatient === patientId && m.undone === undefined))
        await checkedChange(this.#parts, survivor, d => undoMerge(d, survivor, patientId, ctx), by)
    }
    return { patientId, from: survivor }
  }

  /** Other facilities on the roster that a referral of this record named (each was granted it). */
  #holders(handle: DocHandle<PatientDoc>): FacilityId[] {
    const me = this.#parts.self.facility
    const listed = new Set((this.#parts.roster.current?.body.entries ?? []).map(e => e.facility))
    const out = new Set<FacilityId>()
    for (const r of Object.values(readPatient(handle.doc()).referrals))
      for (const f of [r.from, r.to]) if (f !== me && listed.has(f)) out.add(f)
    return [...out].sort()
  }

  async #write(
    handle: DocHandle<PatientDoc>,
    patientId: PatientId,
    fn: (d: PatientDoc) => void,
    by: Author | undefined,
    grantTo: readonly FacilityId[]
  ): Promise<void> {
    const { bridge, sealer } = this.#parts
    const grants = grantTo.flatMap(f => sealer.grantAll(patientId, f))
    const before = A.getHeads(handle.doc())
    handle.change(d => {
      fn(d)
    })
    if (by !== undefined) bridge.attributeSince(handle, before, by)
    await bridge.flushWith(patientId, grants)
  }
}
