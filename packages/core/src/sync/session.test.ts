import { describe, expect, it } from 'vitest'
import type { FacilityId, PatientId } from '../record/types.js'
import { Prng } from '../testing/prng.js'
import { PAIR_A, PAIR_B, backupStore, connectPair, settlePair } from '../testing/sessionPair.js'
import { inspectTestItem, makeTestItem, verifyTestItem } from '../testing/testItems.js'
import { StaleRosterError, UnsupportedVersionError } from '../crypto/errors.js'
import { bytesEqual } from '../bytes.js'
import { encodeFrame } from './frames.js'
import { MemoryItemStore } from './MemoryItemStore.js'
import type { Entitlement } from './types.js'

const A = PAIR_A
const B = PAIR_B
const all: Entitlement = async () => true
const connect = connectPair
const settle = settlePair

function randomBytes(prng: Prng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => prng.int(0, 255))
}

function items(prng: Prng, doc: string, author: FacilityId, n: number, size = 200): Uint8Array[] {
  return Array.from({ length: n }, () => makeTestItem({ docId: doc, author, payload: randomBytes(prng, size) }))
}

/** Two empty stores; A's entitlement withholds `doc` from B until `granted` holds it. */
function grantSetup(
  seed: number,
  doc: string
): { prng: Prng; sa: MemoryItemStore; sb: MemoryItemStore; granted: Set<string>; ea: Entitlement } {
  const granted = new Set<string>()
  const ea: Entitlement = async (_peer, d) => d !== doc || granted.has(d)
  return {
    prng: new Prng(seed),
    sa: new MemoryItemStore(inspectTestItem),
    sb: new MemoryItemStore(inspectTestItem),
    granted,
    ea
  }
}

async function ids(s: MemoryItemStore): Promise<string[]> {
  return (await s.logSince(0, 1e9)).map(i => i.id).sort()
}

function contains(hay: Uint8Array, needle: string): boolean {
  const n = Uint8Array.from(needle, c => c.charCodeAt(0))
  outer: for (let i = 0; i + n.length <= hay.length; i++) {
    for (let j = 0; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer
    return true
  }
  return false
}

describe('sync session', () => {
  it('two stores converge and hold cursors of each other afterwards', async () => {
    const prng = new Prng(11)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    await sa.putItems(items(prng, 'doc-a', A, 300))
    await sb.putItems(items(prng, 'doc-b', B, 120))
    const p = connect(sa, sb)
    await settle(p)
    expect(await ids(sa)).toEqual(await ids(sb))
    expect((await sb.getCursor(A))?.seq).toBe(300)
    expect((await sa.getCursor(B))?.seq).toBe(120)
    expect(p.errors).toEqual([])
  })

  it('pushes a new item live to a connected peer', async () => {
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    const p = connect(sa, sb)
    await settle(p)
    await sa.putItems(items(new Prng(12), 'doc-live', A, 1))
    p.a.logGrew()
    await settle(p)
    expect(await ids(sb)).toEqual(await ids(sa))
    expect(await sb.lastSeq()).toBe(1)
  })

  it('never sends a document the peer is not entitled to, not even its id, in catch-up or repair', async () => {
    const prng = new Prng(13)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    await sa.putItems([...items(prng, 'doc-shared', A, 5), ...items(prng, 'doc-secret', A, 5)])
    const onlyShared: Entitlement = async (_peer, doc) => doc === 'doc-shared'
    const p = connect(sa, sb, onlyShared, all)
    await settle(p)
    expect((await sb.docSummaries()).map(s => s.docId)).toEqual(['doc-shared'])
    expect(p.sent.filter(s => s.from === A).some(s => contains(s.bytes, 'doc-secret'))).toBe(false)
    // A later write to the secret document is not pushed either, and a probe by id looks like a miss.
    await sa.putItems(items(prng, 'doc-secret', A, 2))
    p.a.logGrew()
    await settle(p)
    const before = p.sent.length
    await p.a.receive(encodeFrame({ type: 'have', docId: 'doc-secret' as PatientId, ids: [] }))
    await settle(p)
    const probeSecret = p.sent.slice(before).filter(s => s.from === A)
    const before2 = p.sent.length
    await p.a.receive(encodeFrame({ type: 'have', docId: 'doc-nothing' as PatientId, ids: [] }))
    await settle(p)
    const probeNothing = p.sent.slice(before2).filter(s => s.from === A)
    expect(probeSecret.map(s => s.frame.type)).toEqual(probeNothing.map(s => s.frame.type))
    expect(probeSecret.filter(s => s.frame.type === 'batch')).toEqual([])
    expect((await sb.docSummaries()).map(s => s.docId)).toEqual(['doc-shared'])
    // Repair: B comes back holding a cursor of A's log that A does not recognise (restored from a
    // backup), so A reconciles by summaries: the secret document is not in them either.
    p.a.close()
    p.b.close()
    await sb.setCursor(A, { seq: 3, token: new Uint8Array(16).fill(9) })
    const q = connect(sa, sb, onlyShared, all)
    await settle(q)
    const fromA = q.sent.filter(s => s.from === A)
    expect(fromA.map(s => s.frame.type)).toEqual(expect.arrayContaining(['repair', 'summary']))
    expect(fromA.some(s => contains(s.bytes, 'doc-secret'))).toBe(false)
    expect((await sb.docSummaries()).map(s => s.docId)).toEqual(['doc-shared'])
  })

  it('sends each new registration (change + self-grant) once, in full batches, with no offer', async () => {
    const prng = new Prng(17)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    for (let i = 0; i < 200; i++) {
      const doc = `doc-${i}`
      await sa.putItems([
        ...items(prng, doc, A, 1, 900),
        makeTestItem({ docId: doc, author: A, grantRecipient: A, payload: randomBytes(prng, 48) })
      ])
    }
    const p = connect(sa, sb)
    await settle(p)
    expect(await ids(sb)).toEqual(await ids(sa))
    const fromA = p.sent.filter(s => s.from === A).map(s => s.frame)
    expect(fromA.filter(f => f.type === 'offer')).toEqual([])
    // B's log was empty, so there was nothing to reconcile: no repair in either direction.
    expect(p.sent.filter(s => s.frame.type === 'repair' || s.frame.type === 'summary-request')).toEqual([])
    const batches = fromA.filter(f => f.type === 'batch')
    expect(batches.reduce((n, b) => n + (b.type === 'batch' ? b.items.length : 0), 0)).toBe(400)
    // About 32 KiB per batch (~1 KB an item), not one batch per patient.
    expect(batches.length).toBeLessThanOrEqual(Math.ceil((400 * 1000) / 32_768) + 2)
  })

  it('offers the older items of a document when a grant makes the peer entitled to it', async () => {
    const { prng, sa, sb, granted, ea } = grantSetup(19, 'doc-old')
    await sa.putItems([...items(prng, 'doc-old', A, 3), ...items(prng, 'doc-open', A, 2)])
    // Session 1: B is not entitled to doc-old; its items are skipped and B's cursor moves past them.
    let p = connect(sa, sb, ea, all)
    await settle(p)
    expect((await sb.docSummaries()).map(d => d.docId)).toEqual(['doc-open'])
    p.a.close()
    p.b.close()
    // The grant arrives while disconnected; session 2 starts from B's cursor, past doc-old's items.
    granted.add('doc-old')
    await sa.putItems([
      makeTestItem({ docId: 'doc-old', author: A, grantRecipient: B, payload: randomBytes(prng, 48) })
    ])
    p = connect(sa, sb, ea, all)
    await settle(p)
    expect(p.sent.filter(s => s.from === A && s.frame.type === 'offer').length).toBe(1)
    expect(await ids(sb)).toEqual(await ids(sa))
    expect(p.errors.filter(e => e !== undefined)).toEqual([])
  })

  it('offers a document whose items this session skipped before the grant arrived', async () => {
    const { prng, sa, sb, granted, ea } = grantSetup(23, 'doc-new')
    const p = connect(sa, sb, ea, all)
    await settle(p)
    await sa.putItems(items(prng, 'doc-new', A, 2))
    p.a.logGrew()
    await settle(p)
    expect(await sb.lastSeq()).toBe(0)
    granted.add('doc-new')
    await sa.putItems([
      makeTestItem({ docId: 'doc-new', author: A, grantRecipient: B, payload: randomBytes(prng, 48) })
    ])
    p.a.logGrew()
    await settle(p)
    expect(p.sent.filter(s => s.from === A && s.frame.type === 'offer').length).toBe(1)
    expect(await ids(sb)).toEqual(await ids(sa))
  })

  it('closes the stream with ProtocolViolationError on a duplicated batch', async () => {
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    // A sends (and B acknowledges) a real batch 1 first; then the same batch number comes again.
    await sa.putItems(items(new Prng(21), 'doc-dup', A, 2))
    const p = connect(sa, sb)
    await settle(p)
    expect(p.sent.some(s => s.from === A && s.frame.type === 'batch' && s.frame.batchNo === 1)).toBe(true)
    await p.b.receive(encodeFrame({ type: 'batch', batchNo: 1, upTo: 0, items: [] }))
    await settle(p)
    expect(p.b.closed).toBe(true)
    // B itself refused the duplicate: A's ack check closing the session would be another line at work.
    expect(p.errors[0]).toMatchObject({
      name: 'ProtocolViolationError',
      message: expect.stringMatching(/batch 1, expected \d+$/)
    })
  })

  it('refuses a batch holding a forged item with ItemRejectedError and stores nothing of it', async () => {
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    const forged = items(new Prng(14), 'doc-f', A, 2)
    forged[1]![20] = forged[1]![20]! ^ 1
    await sa.putItems(forged)
    const p = connect(sa, sb)
    await settle(p)
    expect(p.errors.map(e => e?.name)).toContain('ItemRejectedError')
    expect(await sb.lastSeq()).toBe(0)
  })

  it('skips and reports an item the receiver cannot decode (a newer format); the 20 later items still arrive (issue 11.5)', async () => {
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    const prng = new Prng(16)
    const newer = items(prng, 'doc-n', A, 1)[0]!
    const later = items(prng, 'doc-l', A, 20)
    await sa.putItems([newer, ...later])
    const refused: string[] = []
    const p = connect(sa, sb, all, all, {
      verify: bytes =>
        bytesEqual(bytes, newer) ? new UnsupportedVersionError('item type byte 0x40') : verifyTestItem(bytes),
      onRefused: list => refused.push(...list.map(r => r.error.name))
    })
    await settle(p)
    expect(p.errors.filter(e => e !== undefined)).toEqual([])
    expect(refused).toEqual(['UnsupportedVersionError'])
    expect(await sb.lastSeq()).toBe(20)
    expect((await sb.hasItems(later.map(i => inspectTestItem(i).id))).every(Boolean)).toBe(true)
    // The cursor moved past it: the next session does not send it again, and nothing blocks.
    expect((await sb.getCursor(A))?.seq).toBe(21)
  })

  it('a stale roster is reported as StaleRosterError, not as a signature failure, and does not block the stream', async () => {
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    const prng = new Prng(17)
    const [ahead, ...rest] = items(prng, 'doc-s', A, 3)
    await sa.putItems([ahead!, ...rest])
    const refused: Error[] = []
    const p = connect(sa, sb, all, all, {
      verify: bytes =>
        bytesEqual(bytes, ahead!) ? new StaleRosterError('item claims roster v7, we hold v6') : verifyTestItem(bytes),
      onRefused: list => refused.push(...list.map(r => r.error))
    })
    await settle(p)
    expect(refused.map(e => e.name)).toEqual(['StaleRosterError'])
    expect(await sb.lastSeq()).toBe(2)
  })

  it('rosters travel: a peer on an older roster adopts ours from the session and then stores items that claim it (issue 14, attack 3)', async () => {
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    await sa.putItems(items(new Prng(18), 'doc-r', A, 5))
    let bRoster = 6
    const adopted: number[] = []
    const refused: string[] = []
    const roster7 = new Uint8Array([7, 7, 7])
    const p = connect(
      sa,
      sb,
      all,
      all,
      {
        rosterVersion: 6,
        // Every item of A's claims roster v7: stale until B holds it.
        verify: bytes => (bRoster < 7 ? new StaleRosterError('item claims roster v7') : verifyTestItem(bytes)),
        rosters: {
          current: () => new Uint8Array([6]),
          adopt: async bytes => {
            expect(bytes).toEqual(roster7)
            bRoster = 7
            adopted.push(7)
            return 7
          }
        },
        onRefused: list => refused.push(...list.map(r => r.error.name))
      },
      { rosterVersion: 7, rosters: { current: () => roster7, adopt: async () => 7 } }
    )
    await settle(p)
    expect(adopted).toEqual([7])
    expect(refused).toEqual([])
    expect(await sb.lastSeq()).toBe(5)
    expect(p.sent.filter(s => s.frame.type === 'roster').map(s => s.from)).toEqual([A])
  })

  it('a 1.0 session never sends a roster, and a roster frame in one ends it with ProtocolViolationError', async () => {
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    const p = connect(sa, sb, all, all, { rosterVersion: 6 }, { rosterVersion: 7 })
    await settle(p)
    expect(p.sent.some(s => s.frame.type === 'roster')).toBe(false)
    await p.b.receive(encodeFrame({ type: 'roster', roster: new Uint8Array([1]) }))
    await settle(p)
    expect(p.errors.map(e => e?.name)).toContain('ProtocolViolationError')
  })

  it('repairs without cursors at a cost that grows with the differences, not the corpus', async () => {
    const prng = new Prng(15)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    const common: Uint8Array[] = []
    for (let d = 0; d < 2000; d++) common.push(...items(prng, `doc-${d.toString().padStart(5, '0')}`, A, 1, 300))
    await sa.putItems(common)
    await sb.putItems([...common].reverse())
    const extraA = [3, 700, 1999].flatMap(d => items(prng, `doc-${d.toString().padStart(5, '0')}`, A, 1, 300))
    const extraB = items(prng, 'doc-00042', B, 2, 300)
    await sa.putItems(extraA)
    await sb.putItems(extraB)
    const p = connect(sa, sb)
    await settle(p)
    expect(await ids(sa)).toEqual(await ids(sb))
    const corpus = common.reduce((n, b) => n + b.length, 0)
    const wire = p.sent.reduce((n, s) => n + s.bytes.length, 0)
    const itemBytes = p.sent
      .flatMap(s => (s.frame.type === 'batch' ? s.frame.items : []))
      .reduce((n, b) => n + b.length, 0)
    expect(itemBytes).toBe([...extraA, ...extraB].reduce((n, b) => n + b.length, 0))
    expect(wire).toBeLessThan(corpus / 20)
    expect(p.errors).toEqual([])
  })

  it('repairs a peer restored from an old backup: every item it lost comes back', async () => {
    const prng = new Prng(16)
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    await sa.putItems(items(prng, 'doc-1', A, 10))
    await sb.putItems(items(prng, 'doc-2', B, 10))
    await settle(connect(sa, sb))
    // Back up B (same epoch, same log, same cursors).
    const backup = await backupStore(sb, A)
    // Both sides write more and sync; then B is "restored" and writes something new before reconnecting.
    await sa.putItems(items(prng, 'doc-1', A, 5))
    await sb.putItems(items(prng, 'doc-2', B, 5))
    await settle(connect(sa, sb))
    const full = await ids(sa)
    expect(await ids(sb)).toEqual(full)
    await backup.putItems(items(prng, 'doc-3', B, 3))
    const p = connect(sa, backup)
    await settle(p)
    expect(p.sent.some(s => s.frame.type === 'repair')).toBe(true)
    const healed = await ids(backup)
    for (const id of full) expect(healed).toContain(id)
    expect(healed).toEqual(await ids(sa))
    expect(p.errors).toEqual([])
  })
})
