/**
 * Admission of received items, before they are stored (docs/SPEC.md I8): every item this node can
 * open is opened (a payload that inflates beyond the caps is refused here), and each change is
 * applied, in a document built and freed for the purpose, after what is stored; a change that does
 * not parse as Automerge or breaks the patient-document shape is refused. A refused item is never
 * stored in the log, so never applied and never forwarded; the node keeps it in quarantine.
 * Items this node cannot open (carried for others) pass: their authors' openers judge them. Items
 * of documents this node may neither open nor carry wait for a grant (repo/quota.ts).
 */
import { boundCreator, decodeItemHeader, itemId } from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import type { AdmitItems, ItemStore } from '@pagdandi/core/sync'
import type { Entry } from './checkedLoad.js'
import { RivalGenesisError } from './errors.js'
import type { DocSealer, OpenedItem } from './bridgePorts.js'
import type { EntitlementGate } from './quota.js'

/** What admission needs from the bridge: the check of received changes against a document. */
export interface ChangeChecker {
  checkReceived(docId: string, items: Entry[]): Promise<(Error | undefined)[]>
}

/** Who created each document, as this node's store shows (for refusing rival geneses). */
export type CreatorOf = (docId: string) => Promise<string | undefined>

/**
 * `CreatorOf` from the id and the store: the roster member a creator-bound id names (known before
 * anything is stored, so a node that meets a rival self-grant first still refuses it), else, for
 * an id of the earlier random rule, the author of the first stored self-grant at generation 0.
 */
export function storedCreator(
  store: Pick<ItemStore, 'accessItems'>,
  members: () => readonly FacilityId[] = () => []
): CreatorOf {
  return async docId => {
    const bound = boundCreator(docId, members())
    if (bound !== undefined) return bound
    for (const it of await store.accessItems(docId as PatientId)) {
      const h = decodeItemHeader(it.bytes)
      if (h.kind === 'grant' && h.generation === 0 && h.recipient === h.author) return h.author
    }
    return undefined
  }
}

/** What admission needs from the revocation freeze (keyring/RevocationFreeze.ts). */
export interface RevocationCheck {
  check(author: string, itemId: string): Error | undefined
}

/**
 * The node's `AdmitItems`: per item the error that refuses it, or undefined. An item by a revoked
 * facility that this node did not hold when it adopted the revocation is refused first, whatever
 * roster version it claims, even by a carrier that cannot open it.
 */
export function admission(
  sealer: DocSealer,
  bridge: ChangeChecker,
  freeze?: RevocationCheck,
  creatorOf?: CreatorOf,
  me?: string,
  gate?: EntitlementGate
): AdmitItems {
  return async items => {
    const verdicts: (Error | undefined)[] = items.map(bytes =>
      freeze?.check(decodeItemHeader(bytes).author, itemId(bytes))
    )
    // A rival genesis: another facility's self-grant for a document whose creator this node
    // knows: the id names it (a creator-bound id), or, for an id of the earlier random rule, it
    // created it or stored that creator's self-grant first. Every node refuses it, carriers too,
    // so no node's view of who may read the document splits in two.
    if (creatorOf !== undefined)
      for (const [at, bytes] of items.entries()) {
        const h = decodeItemHeader(bytes)
        if (verdicts[at] !== undefined || h.kind !== 'grant' || h.generation !== 0) continue
        if (h.recipient !== h.author || h.author === me) continue
        const creator = (await creatorOf(h.docId)) ?? firstInBatch(items, verdicts, h.docId)
        if (creator !== undefined && creator !== h.author)
          verdicts[at] = new RivalGenesisError(h.docId, h.author, creator)
      }
    // Quotas: an item of a document this node may neither open nor carry waits for its grant, or is
    // refused; it is judged on its header alone, before anything is opened or inflated.
    await gate?.judge(items, verdicts)
    const byDoc = new Map<string, { at: number; entry: Entry }[]>()
    const open = (bytes: Uint8Array, at: number): OpenedItem | undefined => {
      try {
        return sealer.open(bytes)
      } catch (err) {
        verdicts[at] = err instanceof Error ? err : new Error(String(err))
        return undefined
      }
    }
    // Grants and rotations first: a change earlier in the same batch may need their key (a log
    // holds a document's first change before the grant that a referral adds later).
    items.forEach((bytes, at) => {
      if (verdicts[at] === undefined && decodeItemHeader(bytes).kind !== 'change') open(bytes, at)
    })
    items.forEach((bytes, at) => {
      if (verdicts[at] !== undefined || decodeItemHeader(bytes).kind !== 'change') return
      const opened = open(bytes, at)
      if (opened?.kind !== 'change') return
      const list = byDoc.get(opened.docId) ?? []
      list.push({ at, entry: { bytes, changes: opened.changes } })
      byDoc.set(opened.docId, list)
    })
    for (const [docId, list] of byDoc) {
      // One document at a time, letting the node's other work (another member's batch, an honest
      // referral) run between them: a batch of poison does not hold the event loop for its length.
      if (byDoc.size > 1) await new Promise<void>(resolve => setImmediate(resolve))
      const checked = await bridge.checkReceived(
        docId,
        list.map(l => l.entry)
      )
      list.forEach((l, k) => {
        verdicts[l.at] = checked[k]
      })
    }
    return verdicts
  }
}

/** The author of the first self-grant of generation 0 for `docId` still admitted in this batch. */
function firstInBatch(items: Uint8Array[], verdicts: (Error | undefined)[], docId: string): string | undefined {
  for (const [at, bytes] of items.entries()) {
    const h = decodeItemHeader(bytes)
    if (
      verdicts[at] === undefined &&
      h.kind === 'grant' &&
      h.generation === 0 &&
      h.docId === docId &&
      h.recipient === h.author
    )
      return h.author
  }
  return undefined
}
