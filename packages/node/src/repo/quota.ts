/**
 * Quotas (issue 14, attack 6): a node stores only items of documents it may open or that the roster
 * makes it carry (core/sync `GrantWait`). Admission asks `EntitlementGate.judge` first, on headers
 * only, so nothing is opened or inflated for a document this node is not entitled to. Such an item
 * waits, bounded per author, for a grant: when a grant of its document is stored (by a later batch,
 * a bundle, any peer), `admitReleased` runs admission on what waited and stores what passes.
 */
import {
  accessFirstCreator,
  decodeItemHeader,
  isAccessKind,
  isEntitled,
  itemId,
  type VerifiedRoster
} from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import {
  AwaitingGrantError,
  type AdmitItems,
  type GrantWait,
  type ItemStore,
  type StoredItem
} from '@pagdandi/core/sync'

/** Where a refusal goes (the quarantine, with its author). */
export type KeepRefused = (bytes: Uint8Array, error: Error) => void

/** Decides, per received item, whether this node may hold it now, may hold it once a grant arrives, or not at all. */
export class EntitlementGate {
  readonly #store: Pick<ItemStore, 'accessItems'>
  readonly #roster: () => VerifiedRoster | undefined
  readonly #me: FacilityId
  readonly wait: GrantWait
  readonly #keep: KeepRefused

  constructor(
    store: Pick<ItemStore, 'accessItems'>,
    roster: () => VerifiedRoster | undefined,
    me: FacilityId,
    wait: GrantWait,
    keep: KeepRefused
  ) {
    this.#store = store
    this.#roster = roster
    this.#me = me
    this.wait = wait
    this.#keep = keep
  }

  /**
   * Fill in the verdict of every item still undecided whose document this node may neither open
   * nor carry, given the access items stored, those in this batch and those waiting: it waits
   * (`AwaitingGrantError`) or is refused (`NotEntitledError`). Items expired meanwhile are refused.
   */
  async judge(items: readonly Uint8Array[], verdicts: (Error | undefined)[]): Promise<void> {
    const roster = this.#roster()
    if (roster === undefined) return
    const headers = items.map(b => decodeItemHeader(b))
    const entitled = new Map<PatientId, boolean>()
    for (const [at, h] of headers.entries()) {
      if (verdicts[at] !== undefined || entitled.has(h.docId)) continue
      const access = [
        ...(await this.#store.accessItems(h.docId)).map(i => ({ id: i.id, header: decodeItemHeader(i.bytes) })),
        ...headers.flatMap((x, k) =>
          x.docId === h.docId && isAccessKind(x.kind) && verdicts[k] === undefined
            ? [{ id: itemId(items[k]!), header: x }]
            : []
        ),
        ...this.wait
          .waiting(h.docId)
          .flatMap(w =>
            !isAccessKind(decodeItemHeader(w.bytes).kind) ? [] : [{ id: w.id, header: decodeItemHeader(w.bytes) }]
          )
      ]
      // Two creators (a rival genesis stored before admission refused it): the first stored counts.
      const ok = isEntitled(accessFirstCreator(h.docId, access), roster, this.#me)
      entitled.set(h.docId, ok)
    }
    for (const [at, h] of headers.entries()) {
      if (verdicts[at] !== undefined || entitled.get(h.docId) !== false) continue
      const { verdict, expired } = this.wait.hold({
        id: itemId(items[at]!),
        bytes: items[at]!,
        docId: h.docId,
        author: h.author
      })
      verdicts[at] = verdict
      for (const e of expired) this.#keep(e.item.bytes, e.error)
    }
  }
}

/** Whether a refusal is only a wait (the item is held, not refused): not kept as evidence. */
export function isWaiting(error: Error): boolean {
  return error instanceof AwaitingGrantError
}

/**
 * After `fresh` items were stored: admit and store what waited for the documents they grant, again
 * for what that stores, until nothing more is released. Returns the items newly stored this way.
 */
export async function admitReleased(
  gate: EntitlementGate,
  admit: AdmitItems,
  store: Pick<ItemStore, 'putItems'>,
  fresh: readonly StoredItem[],
  keep: KeepRefused
): Promise<StoredItem[]> {
  const out: StoredItem[] = []
  let docs = grantedDocs(fresh)
  while (docs.size > 0) {
    const stored: StoredItem[] = []
    for (const docId of docs) {
      const bytes = gate.wait.release(docId).map(w => w.bytes)
      if (bytes.length === 0) continue
      const verdicts = await admit(bytes)
      const ok = bytes.filter((b, i) => {
        const err = verdicts[i]
        if (err !== undefined && !isWaiting(err)) keep(b, err)
        return err === undefined
      })
      stored.push(...(await store.putItems(ok)))
    }
    out.push(...stored)
    docs = grantedDocs(stored)
  }
  return out
}

function grantedDocs(items: readonly StoredItem[]): Set<PatientId> {
  return new Set(items.filter(i => i.kind === 'access').map(i => i.docId))
}
