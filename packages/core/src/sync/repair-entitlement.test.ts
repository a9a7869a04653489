import { describe, expect, it } from 'vitest'
import type { FacilityId, PatientId } from '../record/types.js'
import { Prng } from '../testing/prng.js'
import { PAIR_A, PAIR_B, backupStore, connectPair, settlePair } from '../testing/sessionPair.js'
import { inspectTestItem, makeTestItem } from '../testing/testItems.js'
import type { Frame } from './frames.js'
import { decodeFrame } from './frames.js'
import { MemoryItemStore } from './MemoryItemStore.js'
import type { Entitlement } from './types.js'

const A = PAIR_A
const B = PAIR_B
const SECRET = ['doc-secret-1', 'doc-secret-2', 'doc-secret-3']

/** A may give B only the documents whose ids start with `doc-shared`; B may give A anything. */
const aToB: Entitlement = async (_peer, doc) => doc.startsWith('doc-shared')
const bToA: Entitlement = async () => true

/** Connect two stores and run until nothing moves; returns every frame A sent, as bytes. */
async function sync(sa: MemoryItemStore, sb: MemoryItemStore): Promise<Uint8Array[]> {
  const p = connectPair(sa, sb, aToB, bToA)
  await settlePair(p)
  p.a.close()
  p.b.close()
  return p.sent.filter(s => s.from === A).map(s => s.bytes)
}

function items(prng: Prng, doc: string, author: FacilityId, n: number): Uint8Array[] {
  return Array.from({ length: n }, () =>
    makeTestItem({ docId: doc, author, payload: Uint8Array.from({ length: 120 }, () => prng.int(0, 255)) })
  )
}

const copyOf = backupStore

function contains(hay: Uint8Array, needle: string): boolean {
  const n = Uint8Array.from(needle, c => c.charCodeAt(0))
  outer: for (let i = 0; i + n.length <= hay.length; i++) {
    for (let j = 0; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer
    return true
  }
  return false
}

describe('least privilege in repair', () => {
  it('a peer restored from a backup goes through repair and receives no item, and no id, of a document it may not have', async () => {
    const prng = new Prng(20261203)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    await sa.putItems([...items(prng, 'doc-shared-1', A, 6), ...items(prng, 'doc-secret-1', A, 6)])
    await sb.putItems(items(prng, 'doc-shared-b', B, 4))
    await sync(sa, sb)
    const backup = await copyOf(sb, A)
    // Both sides move on; then B is restored from its backup and writes before reconnecting.
    await sa.putItems([
      ...items(prng, 'doc-shared-1', A, 3),
      ...items(prng, 'doc-secret-1', A, 3),
      ...items(prng, 'doc-secret-2', A, 4),
      ...items(prng, 'doc-shared-2', A, 4)
    ])
    await sb.putItems(items(prng, 'doc-shared-b', B, 2))
    await sync(sa, sb)
    await backup.putItems(items(prng, 'doc-shared-b', B, 1))
    await sa.putItems(items(prng, 'doc-secret-3', A, 2))

    const sent = await sync(sa, backup)
    const frames: Frame[] = sent.map(b => decodeFrame(b))
    // Repair ran on A's flow to B: A answered B's summary requests from its entitled documents.
    expect(frames.some(f => f.type === 'repair')).toBe(true)
    const summaries = frames.filter(f => f.type === 'summary')
    expect(summaries.length).toBeGreaterThan(0)
    const listed = summaries.flatMap(f =>
      f.ranges.flatMap(r => (r.kind === 'entries' ? r.entries.map(e => e.docId) : []))
    )
    expect(listed).toContain('doc-shared-1' as PatientId)
    // B got every entitled item back and nothing else: no secret item, no secret id in any frame.
    const held = new Set((await backup.logSince(0, 1e9)).map(i => i.docId))
    expect([...held].sort()).toEqual(['doc-shared-1', 'doc-shared-2', 'doc-shared-b'])
    for (const doc of ['doc-shared-1', 'doc-shared-2'] as PatientId[])
      expect((await backup.itemsForDoc(doc)).length).toBe((await sa.itemsForDoc(doc)).length)
    for (const id of SECRET)
      expect(
        sent.filter(b => contains(b, id)),
        id
      ).toEqual([])
  })
})
