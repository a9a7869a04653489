/**
 * Where each change of a document came from, read from the sealed items this node holds: the
 * facility that signed the item, and the staff member its provenance names. Every item is
 * verified against the roster as it is opened (ItemSealer.open), so a source is never a claim.
 */
import { changeHashes, validateAuthor, type ChangeSource } from '@pagdandi/core/record'
import type { BridgeStore, DocSealer } from './bridgePorts.js'

/** The source of every change of `docId` this node can open, by change hash (first item wins). */
export async function changeSources(
  store: BridgeStore,
  sealer: DocSealer,
  docId: string
): Promise<Map<string, ChangeSource>> {
  const sources = new Map<string, ChangeSource>()
  for (const item of await store.itemsForDoc(docId)) {
    let opened
    try {
      opened = sealer.open(item.bytes)
    } catch {
      continue
    }
    if (opened.kind !== 'change') continue
    let hashes: string[]
    try {
      hashes = changeHashes(opened.changes)
    } catch {
      continue
    }
    const p = opened.provenance
    // Provenance that does not match its changes one for one vouches for none of them.
    const fits = p !== undefined && p.changes.length === hashes.length
    hashes.forEach((h, i) => {
      if (sources.has(h)) return
      const source: ChangeSource = { facility: opened.facility as ChangeSource['facility'], attributed: fits }
      const index = fits ? p.changes[i] : undefined
      if (index !== undefined) {
        try {
          source.author = validateAuthor(p!.authors[index], 'provenance')
        } catch {
          source.attributed = false
        }
      }
      sources.set(h, source)
    })
  }
  return sources
}
