/**
 * What one member's refused items may cost this node per unit of time (issue 14, attack 1). Every
 * received batch is admitted (opened, decoded and applied in a scratch document, docs/SPEC.md I8)
 * on the event loop that also admits the other members' batches; a member that sends poison
 * (changes that are not Automerge, bombs, rival geneses, backdated items) makes the node do that
 * work and then keep evidence of it. Each item admission refuses spends one token from the bucket
 * of its author (whose signature it carries), and so does each item of the same document that
 * came with it, which refills with time; while the bucket is below
 * zero, a batch from that member, or holding that member's items (relayed by a carrier), waits
 * before it is admitted. Its stream then stops at its send window (it waits for the ack), so
 * neither memory nor work grows, and the other members' batches, an honest referral among them,
 * are admitted meanwhile. A member whose items pass admission never waits: an honest catch-up of
 * any size is not slowed. Waiting only delays a batch: nothing is refused for it.
 */
import { decodeItemHeader } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import type { Clock } from '@pagdandi/core/sync'
import { AwaitingGrantError } from '@pagdandi/core/sync'

/** The bucket of each member: refused items it may cost at once, and per second after that. */
export interface AdmissionLimits {
  /** Refused items a member may cost before its batches wait. */
  burst: number
  /** Refused items per second a member may cost after its burst. */
  perSecond: number
}

/**
 * 8 refused items at once, then 4 a second. An honest member causes next to none (a refusal from
 * one is a rare race, such as a grant that lost to a revocation), so it never waits; a member that
 * sends poison has its batches held after its first one (13 refused changes in 40 items), and then
 * costs the node a few admissions and quarantine writes a second however much it sends.
 */
export const ADMISSION_LIMITS: AdmissionLimits = { burst: 8, perSecond: 4 }

/** Whether a verdict of admission counts as a refusal (an item waiting for its grant is not refused). */
export function isRefusal(verdict: Error | undefined): boolean {
  return verdict !== undefined && !(verdict instanceof AwaitingGrantError)
}

/** The signing author and document of an item, from its header (admission only sees items that decode). */
function headerOf(bytes: Uint8Array): { author: FacilityId; docId: string } | undefined {
  try {
    const h = decodeItemHeader(bytes)
    return { author: h.author, docId: h.docId }
  } catch {
    return undefined
  }
}

/** The signing author of an item. */
function authorOf(bytes: Uint8Array): FacilityId | undefined {
  return headerOf(bytes)?.author
}

/** The refusal budgets of every member, on an injected clock. */
export class AdmissionBudget {
  readonly #buckets = new Map<FacilityId, { tokens: number; at: number }>()
  /** Members whose next batch is waiting now, for status. */
  readonly #held = new Set<FacilityId>()

  constructor(
    readonly clock: Clock,
    readonly limits: AdmissionLimits = ADMISSION_LIMITS
  ) {}

  #bucket(member: FacilityId): { tokens: number; at: number } {
    const now = this.clock.now()
    let b = this.#buckets.get(member)
    if (b === undefined) {
      b = { tokens: this.limits.burst, at: now }
      this.#buckets.set(member, b)
    }
    b.tokens = Math.min(this.limits.burst, b.tokens + ((now - b.at) / 1000) * this.limits.perSecond)
    b.at = now
    return b
  }

  /**
   * Resolves when a batch from `sender` may be admitted: when neither the sender nor any author of
   * its items is in debt (at once, unless one is). A carrier relaying a poisoner's items has those
   * batches held, not the others.
   */
  async ready(sender: FacilityId, items: readonly Uint8Array[] = []): Promise<void> {
    const members = new Set([sender, ...items.map(authorOf).filter(a => a !== undefined)])
    for (;;) {
      let debt = 0
      for (const m of members) debt = Math.max(debt, -this.#bucket(m).tokens)
      if (debt <= 0) {
        this.#held.delete(sender)
        return
      }
      this.#held.add(sender)
      const ms = Math.ceil((debt / this.limits.perSecond) * 1000)
      await new Promise<void>(resolve => this.clock.schedule(ms, resolve))
    }
  }

  /**
   * Charges the authors of the items admission refused in one batch (whose signatures they carry):
   * a token for each refused item, and one for every other item of the same document by the same
   * author in the batch (the grants that came with a poisoned change, which pass admission but
   * cost the node the same work of storing and opening).
   */
  spend(items: readonly Uint8Array[], verdicts: readonly (Error | undefined)[]): void {
    const tainted = new Set<string>()
    verdicts.forEach((v, i) => {
      const h = isRefusal(v) ? headerOf(items[i]!) : undefined
      if (h !== undefined) tainted.add(`${h.author} ${h.docId}`)
    })
    if (tainted.size === 0) return
    for (const bytes of items) {
      const h = headerOf(bytes)
      if (h !== undefined && tainted.has(`${h.author} ${h.docId}`)) this.#bucket(h.author).tokens -= 1
    }
  }

  /** Members whose batches wait now because their items were refused. */
  get held(): FacilityId[] {
    return [...this.#held]
  }
}
