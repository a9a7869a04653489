/**
 * The day's work at this facility, derived from the records (repo/workView.ts), never kept apart
 * from them: today's OPD queue with tokens, the lab worklist of orders waiting for a result, and
 * counts of referrals waiting for this facility and back-referrals not yet followed up here.
 *
 * A patient is in today's queue when registered here today or seen at a visit here today (the day
 * in India). Tokens number the queue by arrival (registration or first visit today, whichever is
 * first; ties on the record id), so every PC and every restart gives the same token. The state:
 * `waiting` until a diagnosis or prescription is written today, `with-doctor` while a lab order of
 * today waits for its result, `done` when none waits.
 */
import type { TodayWork } from '@pagdandi/core/api'
import type { PatientId } from '@pagdandi/core/record'
import type { WorkApi } from '../http/NodeApi.js'
import { RecordViews } from '../repo/RecordViews.js'
import { indiaDay } from '../repo/workView.js'
import type { NodeParts } from './parts.js'

type Parts = Pick<NodeParts, 'self' | 'views' | 'now'>

/** The queue, worklist and badges of this facility. */
export class WorkService implements WorkApi {
  readonly #parts: Parts

  constructor(parts: Parts) {
    this.#parts = parts
  }

  async today(): Promise<TodayWork> {
    const { views, now } = this.#parts
    const day = indiaDay(now())
    const queue: TodayWork['queue'] = []
    const lab: TodayWork['lab'] = []
    const lastVisit = new Map<PatientId, string>()
    for (const [patientId, w] of views.work()) {
      const p = views.index.summary(patientId)
      if (p === undefined) continue
      const name = p.name
      const uhid = p.uhid ?? undefined
      for (const v of w.visits)
        for (const o of v.labs)
          if (!o.resulted)
            lab.push({
              patientId,
              name,
              ...(uhid == null ? {} : { uhid }),
              encounterId: v.encounterId,
              orderId: o.orderId,
              test: o.test,
              orderedAt: o.orderedAt,
              ...(o.by === undefined ? {} : { orderedBy: o.by })
            })
      const last = w.visits.at(-1)
      if (last !== undefined) lastVisit.set(patientId, last.at)
      const visits = w.visits.filter(v => indiaDay(v.at) === day)
      const registered = w.registeredAt !== undefined && indiaDay(w.registeredAt) === day ? w.registeredAt : undefined
      if (visits.length === 0 && registered === undefined) continue
      const arrived = [registered, visits[0]?.at].filter((x): x is string => x !== undefined).sort()[0]!
      const seen = visits.filter(v => v.seen)
      const pending = visits.some(v => v.labs.some(o => !o.resulted))
      const state = seen.length === 0 ? 'waiting' : pending ? 'with-doctor' : 'done'
      const by =
        [...visits].reverse().find(v => v.by !== undefined)?.by ?? (visits.length === 0 ? w.registeredBy : undefined)
      queue.push({
        token: 0,
        patientId,
        name,
        ...(uhid == null ? {} : { uhid }),
        sex: p.sex,
        ...(p.age == null ? {} : { age: p.age }),
        state,
        arrivedAt: arrived,
        ...(by === undefined ? {} : { by })
      })
    }
    queue.sort((a, b) => a.arrivedAt.localeCompare(b.arrivedAt) || (a.patientId < b.patientId ? -1 : 1))
    lab.sort((a, b) => a.orderedAt.localeCompare(b.orderedAt) || (a.orderId < b.orderId ? -1 : 1))
    const newReferrals = views
      .referrals('incoming')
      .filter(r => ['sent', 'received'].includes(RecordViews.status(r.referral))).length
    // A back-referral waits for follow-up here until the patient has a visit here after it.
    const backReferrals = views.referrals('outgoing').filter(r => {
      const back = r.referral.statusHistory['back-referred']
      if (back === undefined) return false
      const seen = lastVisit.get(r.patientId)
      return seen === undefined || seen < back.at
    }).length
    return {
      day,
      queue: queue.map((q, i) => ({ ...q, token: i + 1 })),
      lab,
      badges: { newReferrals, backReferrals }
    }
  }
}
