/**
 * Plays the planned writes against the running nodes through their HTTP API, on the compressed
 * clock, one desk (or a few at a DH) per facility, and records every answer in the ledger. Tracks
 * each acknowledged referral until its receiver lists it, for delivery latency.
 */
import type { FacilityId } from '@pagdandi/core/record'
import type { ApiClient } from '@pagdandi/node'
import type { Ledger, LedgerEntry } from './ledger.js'
import type { PlannedWrite } from './load.js'
import type { DivisionNetwork } from './network.js'

/** A referral in flight: acknowledged at `from`, listed at `to` when delivered. */
export interface TrackedReferral {
  entry: LedgerEntry
  from: FacilityId
  to: FacilityId
  /** performance.now() when acknowledged and when first seen at the receiver. */
  createdAt: number
  deliveredAt?: number
}

const REFERRALS = new Set(['referral', 'back-referral', 'onward-referral'])

/** Writes the plan; `now()` is performance.now(), `t0` the run's start on that clock. */
export class LoadDriver {
  readonly referrals = new Map<string, TrackedReferral>()
  /** Writes dropped: their patient's registration was refused, or their facility revoked. */
  readonly dropped = { registrationRefused: 0, revoked: 0, referralNeverAcknowledged: 0 }
  /** Lag of each write behind its compressed due time, ms. */
  readonly lags: number[] = []
  /** How long each node took to answer a write, ms. */
  readonly serviceMs: number[] = []
  readonly revoked = new Set<FacilityId>()
  readonly #queues = new Map<FacilityId, PlannedWrite[]>()
  readonly #refused = new Set<string>()
  readonly #delivered = new Set<string>()
  readonly #waiting: PlannedWrite[]
  readonly #net: DivisionNetwork
  readonly #ledger: Ledger
  readonly #factor: number
  readonly #t0: number
  readonly #desks: Map<FacilityId, number>
  #busy = new Map<FacilityId, number>()

  constructor(
    writes: PlannedWrite[],
    net: DivisionNetwork,
    ledger: Ledger,
    o: { factor: number; t0: number; desks: Map<FacilityId, number> }
  ) {
    this.#waiting = [...writes]
    this.#net = net
    this.#ledger = ledger
    this.#factor = o.factor
    this.#t0 = o.t0
    this.#desks = o.desks
  }

  /** Ms since the run started, on the compressed clock's wall. */
  elapsed(): number {
    return performance.now() - this.#t0
  }

  /** Writes not yet answered (waiting for their time, queued, or in a desk). */
  get outstanding(): number {
    let n = this.#waiting.length
    for (const q of this.#queues.values()) n += q.length
    for (const b of this.#busy.values()) n += b
    return n
  }

  /** Queued back-referrals whose referral has not arrived yet (they go once it has, even after the load). */
  get awaitingDelivery(): number {
    let n = 0
    for (const q of this.#queues.values())
      for (const w of q) if (w.afterReferralOf !== undefined && this.#ready(w) === 'wait') n++
    return n
  }

  /** Moves due writes into their facility's queue and starts free desks. Call often. */
  tick(): void {
    const now = this.elapsed()
    while (this.#waiting.length > 0 && this.#waiting[0]!.atMs / this.#factor <= now) {
      const w = this.#waiting.shift()!
      const q = this.#queues.get(w.facility) ?? []
      q.push(w)
      this.#queues.set(w.facility, q)
    }
    for (const [f, q] of this.#queues) {
      const node = this.#net.nodes.get(f)
      if (this.revoked.has(f)) {
        this.dropped.revoked += q.length
        q.length = 0
        continue
      }
      if (node?.running === undefined) continue
      while ((this.#busy.get(f) ?? 0) < (this.#desks.get(f) ?? 1)) {
        const i = q.findIndex(w => this.#ready(w) !== 'wait')
        if (i < 0) break
        const [w] = q.splice(i, 1)
        const verdict = this.#ready(w!)
        if (verdict !== 'go') {
          if (verdict !== 'wait') this.dropped[verdict]++
          continue
        }
        this.#busy.set(f, (this.#busy.get(f) ?? 0) + 1)
        void this.#write(w!, node.running.staff).finally(() => this.#busy.set(f, this.#busy.get(f)! - 1))
      }
    }
  }

  #ready(w: PlannedWrite): 'go' | 'wait' | keyof LoadDriver['dropped'] {
    if (w.kind === 'registration' || w.kind === 'unreferred-registration') return 'go'
    if (this.#refused.has(w.patientKey)) return 'registrationRefused'
    if (this.#ledger.patient(w.patientKey) === undefined) return 'wait'
    if (w.afterReferralOf !== undefined) {
      if (w.referral !== undefined && this.revoked.has(w.referral.to)) return 'revoked'
      if (this.#refused.has(`ref:${w.afterReferralOf}`)) return 'referralNeverAcknowledged'
      return this.#delivered.has(`${w.afterReferralOf}>${w.facility}`) ? 'go' : 'wait'
    }
    return 'go'
  }

  async #write(w: PlannedWrite, api: ApiClient): Promise<void> {
    const p = this.#ledger.patient(w.patientKey)
    const entry = this.#ledger.attempt({
      facility: w.facility,
      kind: w.kind,
      patientKey: w.patientKey,
      dueMs: w.atMs / this.#factor,
      ...(w.referral === undefined ? {} : { to: w.referral.to }),
      ...(p === undefined ? {} : { patientId: p.patientId })
    })
    const begun = this.elapsed()
    this.lags.push(Math.max(0, begun - entry.dueMs))
    try {
      let res
      if (w.registration !== undefined) res = await api.call('POST', '/api/patients', w.registration)
      else if (w.encounter !== undefined)
        res = await api.call('POST', `/api/patients/${p!.patientId}/encounters`, w.encounter)
      else res = await api.call('POST', '/api/referrals', { patientId: p!.patientId, referral: w.referral })
      this.serviceMs.push(this.elapsed() - begun)
      const json = res.json as { patientId?: string; encounterId?: string; referralId?: string; error?: string }
      if (res.status !== 201) {
        this.#refuse(entry, w, `${res.status} ${json?.error ?? ''}`.trim())
        return
      }
      this.#ledger.ack(entry, this.elapsed(), {
        ...(json.patientId === undefined ? {} : { patientId: json.patientId }),
        ...((json.encounterId ?? json.referralId) === undefined ? {} : { entryId: json.encounterId ?? json.referralId })
      })
      if (REFERRALS.has(w.kind) && entry.entryId !== undefined && w.referral !== undefined) {
        this.referrals.set(entry.entryId, {
          entry,
          from: w.facility,
          to: w.referral.to,
          createdAt: performance.now()
        })
      }
    } catch (e) {
      this.#refuse(entry, w, e instanceof Error ? e.name : 'unreachable')
    }
  }

  #refuse(entry: LedgerEntry, w: PlannedWrite, why: string): void {
    this.#ledger.refuse(entry, this.elapsed(), why)
    if (w.kind === 'registration' || w.kind === 'unreferred-registration') this.#refused.add(w.patientKey)
    if (w.kind === 'referral') this.#refused.add(`ref:${w.patientKey}`)
  }

  /** Referrals acknowledged and not yet listed at their receiver. */
  undelivered(): TrackedReferral[] {
    return [...this.referrals.values()].filter(
      r => r.deliveredAt === undefined && !this.revoked.has(r.to) && !this.revoked.has(r.from)
    )
  }

  /** Asks each receiver with referrals in flight for its inbox; marks what arrived. */
  async pollDeliveries(): Promise<void> {
    const byTo = new Map<FacilityId, TrackedReferral[]>()
    for (const r of this.undelivered()) byTo.set(r.to, [...(byTo.get(r.to) ?? []), r])
    await Promise.all(
      [...byTo].map(async ([to, list]) => {
        const node = this.#net.nodes.get(to)?.running
        if (node === undefined) return
        try {
          const inbox = await node.staff.get<{ referralId: string }[]>('/api/referrals?box=incoming')
          const at = performance.now()
          const ids = new Set(inbox.map(r => r.referralId))
          for (const r of list) {
            if (!ids.has(r.entry.entryId!)) continue
            r.deliveredAt = at
            this.#delivered.add(`${r.entry.patientKey}>${to}`)
          }
        } catch {
          // A receiver that does not answer now is asked again at the next poll.
        }
      })
    )
  }
}
