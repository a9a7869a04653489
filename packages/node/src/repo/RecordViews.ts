/**
 * Derived, in-memory views over the open patient documents: the search index, referrals in and
 * out, and open conflicts. Refreshed whenever the bridge reports a document changed.
 */
import type * as A from '@automerge/automerge'
import { currentStatus, openConflicts, readPatient } from '@pagdandi/core/record'
import type { FacilityId, PatientDoc, PatientId, Referral } from '@pagdandi/core/record'
import { PatientIndex } from './PatientIndex.js'

/** A referral with the document it lives in. */
export interface ReferralView {
  patientId: PatientId
  referral: Referral
}

/** Search index, referral boxes and conflict counts for one facility. */
export class RecordViews {
  readonly index = new PatientIndex()
  readonly #referrals = new Map<PatientId, Referral[]>()
  readonly #conflicts = new Map<PatientId, number>()

  constructor(readonly facility: FacilityId) {}

  /**
   * Re-derives every view of one document. The views hold plain strings (`plain`: the document read
   * with readPatient, if the caller already has it); conflicts are found on the Automerge document.
   */
  refresh(
    patientId: PatientId,
    doc: A.Doc<PatientDoc> | undefined,
    plain = doc === undefined ? undefined : readPatient(doc)
  ): void {
    if (doc === undefined || plain === undefined || plain.demographics === undefined) {
      this.index.remove(patientId)
      this.#referrals.delete(patientId)
      this.#conflicts.delete(patientId)
      return
    }
    this.index.upsert(patientId, plain, this.facility)
    const mine = Object.values(plain.referrals ?? {}).filter(r => r.from === this.facility || r.to === this.facility)
    if (mine.length > 0) this.#referrals.set(patientId, mine)
    else this.#referrals.delete(patientId)
    let conflicts = 0
    try {
      conflicts = openConflicts(doc).length
    } catch {
      conflicts = 0
    }
    if (conflicts > 0) this.#conflicts.set(patientId, conflicts)
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
    return out.sort((a, b) => b.referral.createdAt.localeCompare(a.referral.createdAt))
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
