/**
 * A node restored from a backup that no cursor shows (simulation seeds 1454, 2273, 3575), and a
 * session that ends before a repair it asked for is done: each is a named regression of a line in
 * `SyncSession.ts`.
 */
import { describe, expect, it } from 'vitest'
import type { FacilityId } from '../record/types.js'
import { Prng } from '../testing/prng.js'
import { inspectTestItem, makeTestItem, verifyTestItem } from '../testing/testItems.js'
import { decodeFrame, type Frame } from './frames.js'
import { MemoryItemStore } from './MemoryItemStore.js'
import { SyncSession } from './SyncSession.js'
import type { Entitlement } from './types.js'

const A = 'IN2210000001' as FacilityId
const B = 'IN2210000002' as FacilityId
const all: Entitlement = async () => true

/** Which frames a link loses: `drop(from, frame)` true loses it. */
type Drop = (from: FacilityId, frame: Frame) => boolean

interface Pair {
  a: SyncSession
  b: SyncSession
  sent: { from: FacilityId; frame: Frame }[]
  errors: (Error | undefined)[]
}

function connect(sa: MemoryItemStore, sb: MemoryItemStore, ea: Entitlement, eb: Entitlement, drop?: Drop): Pair {
  const sent: Pair['sent'] = []
  const errors: Pair['errors'] = []
  const pair: SyncSession[] = []
  const mk = (
    store: MemoryItemStore,
    me: FacilityId,
    peer: FacilityId,
    entitled: Entitlement,
    other: () => SyncSession
  ) =>
    new SyncSession({
      store,
      me,
      peer,
      rosterVersion: 1,
      entitled,
      verify: verifyTestItem,
      inspect: inspectTestItem,
      onClose: err => {
        errors.push(err)
        other().close()
      },
      channel: {
        send: async bytes => {
          const frame = decodeFrame(bytes)
          sent.push({ from: me, frame })
          if (drop?.(me, frame) !== true) void other().receive(bytes)
        },
        close: () => {}
      }
    })
  const a = mk(sa, A, B, ea, () => pair[1]!)
  const b = mk(sb, B, A, eb, () => pair[0]!)
  pair.push(a, b)
  void a.start()
  void b.start()
  return { a, b, sent, errors }
}

async function settle(p: Pair): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    const n = p.sent.length
    await p.a.idle()
    await p.b.idle()
    for (let k = 0; k < 8; k++) await Promise.resolve()
    if (p.sent.length === n) return
  }
}

async function session(sa: MemoryItemStore, sb: MemoryItemStore, ea = all, eb = all, drop?: Drop): Promise<Pair> {
  const p = connect(sa, sb, ea, eb, drop)
  await settle(p)
  p.a.close()
  p.b.close()
  return p
}

function items(prng: Prng, doc: string, author: FacilityId, n: number): Uint8Array[] {
  return Array.from({ length: n }, () =>
    makeTestItem({ docId: doc, author, payload: Uint8Array.from({ length: 120 }, () => prng.int(0, 255)) })
  )
}

/** A copy of `s` as a backup of its data directory holds it: same epoch, log, `from` marks and cursors. */
async function backup(s: MemoryItemStore, peer: FacilityId): Promise<MemoryItemStore> {
  const copy = new MemoryItemStore(inspectTestItem, await s.epoch())
  for (const it of await s.logSince(0, 1e9))
    await copy.putItems([it.bytes], it.from === undefined ? {} : { from: it.from })
  const cursor = await s.getCursor(peer)
  if (cursor !== undefined) await copy.setCursor(peer, cursor)
  return copy
}

async function holds(s: MemoryItemStore, list: Uint8Array[]): Promise<boolean[]> {
  return await s.hasItems(list.map(b => inspectTestItem(b).id))
}

describe('a node restored from a backup its peer cannot see', () => {
  it('gets back, from a peer whose cursor of it still checks out, the items it lost that reached the peer without a cursor mark (seeds 1454, 2273, 3575)', async () => {
    const prng = new Prng(1454)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    // A withholds doc-2 from B until it grants it; B's cursor of A passes doc-2's items.
    const granted = new Set<string>()
    const ea: Entitlement = async (_peer, doc) => doc !== 'doc-2' || granted.has(doc)
    await sa.putItems([...items(prng, 'doc-1', A, 5), ...items(prng, 'doc-2', A, 3)])
    await sb.putItems(items(prng, 'doc-b', B, 1))
    await session(sa, sb, ea)
    const before = await backup(sa, B)
    // A grants doc-2 to B: the grant and its change leave in a batch of their own, the offer after
    // them, and the cursor mark waits for B's answer, which is lost as the link fails.
    const grant = [
      makeTestItem({ docId: 'doc-2', author: A, grantRecipient: B, payload: Uint8Array.of(1, 2, 3) }),
      ...items(prng, 'doc-2', A, 1)
    ]
    await sa.putItems(grant)
    granted.add('doc-2')
    await session(sa, sb, ea, all, (from, f) => from === B && f.type === 'have')
    expect(await holds(sb, grant)).toEqual([true, true])
    // A is restored from the backup: the grant is gone, and B's cursor of A still matches A's log.
    granted.delete('doc-2')
    const p = await session(before, sb, ea)
    expect(p.sent.some(s => s.frame.type === 'repair')).toBe(false)
    expect(await holds(before, grant)).toEqual([true, true])
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
    const before = await backup(sa, B)
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
    const restored = await backup(sb, A)
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
})
