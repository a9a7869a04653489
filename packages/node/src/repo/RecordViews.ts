/**
 * Derived, in-memory views over the open patient documents: the search index, referrals in and
 * out, and open conflicts. Refreshed whenever the bridge reports a document changed; at start
 * restored from the document index (`restore`, with what `refresh` returned when it was written).
 */
import type * as A from '@automerge/automerge'
import { currentStatus, mergedFrom, mergedInto, openConflicts, readPatient } from '@pagdandi/core/record'
import type { FacilityId, PatientDoc, PatientId, Referral } from '@pagdandi/core/record'
import type { ViewSource } from './indexRecord.js'
import { PatientIndex } from './PatientIndex.js'
import { workOf, type WorkSource } from './workView.js'

/** A referral with the document it lives in. */
export interface ReferralView {
  patientId: PatientId
  referral: Referral
}

/** A document state as the views read it. */
export interface Derived {
  plain: PatientDoc
  source: ViewSource | undefined
}

/** Search index, referral boxes and conflict counts for one facility. */
export class RecordViews {
  readonly index = new PatientIndex()
  readonly #referrals = new Map<PatientId, Referral[]>()
  readonly #conflicts = new Map<PatientId, number>()
  readonly #work = new Map<PatientId, WorkSource>()
  /**
   * What each document state read as. An Automerge document is an immutable object, one per state,
   * so a state is read once: copies seeded from one saved record (`importCold`) share theirs.
   */
  readonly #derived = new WeakMap<A.Doc<PatientDoc>, Derived>()

  constructor(readonly facility: FacilityId) {}

  /** The document read with readPatient and what the views take from it, once per document state. */
  derive(doc: A.Doc<PatientDoc>): Derived {
    let d = this.#derived.get(doc)
    if (d === undefined) {
      const plain = readPatient(doc)
      d = { plain, source: this.sourceOf(doc, plain) }
      this.#derived.set(doc, d)
    }
    return d
  }

  /**
   * Re-derives every view of one document. The views hold plain strings (`plain`: the document read
   * with readPatient, if the caller already has it); conflicts are found on the Automerge document.
   */
  refresh(
    patientId: PatientId,
    doc: A.Doc<PatientDoc> | undefined,
    plain = doc === undefined ? undefined : readPatient(doc)
  ): ViewSource | undefined {
    const source = doc === undefined || plain === undefined ? undefined : this.sourceOf(doc, plain)
    this.restore(patientId, source)
    return source
  }

  /** What the views take from a document (the document index stores it). */
  sourceOf(doc: A.Doc<PatientDoc>, plain: PatientDoc = readPatient(doc)): ViewSource | undefined {
    if (plain.demographics === undefined) return undefined
    let conflicts = 0
    try {
      conflicts = openConflicts(doc).length
    } catch {
      conflicts = 0
    }
    const referrals = Object.values(plain.referrals ?? {}).filter(
      r => r.from === this.facility || r.to === this.facility
    )
    const into = mergedInto(plain)
    const from = mergedFrom(plain)
    const work = workOf(plain, this.facility)
    return {
      demographics: plain.demographics,
      ...(plain.identifiers === undefined ? {} : { identifiers: plain.identifiers }),
      referrals,
      conflicts,
      ...(into === undefined ? {} : { mergedInto: into }),
      ...(from.length === 0 ? {} : { mergedFrom: from }),
      ...(work === undefined ? {} : { work })
    }
  }

  /** Sets every view of one document from its source; undefined removes it. */
  restore(patientId: PatientId, source: ViewSource | undefined): void {
    if (source === undefined) {
      this.index.remove(patientId)
      this.#referrals.delete(patientId)
      this.#conflicts.delete(patientId)
      this.#work.delete(patientId)
      return
    }
    if (source.work !== undefined) this.#work.set(patientId, source.work)
    else this.#work.delete(patientId)
    this.index.upsert(patientId, source, this.facility)
    if (source.referrals.length > 0) this.#referrals.set(patientId, source.referrals)
    else this.#referrals.delete(patientId)
    if (source.conflicts > 0) this.#conflicts.set(patientId, source.conflicts)
    else this.#conflicts.delete(patientId)
  }

  /** Referrals sent to this facility (`incoming`) or from it (`outgoing`), newest first. */
  referrals(box: 'incoming' | 'outgoing'): ReferralView[] {
    const out: ReferralView[] = []
    for (const [patientId, list] of this.#referrals) {
      for (const referral of list) {
        if (box === 'incoming' ? referral.to === this.facility : referral.from === this.facility)
          out.push({ patientId, referral })
      }
    }
    return out.sort(
      (a, b) =>
        b.referral.createdAt.localeCompare(a.referral.createdAt) ||
        (a.referral.id < b.referral.id ? -1 : a.referral.id > b.referral.id ? 1 : 0)
    )
  }

  /** Every record's part in the day's work here (registrations and visits here). */
  work(): ReadonlyMap<PatientId, WorkSource> {
    return this.#work
  }

  /** Current status of a referral. */
  static status(r: Referral): ReturnType<typeof currentStatus> {
    return currentStatus(r)
  }

  /** Open conflicts over all documents. */
  get openConflicts(): number {
    let n = 0
    for (const c of this.#conflicts.values()) n += c
    return n
  }
}
