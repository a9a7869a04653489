/**
 * Quotas (issue 14, attack 6): a node stores only items of documents it may open or that the roster
 * makes it carry. An honest sender may deliver a document's changes a batch before the grant that
 * entitles the receiver (its log holds the first change before the referral's grant), so such items
 * are not refused at once: they wait here, bounded per author, until a grant makes the node
 * entitled (`release`), or they expire or do not fit, and are refused by name. Nothing waiting is
 * stored, applied or forwarded. Sans I/O: time is an injected `now`.
 */
import type { FacilityId, PatientId } from '../record/types.js'
import { PagdandiError } from '../errors.js'
import type { ItemId } from './types.js'

/** Bounds of the waiting room; `DEFAULT_GRANT_WAIT` explains each value. */
export interface GrantWaitLimits {
  /** Items one author may have waiting. */
  perAuthorItems: number
  /** Bytes one author may have waiting. */
  perAuthorBytes: number
  /** Items waiting in all. */
  totalItems: number
  /** Bytes waiting in all. */
  totalBytes: number
  /** How long an item waits for its grant. */
  maxWaitMs: number
}

/**
 * An honest referral's changes before its grant are one document's history: a few hundred items
 * and a few hundred KiB even for a long admission (a 5,000-patient catch-up holds at most one
 * batch of 32 KiB ahead of any grant). 1,024 items and 4 MiB per author leave room for several such
 * documents at once; 8,192 and 32 MiB in all bound what every member together can make a node hold
 * in memory, and a full room is shared fairly (`hold`): an author holding less than another always
 * gets a place. A grant follows its changes within the same session; ten minutes covers a session
 * over 2G that is cut and resumed.
 */
export const DEFAULT_GRANT_WAIT: GrantWaitLimits = {
  perAuthorItems: 1_024,
  perAuthorBytes: 4 * 1024 * 1024,
  totalItems: 8_192,
  totalBytes: 32 * 1024 * 1024,
  maxWaitMs: 10 * 60_000
}

/** An item of a document this node may not open and does not carry is held until a grant arrives (not stored). */
export class AwaitingGrantError extends PagdandiError {
  override name = 'AwaitingGrantError'
  constructor(docId: string) {
    super('ERR_AWAITING_GRANT', `held: document ${docId} is not shared with this facility yet`)
  }
}

/** An item of a document this node may not open and does not carry, refused (its wait ended or did not fit). */
export class NotEntitledError extends PagdandiError {
  override name = 'NotEntitledError'
  constructor(docId: string, why: 'expired' | 'author quota' | 'total quota') {
    super('ERR_NOT_ENTITLED', `refused: document ${docId} is not shared with this facility or carried by it (${why})`)
  }
}

/** One item waiting, with where it came from. */
export interface Waiting {
  /** The item id (`itemId(bytes)`). */
  id: ItemId
  bytes: Uint8Array
  docId: PatientId
  author: FacilityId
  from?: FacilityId
  since: number
}

/** What `hold` did: the new item's verdict and any older ones it pushed out (expired, or over the fair share of a full room). */
export interface HoldResult {
  verdict: AwaitingGrantError | NotEntitledError
  expired: { item: Waiting; error: NotEntitledError }[]
}

/** The waiting room. */
export class GrantWait {
  readonly #limits: GrantWaitLimits
  readonly #now: () => number
  /** In arrival order (oldest first), so expiry is a scan from the front. */
  readonly #items: Waiting[] = []
  readonly #ids = new Set<ItemId>()
  readonly #authors = new Map<FacilityId, { items: number; bytes: number }>()
  #bytes = 0

  constructor(limits: GrantWaitLimits = DEFAULT_GRANT_WAIT, now: () => number = Date.now) {
    this.#limits = limits
    this.#now = now
  }

  /** Items and bytes waiting, in all and per author. */
  usage(): { items: number; bytes: number; byAuthor: Map<FacilityId, { items: number; bytes: number }> } {
    return { items: this.#items.length, bytes: this.#bytes, byAuthor: new Map(this.#authors) }
  }

  /** Hold an item until a grant of its document arrives, if it fits. */
  hold(item: Omit<Waiting, 'since'>): HoldResult {
    const expired = this.expire()
    const l = this.#limits
    const a = this.#authors.get(item.author) ?? { items: 0, bytes: 0 }
    const n = item.bytes.length
    if (this.#ids.has(item.id)) return { verdict: new AwaitingGrantError(item.docId), expired }
    if (a.items + 1 > l.perAuthorItems || a.bytes + n > l.perAuthorBytes)
      return { verdict: new NotEntitledError(item.docId, 'author quota'), expired }
    const full = (): boolean => this.#items.length + 1 > l.totalItems || this.#bytes + n > l.totalBytes
    // A full room makes space fairly: the newest item of the author holding the most goes, as long
    // as that author holds more than this one would. So several members together (eight at their
    // quota fill the total) cannot keep an honest author's changes out: each author is held to its
    // share of the total, and what is pushed out is refused by name like an expired item.
    while (full()) {
      const victim = this.#largestOther(item.author)
      if (victim === undefined || victim.items <= a.items + 1)
        return { verdict: new NotEntitledError(item.docId, 'total quota'), expired }
      const at = this.#items.findLastIndex(w => w.author === victim.author)
      const w = this.#items[at]!
      this.#remove(at)
      expired.push({ item: w, error: new NotEntitledError(w.docId, 'total quota') })
    }
    this.#items.push({ ...item, since: this.#now() })
    this.#ids.add(item.id)
    this.#authors.set(item.author, { items: a.items + 1, bytes: a.bytes + n })
    this.#bytes += n
    return { verdict: new AwaitingGrantError(item.docId), expired }
  }

  /** Per document waiting, its author (the first item's) and how many items wait: what status names. */
  documents(): { docId: PatientId; author: FacilityId; items: number }[] {
    const out = new Map<PatientId, { docId: PatientId; author: FacilityId; items: number }>()
    for (const w of this.#items) {
      const d = out.get(w.docId)
      if (d === undefined) out.set(w.docId, { docId: w.docId, author: w.author, items: 1 })
      else d.items++
    }
    return [...out.values()]
  }

  /** The items waiting for this document (its grants among them count towards entitlement). */
  waiting(docId: PatientId): readonly Waiting[] {
    return this.#items.filter(w => w.docId === docId)
  }

  /** Take every item waiting for this document (a grant for it was stored: admit them again). */
  release(docId: PatientId): Waiting[] {
    const out: Waiting[] = []
    for (let i = 0; i < this.#items.length;) {
      const w = this.#items[i]!
      if (w.docId === docId) {
        this.#remove(i)
        out.push(w)
      } else i++
    }
    return out
  }

  /** Drop items that waited longer than `maxWaitMs`, refused by name. */
  expire(): { item: Waiting; error: NotEntitledError }[] {
    const out: { item: Waiting; error: NotEntitledError }[] = []
    const limit = this.#now() - this.#limits.maxWaitMs
    while (this.#items.length > 0 && this.#items[0]!.since <= limit) {
      const w = this.#items[0]!
      this.#remove(0)
      out.push({ item: w, error: new NotEntitledError(w.docId, 'expired') })
    }
    return out
  }

  /** The author other than `author` with the most items waiting. */
  #largestOther(author: FacilityId): { author: FacilityId; items: number } | undefined {
    let best: { author: FacilityId; items: number } | undefined
    for (const [f, u] of this.#authors)
      if (f !== author && (best === undefined || u.items > best.items)) best = { author: f, items: u.items }
    return best
  }

  #remove(i: number): void {
    const [w] = this.#items.splice(i, 1)
    if (w === undefined) return
    this.#ids.delete(w.id)
    this.#bytes -= w.bytes.length
    const a = this.#authors.get(w.author)!
    if (a.items === 1) this.#authors.delete(w.author)
    else this.#authors.set(w.author, { items: a.items - 1, bytes: a.bytes - w.bytes.length })
  }
}
