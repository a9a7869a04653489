/**
 * Quotas (issue 14, attack 6), core level: seeded interleavings of honest senders (a document's
 * changes, then its grant) and a member flooding items of documents that are never shared.
 * Replay a failure with GRANT_WAIT_SEED=<seed>.
 */
import { describe, expect, it } from 'vitest'
import type { FacilityId, PatientId } from '../record/types.js'
import { Prng } from '../testing/prng.js'
import { testSeed } from '../testing/seed.js'
import { GrantWait, type GrantWaitLimits } from './GrantWait.js'
import type { ItemId } from './types.js'

const limits: GrantWaitLimits = {
  perAuthorItems: 64,
  perAuthorBytes: 64 * 1024,
  totalItems: 256,
  totalBytes: 512 * 1024,
  maxWaitMs: 60_000
}
const ATTACKER = 'IN2210000666' as FacilityId
const HONEST = ['IN2210000101', 'IN2210000102', 'IN2210000103'] as FacilityId[]

describe('GrantWait: items wait for their grant, bounded per author (issue 14, attack 6)', () => {
  it('an honest document’s changes all wait and are released by its grant while a member floods; the flood is held to its quota and refused by name', () => {
    const seed = testSeed('GRANT_WAIT_SEED', 20261204)
    for (let run = 0; run < 50; run++) {
      const rng = new Prng(seed + run)
      let now = 0
      const wait = new GrantWait(limits, () => now)
      const open = new Map<PatientId, { author: FacilityId; ids: ItemId[] }>()
      let n = 0
      let releasedHonest = 0
      let sentHonest = 0
      const refusedJunk = new Set<ItemId>()
      let junk = 0
      for (let step = 0; step < 2_000; step++) {
        now += rng.int(0, 100)
        const r = rng.next()
        if (r < 0.6) {
          // The flood: a junk item (up to 4 KiB) of a document that is never shared.
          const id = `junk-${n++}` as ItemId
          junk++
          const res = wait.hold({
            id,
            bytes: new Uint8Array(rng.int(100, 4_096)),
            docId: `junk-doc-${rng.int(0, 1_000)}` as PatientId,
            author: ATTACKER
          })
          if (res.verdict.name === 'NotEntitledError') refusedJunk.add(id)
          for (const e of res.expired) {
            expect(e.error.name).toBe('NotEntitledError')
            // Honest documents get their grant in time: only the flood expires.
            expect(e.item.author, `seed ${seed + run} step ${step}`).toBe(ATTACKER)
            refusedJunk.add(e.item.id)
          }
        } else if (r < 0.8 || open.size === 0) {
          // An honest change of a document whose grant is still to come (at most 5 open per author).
          const author = rng.pick(HONEST)
          const mine = [...open.entries()].filter(([, d]) => d.author === author)
          let docId: PatientId
          if (mine.length === 0 || (mine.length < 5 && rng.chance(0.3))) {
            docId = `doc-${n++}` as PatientId
            open.set(docId, { author, ids: [] })
          } else docId = rng.pick(mine)[0]
          const id = `honest-${n++}` as ItemId
          sentHonest++
          const res = wait.hold({ id, bytes: new Uint8Array(rng.int(100, 2_000)), docId, author })
          if (res.verdict.name !== 'AwaitingGrantError')
            expect.fail(`seed ${seed + run} step ${step}: ${res.verdict.message}`)
          for (const e of res.expired) {
            expect(e.item.author, `seed ${seed + run} step ${step}`).toBe(ATTACKER)
            refusedJunk.add(e.item.id)
          }
          open.get(docId)!.ids.push(id)
        } else {
          // The grant of an open honest document arrives: every change of it is released.
          const [docId, d] = rng.pick([...open.entries()])
          const released = wait.release(docId)
          expect(released.map(w => w.id).sort(), `seed ${seed + run} step ${step}`).toEqual([...d.ids].sort())
          releasedHonest += released.length
          open.delete(docId)
        }
        const u = wait.usage()
        const attacker = u.byAuthor.get(ATTACKER) ?? { items: 0, bytes: 0 }
        const within =
          attacker.items <= limits.perAuthorItems &&
          attacker.bytes <= limits.perAuthorBytes &&
          u.items <= limits.totalItems &&
          u.bytes <= limits.totalBytes
        if (!within)
          expect.fail(
            `seed ${seed + run} step ${step}: over a bound: ${JSON.stringify(attacker)} ${u.items} ${u.bytes}`
          )
      }
      // The rest of the flood is refused by name once it has waited its time; nothing of it was released.
      now += limits.maxWaitMs
      for (const e of wait.expire()) if (e.item.author === ATTACKER) refusedJunk.add(e.item.id)
      expect(refusedJunk.size, `seed ${seed + run}`).toBe(junk)
      expect(releasedHonest + [...open.values()].reduce((s, d) => s + d.ids.length, 0)).toBe(sentHonest)
    }
  })

  it('refuses an author past its item or byte quota, and the node as a whole past its total, by name', () => {
    let now = 0
    const wait = new GrantWait({ ...limits, perAuthorItems: 2, totalItems: 3 }, () => now)
    const hold = (id: string, author: FacilityId, size = 10) =>
      wait.hold({ id: id as ItemId, bytes: new Uint8Array(size), docId: 'd' as PatientId, author }).verdict.message
    expect(hold('a1', ATTACKER)).toMatch(/^held/)
    expect(hold('a2', ATTACKER)).toMatch(/^held/)
    expect(hold('a3', ATTACKER)).toMatch(/author quota/)
    expect(hold('h1', HONEST[0]!, limits.perAuthorBytes + 1)).toMatch(/author quota/)
    expect(hold('h1', HONEST[0]!)).toMatch(/^held/)
    // The room is full: a newcomer holding less than the attacker takes the attacker's newest place…
    expect(hold('h2', HONEST[1]!)).toMatch(/^held/)
    // …but not a place from an author holding no more than it would.
    expect(hold('h3', HONEST[2]!)).toMatch(/total quota/)
    // The same item again is not counted twice.
    expect(hold('h1', HONEST[0]!)).toMatch(/^held/)
    expect(wait.usage().items).toBe(3)
    now += limits.maxWaitMs
    expect(wait.expire().map(e => e.error.message)).toEqual(Array(3).fill(expect.stringMatching(/expired/)))
  })

  it('eight members at their quota fill the whole room, yet an honest author’s changes all wait: each attacker is held to its share', () => {
    const l = { ...limits, perAuthorItems: 32, totalItems: 256 }
    const wait = new GrantWait(l, () => 0)
    const attackers = Array.from({ length: 8 }, (_, i) => `IN22100006${String(i).padStart(2, '0')}` as FacilityId)
    let n = 0
    const hold = (author: FacilityId) =>
      wait.hold({ id: `i${n++}` as ItemId, bytes: new Uint8Array(10), docId: `d-${author}` as PatientId, author })
    for (const a of attackers)
      for (let i = 0; i < l.perAuthorItems; i++) expect(hold(a).verdict.name).toBe('AwaitingGrantError')
    expect(wait.usage().items).toBe(l.totalItems)
    const pushedOut: FacilityId[] = []
    for (let i = 0; i < l.perAuthorItems - 4; i++) {
      const r = hold(HONEST[0]!)
      expect(r.verdict.name).toBe('AwaitingGrantError')
      pushedOut.push(...r.expired.map(e => e.item.author))
    }
    // Only attackers' items made room, and none of them below the honest author's share.
    expect(pushedOut.every(a => attackers.includes(a))).toBe(true)
    expect(wait.usage().items).toBe(l.totalItems)
    const u = wait.usage().byAuthor
    for (const a of attackers) expect(u.get(a)!.items).toBeGreaterThanOrEqual(l.totalItems / 9 - 1)
    expect(u.get(HONEST[0]!)!.items).toBe(l.perAuthorItems - 4)
  })
})
