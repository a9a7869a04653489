/**
 * Items for carriers: which stored items a facility is entitled to (for `export-bundle`) and the
 * all-or-nothing validation of items that arrive in a bundle (for `import-bundle`).
 */
import { decodeItemHeader, verifyItem, type SignatureScheme, type VerifiedRoster } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import type { BridgeStore } from './bridgePorts.js'

/** Page size of log scans. */
const PAGE = 5000

/**
 * Every stored item of the documents `facility` is entitled to: it holds a grant for the document,
 * or the roster names it carrier for a facility that does (DESIGN.md, Entitlement).
 */
export async function entitledItems(
  store: BridgeStore,
  roster: VerifiedRoster | undefined,
  facility: FacilityId
): Promise<Uint8Array[]> {
  const carriesFor = new Set<string>(roster?.body.entries.find(e => e.facility === facility)?.carriesFor ?? [])
  const byDoc = new Map<string, Uint8Array[]>()
  const entitled = new Set<string>()
  let seq = 0
  for (;;) {
    const page = await store.logSince(seq, PAGE)
    if (page.length === 0) break
    for (const item of page) {
      seq = Math.max(seq, item.seq)
      const h = decodeItemHeader(item.bytes)
      const list = byDoc.get(h.docId)
      if (list === undefined) byDoc.set(h.docId, [item.bytes])
      else list.push(item.bytes)
      if (h.kind === 'grant' && h.recipient !== undefined && (h.recipient === facility || carriesFor.has(h.recipient)))
        entitled.add(h.docId)
    }
  }
  const out: Uint8Array[] = []
  for (const docId of entitled) out.push(...byDoc.get(docId)!)
  return out
}

/** Outcome of checking one item: undefined when valid, else the named error. */
export function checkItem(bytes: Uint8Array, roster: VerifiedRoster, scheme: SignatureScheme): Error | undefined {
  try {
    verifyItem(bytes, roster, scheme)
    return undefined
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err))
  }
}
