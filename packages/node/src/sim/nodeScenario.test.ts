import { describe, expect, it } from 'vitest'
import { testSeed } from '@pagdandi/core/testing'
import { runNodeScenario } from './nodeScenario.js'

/** Node-layer seeds in the suite (each seals and applies real Automerge changes); `pnpm sim --layer node` runs more. */
const SEEDS = 12

describe('simulation with the node layer: sealer, document bridge and entitlement cache under faults', () => {
  it(`${SEEDS} seeds: invariants hold during the run; at quiescence every facility that can open a record rebuilds the same heads and the hub opens none`, async () => {
    const from = testSeed('SIM_NODE_SEED', 1)
    let applied = 0
    let grants = 0
    let crashes = 0
    for (let seed = from; seed < from + SEEDS; seed++) {
      const r = await runNodeScenario(seed)
      const first = r.violations.slice(0, 3).map(v => `${v.invariant} at ${v.at} ms: ${v.detail}`)
      expect(
        r.violations,
        `seed ${seed}; replay with \`pnpm sim --layer node --seed ${seed}\`\n${first.join('\n')}`
      ).toEqual([])
      applied += r.stats.applied
      grants += r.stats.grants
      crashes += r.counters.crashes
    }
    expect(applied).toBeGreaterThan(0)
    expect(grants).toBeGreaterThan(0)
    expect(crashes).toBeGreaterThan(0)
  }, 300_000)
})
