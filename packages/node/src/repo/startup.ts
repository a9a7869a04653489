/**
 * Start-up of the document bridge. With a document index (DocIndex.ts) that loads and checks, every
 * document it holds is restored from its record (keys, durable heads, views) and only the log after
 * its watermark is read; without one, or with one that is missing, damaged or of another version,
 * the whole log is read and the index is written anew (the node says which, and why).
 *
 * Reading the log opens only grants and rotations (to learn keys); change items only name their
 * document. Each document the read touched is then rebuilt from its own items, one at a time, so
 * start-up never holds more than one document's changes (it used to hold every opened change).
 */
import type { DocumentKey } from '@pagdandi/core/crypto'
import type { DocBridge } from './DocBridge.js'
import type { DocIndex } from './DocIndex.js'
import type { ViewSource } from './indexRecord.js'

/** Progress of start-up: items scanned so far, then documents rebuilt of `total`. */
export type StartProgress = (what: 'items scanned' | 'documents rebuilt', done: number, total?: number) => void

/** Page size when reading the log at start. */
const SCAN_PAGE = 2000

/** What a restored record gives back to the keyring. */
export interface KeyRestore {
  restoreKeys(keys: readonly DocumentKey[]): void
  isErased(docId: string): boolean
}

export interface StartOptions {
  onProgress?: StartProgress
  index?: { index: DocIndex; keys: KeyRestore; restore: (docId: string, view: ViewSource | undefined) => void }
  log?: (line: string) => void
}

/** How the bridge started. */
export interface StartReport {
  /** `index`: restored from the index; `rebuilt`: the index was rebuilt (see `reason`); `scan`: no index. */
  how: 'index' | 'rebuilt' | 'scan'
  reason?: string
  restored: number
  /** Log entries read (after the watermark, or all). */
  scanned: number
  /** Documents rebuilt from their items. */
  rebuilt: number
}

/** Starts the bridge (see the file comment). */
export async function startBridge(bridge: DocBridge, opts: StartOptions): Promise<StartReport> {
  const report: StartReport = { how: 'scan', restored: 0, scanned: 0, rebuilt: 0 }
  const touched = new Set<string>()
  let from = 0
  const ix = opts.index
  if (ix !== undefined) {
    const loaded = await ix.index.load()
    if (loaded.ok) {
      report.how = 'index'
      for (const rec of loaded.records) {
        if (ix.keys.isErased(rec.docId)) continue
        ix.keys.restoreKeys(rec.keys)
        if (rec.full === true) {
          touched.add(rec.docId)
          continue
        }
        bridge.restoreCold(rec.docId, rec.heads)
        ix.restore(rec.docId, rec.view)
        report.restored++
      }
      from = loaded.watermark
    } else {
      report.how = 'rebuilt'
      report.reason = loaded.reason
      opts.log?.(`document index ${loaded.reason}: rebuilding it from the log`)
      await ix.index.clear()
    }
  }
  let seq = from
  for (;;) {
    const page = await bridge.store.logSince(seq, SCAN_PAGE)
    if (page.length === 0) break
    for (const item of page) {
      seq = Math.max(seq, item.seq)
      // Keys come from grants and rotations; a change item only names its document (opened later).
      if (item.kind === 'change' && item.docId !== undefined) {
        touched.add(item.docId)
        continue
      }
      const opened = bridge.openStored(item.bytes)
      const docId = opened?.docId ?? item.docId
      if (docId !== undefined) touched.add(docId)
    }
    report.scanned += page.length
    opts.onProgress?.('items scanned', report.scanned)
  }
  for (const docId of touched) {
    await bridge.reindex(docId)
    if (++report.rebuilt % 1000 === 0) opts.onProgress?.('documents rebuilt', report.rebuilt, touched.size)
  }
  await ix?.index.caughtUp(seq)
  if (ix !== undefined && report.how === 'index')
    opts.log?.(`document index: ${report.restored} documents restored, ${report.scanned} log entries replayed`)
  return report
}
