/**
 * `pagdandi store recover`: rebuilds a damaged item store from what is provably intact. Every log
 * entry LevelDB still holds is re-hashed (its id is recomputed from its bytes) and verified against
 * the roster; only those items go into a new store, with their sender. Cursors are not carried
 * over (ours of a peer may point past items that were lost), and the new store has a new log epoch,
 * so every peer repairs with it and sends back what was lost (docs/PROTOCOL.md, Repair). Erased
 * documents stay erased. The damaged files stay where the open that found them put them, and the
 * store as LevelDB left it is moved aside beside them.
 */
import { rename, rm } from 'node:fs/promises'
import { Level } from 'level'
import type { FacilityId } from '@pagdandi/core/record'
import type { InspectItem, StoredItem } from '@pagdandi/core/sync'
import { LevelItemStore } from './LevelItemStore.js'
import { decodeLogEntry, entryMismatch } from './logEntry.js'
import { clearDamage } from './openCheck.js'

/** What recovery kept and dropped. */
export interface RecoveryReport {
  /** Items re-hashed, verified and stored in the new store. */
  kept: number
  /** Log entries that did not decode or verify; they stay in the moved-aside store. */
  dropped: number
  erasedDocs: number
  /** Where the store as LevelDB left it was moved. */
  replacedAt: string
}

// Positions of referrals in the old log mean nothing in the new one; the node falls back to the
// document's latest item, which can only make "delivered" later, never early.
const STALE_META = /^referral-seq\//

/** Rebuilds the store in `dir`; `verify` returns the reason an item is not intact, if it is not. */
export async function recoverStore(
  dir: string,
  opts: { inspect: InspectItem; verify: (bytes: Uint8Array) => Error | undefined; now?: () => Date }
): Promise<RecoveryReport> {
  const src = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
  await src.open()
  const sub = (name: string) => src.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' })
  const fresh = `${dir}.recovering`
  await rm(fresh, { recursive: true, force: true })
  const out = await LevelItemStore.open(fresh, opts.inspect)
  const report: RecoveryReport = { kept: 0, dropped: 0, erasedDocs: 0, replacedAt: '' }
  try {
    let batch: Uint8Array[] = []
    let batchFrom = ''
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return
      const stored = await out.putItems(batch, batchFrom === '' ? {} : { from: batchFrom as FacilityId })
      report.kept += stored.length
      batch = []
    }
    for await (const [key, value] of sub('log').iterator()) {
      const entry = intactEntry(key, value, opts.inspect)
      if (entry === undefined || opts.verify(entry.bytes) !== undefined) {
        report.dropped++
        continue
      }
      const bytes = entry.bytes
      const from = entry.from ?? ''
      if (from !== batchFrom || batch.length >= 500) await flush()
      batchFrom = from
      batch.push(bytes)
    }
    await flush()
    for await (const docId of sub('era').keys()) {
      await out.eraseDoc(docId as never)
      report.erasedDocs++
    }
    for await (const [key, value] of sub('kv').iterator()) {
      if (!STALE_META.test(key)) await out.putKv(key, new Uint8Array(value))
    }
  } finally {
    await out.close()
    await src.close()
  }
  report.replacedAt = `${dir}.replaced-${(opts.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, '-')}`
  await rename(dir, report.replacedAt)
  await rename(fresh, dir)
  await clearDamage(dir)
  return report
}

/** The entry, if it decodes (checksum) and its stored header is what its bytes say (id recomputed). */
function intactEntry(key: string, value: Uint8Array, inspect: InspectItem): StoredItem | undefined {
  let entry: StoredItem
  try {
    entry = decodeLogEntry(key, value, inspect)
  } catch {
    return undefined
  }
  return entryMismatch(entry, inspect) === undefined ? entry : undefined
}
