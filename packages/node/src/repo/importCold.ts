/**
 * Loading many saved documents cold (`pagdandi seed`, bulk imports): each is sealed with its
 * self-grant, all in one durable batch, announced once with the `doc` event (which carries it) and
 * freed, so 100,000 records never sit in memory at once. The same saved bytes (a repeated synthetic
 * patient) are loaded once per call.
 */
import * as A from '@automerge/automerge'
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo'
import { creatorBoundId, type Compression } from '@pagdandi/core/crypto'
import type { DocBridge } from './DocBridge.js'

/**
 * `c`, deflating each change array once (by identity, with its dictionary): the copies of one saved
 * record are sealed under their own keys from one deflate. Deflate is deterministic, so each item is
 * the item sealing it alone would give.
 */
export function deflateOnce(c: Compression): Compression {
  const done = new WeakMap<Uint8Array, { dictionary: Uint8Array | undefined; out: Uint8Array }>()
  return {
    deflate(raw, dictionary) {
      const hit = done.get(raw)
      if (hit !== undefined && hit.dictionary === dictionary) return hit.out
      const out = c.deflate(raw, dictionary)
      done.set(raw, { dictionary, out })
      return out
    },
    inflate: (compressed, dictionary, maxOut) => c.inflate(compressed, dictionary, maxOut)
  }
}

/** Seals `saved` as new cold documents of `bridge`; resolves with their ids once durably stored. */
export async function importCold(bridge: DocBridge, saved: Uint8Array[]): Promise<string[]> {
  const ids: string[] = []
  const items: Uint8Array[] = []
  const heads: A.Heads[] = []
  const base = bridge.sealer.compression
  const compression = base === undefined ? undefined : deflateOnce(base)
  const loaded = new Map<Uint8Array, { doc: A.Doc<unknown>; changes: Uint8Array; heads: A.Heads }>()
  try {
    for (const bytes of saved) {
      const me = bridge.sealer.facility
      const docId = me === undefined ? parseAutomergeUrl(generateAutomergeUrl()).documentId : creatorBoundId(me)
      let l = loaded.get(bytes)
      if (l === undefined) {
        const doc = A.load<unknown>(bytes)
        l = { doc, changes: A.saveSince(doc, []), heads: A.getHeads(doc) }
        loaded.set(bytes, l)
      }
      items.push(...bridge.sealer.ensureKey(docId), bridge.sealer.sealChange(docId, l.changes, undefined, compression))
      ids.push(docId)
      heads.push(l.heads)
      bridge.emit('doc', docId, l.doc)
    }
  } finally {
    for (const l of loaded.values()) A.free(l.doc)
  }
  const stored = await bridge.store.putItems(items)
  ids.forEach((docId, i) => {
    bridge.restoreCold(docId, heads[i]!)
  })
  bridge.stats.sealedItems += items.length
  for (const i of items) bridge.stats.sealedBytes += i.byteLength
  if (stored.length > 0) bridge.emit('sealed', stored)
  return ids
}
