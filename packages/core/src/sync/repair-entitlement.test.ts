import { describe, expect, it } from 'vitest'
import type { FacilityId, PatientId } from '../record/types.js'
import { Prng } from '../testing/prng.js'
import { inspectTestItem, makeTestItem, verifyTestItem } from '../testing/testItems.js'
import type { Frame } from './frames.js'
import { decodeFrame } from './frames.js'
import { MemoryItemStore } from './MemoryItemStore.js'
import { SyncSession } from './SyncSession.js'
import type { Entitlement } from './types.js'

const A = 'IN2210000001' as FacilityId
const B = 'IN2210000002' as FacilityId
const SECRET = ['doc-secret-1', 'doc-secret-2', 'doc-secret-3']

/** A may give B only the documents whose ids start with `doc-shared`; B may give A anything. */
const aToB: Entitlement = async (_peer, doc) => doc.startsWith('doc-shared')
const bToA: Entitlement = async () => true

/** Connect two stores and run until nothing moves; returns every frame A sent, as bytes. */
async function sync(sa: MemoryItemStore, sb: MemoryItemStore): Promise<Uint8Array[]> {
  const fromA: Uint8Array[] = []
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
      onClose: () => other().close(),
      channel: {
        send: async bytes => {
          if (me === A) fromA.push(bytes.slice())
          void other().receive(bytes)
        },
        close: () => {}
      }
    })
  pair.push(
    mk(sa, A, B, aToB, () => pair[1]!),
    mk(sb, B, A, bToA, () => pair[0]!)
  )
  void pair[0]!.start()
  void pair[1]!.start()
  for (let quiet = 0, n = -1; quiet < 3;) {
    await pair[0]!.idle()
    await pair[1]!.idle()
    for (let k = 0; k < 8; k++) await Promise.resolve()
    quiet = fromA.length === n ? quiet + 1 : 0
    n = fromA.length
  }
  return fromA
}

function items(prng: Prng, doc: string, author: FacilityId, n: number): Uint8Array[] {
  return Array.from({ length: n }, () =>
    makeTestItem({ docId: doc, author, payload: Uint8Array.from({ length: 120 }, () => prng.int(0, 255)) })
  )
}

async function copyOf(s: MemoryItemStore, peer: FacilityId): Promise<MemoryItemStore> {
  const copy = new MemoryItemStore(inspectTestItem, await s.epoch())
  for (const it of await s.logSince(0, 1e9))
    await copy.putItems([it.bytes], it.from === undefined ? {} : { from: it.from })
  const c = await s.getCursor(peer)
  if (c !== undefined) await copy.setCursor(peer, c)
  return copy
}

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
