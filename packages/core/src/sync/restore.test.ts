/**
 * A node restored from a backup that no cursor shows (simulation seeds 1454, 2273, 3575), and a
 * session that ends before a repair it asked for is done: each is a named regression of a line in
 * `SyncSession.ts`.
 */
import { describe, expect, it } from 'vitest'
import type { FacilityId } from '../record/types.js'
import { Prng } from '../testing/prng.js'
import {
  PAIR_A,
  PAIR_B,
  backupStore,
  connectPair,
  settlePair,
  type DropFrame,
  type SessionPair
} from '../testing/sessionPair.js'
import { inspectTestItem, makeTestItem } from '../testing/testItems.js'
import { MemoryItemStore } from './MemoryItemStore.js'
import type { Entitlement } from './types.js'

const A = PAIR_A
const B = PAIR_B
const all: Entitlement = async () => true

async function session(
  sa: MemoryItemStore,
  sb: MemoryItemStore,
  ea = all,
  eb = all,
  drop?: DropFrame
): Promise<SessionPair> {
  const p = connectPair(sa, sb, ea, eb, {}, {}, drop)
  await settlePair(p)
  p.a.close()
  p.b.close()
  return p
}

function items(prng: Prng, doc: string, author: FacilityId, n: number): Uint8Array[] {
  return Array.from({ length: n }, () =>
    makeTestItem({ docId: doc, author, payload: Uint8Array.from({ length: 120 }, () => prng.int(0, 255)) })
  )
}

async function holds(s: MemoryItemStore, list: Uint8Array[]): Promise<boolean[]> {
  return await s.hasItems(list.map(b => inspectTestItem(b).id))
}

describe('a node restored from a backup its peer cannot see', () => {
  it('gets back, from a peer whose cursor of it still checks out, the items it lost that reached the peer without a cursor mark (seeds 1454, 2273, 3575)', async () => {
    const prng = new Prng(1454)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    await sa.putItems(items(prng, 'doc-1', A, 5))
    await sb.putItems(items(prng, 'doc-b', B, 1))
    await session(sa, sb)
    const before = await backupStore(sa, B)
    // 600 small items: one read of A's log, sent as a batch of 512 and a second one with the mark;
    // the link fails before the second arrives, so B holds the first ones past its cursor of A.
    const small = Array.from({ length: 600 }, (_, n) =>
      makeTestItem({ docId: 'doc-2', author: A, payload: Uint8Array.of(n & 0xff, n >> 8) })
    )
    await sa.putItems(small)
    await session(sa, sb, all, all, (from, f) => from === A && f.type === 'batch' && f.upTo > 0)
    const held = (await sb.itemsForDoc('doc-2' as never)).map(i => i.bytes)
    expect(held.length).toBeGreaterThan(400)
    expect(held.length).toBeLessThan(600)
    // A is restored from the backup: B's cursor of A still matches A's log, so nothing shows it.
    const p = await session(before, sb)
    expect(p.sent.some(s => s.frame.type === 'repair')).toBe(false)
    expect((await holds(before, held)).every(h => h)).toBe(true)
    expect(p.errors.filter(e => e !== undefined)).toEqual([])
  })

  it('answers an offer only with items up to the cursor mark that follows them, so a restore to that mark loses nothing the peer holds as an echo (session invariant 9)', async () => {
    const prng = new Prng(2273)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    const granted = new Set<string>()
    const ea: Entitlement = async (_peer, doc) => doc !== 'doc-2' || granted.has(doc)
    await sa.putItems([...items(prng, 'doc-1', A, 2), ...items(prng, 'doc-2', A, 3)])
    await sb.putItems(items(prng, 'doc-b', B, 1))
    await session(sa, sb, ea)
    await sa.putItems([makeTestItem({ docId: 'doc-2', author: A, grantRecipient: B, payload: Uint8Array.of(7) })])
    granted.add('doc-2')
    const before = await backupStore(sa, B)
    // While B's answer to the offer travels, A writes another item of doc-2, after the position the
    // mark waiting behind the offer names.
    const later = items(prng, 'doc-2', A, 1)
    await session(sa, sb, ea, all, (from, f) => {
      if (from === B && f.type === 'have') void sa.putItems(later)
      return false
    })
    expect((await sb.getCursor(A))?.seq).toBe(7)
    // A is restored to that position: B's cursor still checks out, so whatever B holds of A's that A
    // lost must not be marked as an echo.
    granted.delete('doc-2')
    await session(before, sb, ea)
    const held = (await sb.logSince(0, 1e9)).map(i => i.bytes)
    expect((await holds(before, held)).every(h => h)).toBe(true)
  })

  it('repairs in a later session when the session that found the restore ends before its repair is done (suspect cursor)', async () => {
    const prng = new Prng(36)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    await sa.putItems(items(prng, 'doc-a', A, 3))
    await sb.putItems(items(prng, 'doc-b', B, 5))
    await session(sa, sb)
    const restored = await backupStore(sb, A)
    const lost = items(prng, 'doc-b', B, 4)
    await sb.putItems(lost)
    await session(sa, sb)
    expect(await holds(sa, lost)).toEqual([true, true, true, true])
    // B comes back from the backup. In the first session A's cursor of B fails B's check, so B asks
    // for repair and repairs its own flow to A; A's request to repair its flow to B is lost, and the
    // session ends with A's cursor of B valid again (the repair base) and A's flow not yet repaired.
    const first = await session(sa, restored, all, all, (from, f) => from === A && f.type === 'repair')
    expect(first.sent.some(s => s.from === B && s.frame.type === 'repair')).toBe(true)
    // Next session: nothing looks restored any more, except the cursor B recorded as suspect.
    const p = await session(sa, restored)
    expect(p.sent.some(s => s.from === A && s.frame.type === 'repair')).toBe(true)
    expect(await holds(restored, lost)).toEqual([true, true, true, true])
  })
  it('repairs a restored log that came to hold the same item at the cursor position again: the token binds the whole log up to it (seeds 325, 2935)', async () => {
    const prng = new Prng(2935)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    const [a1, a2] = items(prng, 'doc-a', A, 2) as [Uint8Array, Uint8Array]
    const [b0, b1] = items(prng, 'doc-b', B, 2) as [Uint8Array, Uint8Array]
    const [c1] = items(prng, 'doc-c', 'IN2210000003' as FacilityId, 1) as [Uint8Array]
    await sa.putItems([a1])
    await sb.putItems([b0])
    await session(sa, sb)
    const backup = await backupStore(sa, B)
    await sa.putItems([a2])
    await sb.putItems([b1])
    await session(sa, sb)
    await session(sa, sb)
    // A's log is a1 b0 a2 b1, and B's cursor of A is at 4, where b1 is.
    expect((await sa.logSince(0, 10)).map(i => i.bytes)).toEqual([a1, b0, a2, b1])
    expect((await sb.getCursor(A))?.seq).toBe(4)
    // A comes back from the backup (a1 b0, and its cursor of B) and, from a third facility,
    // receives c1 and then b1: b1 is at position 4 again, but a2 is lost. B's cursor of A must not
    // check out, or B, catching A up, skips a2 as an echo.
    await backup.putItems([c1], { from: 'IN2210000003' as FacilityId })
    await backup.putItems([b1], { from: 'IN2210000003' as FacilityId })
    const p = await session(backup, sb)
    expect(p.sent.some(s => s.frame.type === 'repair')).toBe(true)
    expect(await holds(backup, [a2])).toEqual([true])
    expect(p.errors.filter(e => e !== undefined)).toEqual([])
  })
})
