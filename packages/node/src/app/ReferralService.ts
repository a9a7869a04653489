/**
 * Referrals: making one (grant first, in the same batch), listing the inbox and outbox, and
 * marking arrivals here `received` so the sender learns of delivery from the receiver (SPEC N2).
 */
import { advanceReferral, createReferral, currentStatus } from '@pagdandi/core/record'
import * as A from '@automerge/automerge'
import type { Author, EntryId, PatientDoc, PatientId, ReferralInput, Unchecked } from '@pagdandi/core/record'
import { PatientNotFoundError } from '../http/errors.js'
import type { ReferralsApi, ReferralSummary } from '../http/NodeApi.js'
import { NotOnRosterError } from '../keyring/errors.js'
import { RecordViews } from '../repo/RecordViews.js'
import { changeContext, type NodeParts } from './parts.js'

type Parts = Pick<NodeParts, 'self' | 'bridge' | 'sealer' | 'views' | 'roster' | 'now' | 'log'>

/** The referral inbox and outbox of this node. */
export class ReferralService implements ReferralsApi {
  readonly #parts: Parts
  #closed = false

  constructor(parts: Parts) {
    this.#parts = parts
  }

  /**
   * An outgoing referral is delivered once the receiver's `received` mark (or a later status) is
   * in the record here: only the receiver writes it, so it is evidence, never a guess.
   */
  async list(box: 'incoming' | 'outgoing'): Promise<ReferralSummary[]> {
    return this.#parts.views.referrals(box).map(({ patientId, referral }) => {
      const status = RecordViews.status(referral)
      const p = this.#parts.views.index.summary(patientId)
      return {
        patientId,
        referralId: referral.id,
        from: referral.from,
        to: referral.to,
        status,
        urgency: referral.urgency,
        reason: referral.reason,
        createdAt: referral.createdAt,
        delivered: box === 'incoming' || status !== 'sent',
        ...(p === undefined
          ? {}
          : {
              patient: {
                name: p.name,
                sex: p.sex,
                age: p.age,
                ...(p.birthDate != null ? { birthDate: p.birthDate } : {}),
                ...(p.village != null ? { village: p.village } : {})
              }
            })
      }
    })
  }

  /** `by`: the signed-in staff member referring (the record and its sealed item name them). */
  async create(patientId: PatientId, input: Unchecked<ReferralInput>, by?: Author): Promise<{ referralId: string }> {
    const { bridge, sealer, roster } = this.#parts
    const handle = await bridge.resident<PatientDoc>(patientId)
    if (handle === undefined) throw new PatientNotFoundError(patientId)
    const to = roster.current?.body.entries.find(e => e.facility === input.to)?.facility
    if (to === undefined) throw new NotOnRosterError(String(input.to))
    // Grant first in the same batch as the referral, so the receiver can open what it is sent.
    const grants = sealer.grantAll(patientId, to)
    let referralId: EntryId | undefined
    const before = A.getHeads(handle.doc())
    const ctx = { ...changeContext(this.#parts), ...(by === undefined ? {} : { by }) }
    handle.change(d => {
      referralId = createReferral(d, input, ctx)
    })
    if (by !== undefined) bridge.attributeSince(handle, before, by)
    // The bridge's `sealed` event hands the stored grant to the replicator, which then counts the
    // receiver entitled and offers it the document's older items (docs/PROTOCOL.md, Offer).
    await bridge.flushWith(patientId, grants)
    return { referralId: referralId! }
  }

  /**
   * A referral addressed here that has arrived is marked `received`: that change travels back,
   * so the sender learns of delivery from the receiver itself, not from a guess.
   */
  acknowledge(patientId: PatientId, doc: PatientDoc | undefined): void {
    if (doc?.referrals === undefined || this.#closed) return
    const me = this.#parts.self.facility
    const arrived = Object.values(doc.referrals)
      .filter(r => r.to === me && currentStatus(r) === 'sent')
      .map(r => r.id)
    if (arrived.length === 0) return
    queueMicrotask(() => {
      void this.#parts.bridge
        .change<PatientDoc>(patientId, d => {
          for (const id of arrived) {
            if (currentStatus(d.referrals[id]!) === 'sent')
              advanceReferral(d, id, 'received', changeContext(this.#parts))
          }
        })
        .catch((err: unknown) =>
          this.#parts.log('referral').error(`referral receipt for ${patientId}: ${(err as Error).name}`)
        )
    })
  }

  /** No more receipts once the node is stopping. */
  close(): void {
    this.#closed = true
  }
}
