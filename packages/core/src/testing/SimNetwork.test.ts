import { describe, expect, it } from 'vitest'
import type { FacilityId } from '../record/types.js'
import type { ItemId } from '../sync/types.js'
import { randomPayload, SimNetwork } from './SimNetwork.js'
import { testSeed } from './seed.js'
import { makeTestItem } from './testItems.js'

const FACILITIES = ['IN2210000001', 'IN2210000002', 'IN2210000003', 'IN2210000004', 'IN2210000005'] as FacilityId[]

/** Random writes and partitions for `duration` virtual ms, then heal and run to quiescence. */
async function scenario(seed: number): Promise<{ sim: SimNetwork; acked: Map<FacilityId, ItemId[]> }> {
  const sim = new SimNetwork(seed, { drop: 0.01, duplicate: 0.2, minDelay: 5, maxDelay: 700 })
  for (const f of FACILITIES) sim.addNode(f)
  sim.fullMesh()
  const acked = new Map<FacilityId, ItemId[]>(FACILITIES.map(f => [f, []]))
  const prng = sim.prng.fork()
  const docs = Array.from({ length: 12 }, (_, i) => `doc-${i.toString().padStart(2, '0')}`)
  for (let t = 0; t < 60_000; t += prng.int(100, 1500)) {
    const f = prng.pick(FACILITIES)
    const n = prng.int(1, 4)
    const items = Array.from({ length: n }, () =>
      makeTestItem({ docId: prng.pick(docs), author: f, payload: randomPayload(prng, prng.int(20, 400)) })
    )
    sim.at(t, async () => {
      for (const it of await sim.write(f, items)) acked.get(f)!.push(it.id)
    })
    if (prng.chance(0.3)) {
      const [a, b] = prng.pick(sim.links())
      const up = prng.chance(0.4)
      sim.at(t, () => sim.setLink(a, b, up))
    }
  }
  await sim.run(60_000)
  for (const [a, b] of sim.links()) sim.setLink(a, b, true)
  await sim.run(10_000_000)
  return { sim, acked }
}

describe('SimNetwork: five nodes with random writes and partitions', () => {
  it('converge after healing to identical item sets and lose no acknowledged item', async () => {
    const seed = testSeed('SIM_SEED', 20261126)
    const { sim, acked } = await scenario(seed)
    const sets = await sim.itemSets()
    const union = new Set<ItemId>()
    for (const ids of acked.values()) for (const id of ids) union.add(id)
    expect(union.size, `seed ${seed}`).toBeGreaterThan(0)
    for (const [f, ids] of sets) {
      expect([...union].filter(id => !ids.has(id)).length, `seed ${seed}: ${f} lost acknowledged items`).toBe(0)
      expect(ids.size, `seed ${seed}: ${f} holds unexpected items`).toBe(union.size)
    }
    expect(sim.counters.sessions, `seed ${seed}`).toBeGreaterThan(10)
  })

  it('replays the same event trace from the same seed', async () => {
    const seed = testSeed('SIM_SEED', 4242)
    const one = await scenario(seed)
    const two = await scenario(seed)
    expect(one.sim.traceHash).toBe(two.sim.traceHash)
    expect(one.sim.counters).toEqual(two.sim.counters)
    const other = await scenario(seed + 1)
    expect(other.sim.traceHash).not.toBe(one.sim.traceHash)
  })
})
