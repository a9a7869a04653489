/**
 * A seeded sample of the crash-point script (`pnpm crash-points`): a realistic workload on a real
 * LevelDB with the power cut at a chosen write; after each cut nothing acknowledged is lost, no
 * cursor is ahead of durable data and the store opens (Invariants 2, 3, 10).
 */
import { rm } from 'node:fs/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { testSeed } from '@pagdandi/core/testing'
import { makeItemPool, runCrashPoint, type ItemPool } from '../testing/crashPoints.js'
import { tempDir } from '../testing/fixtures.js'

const SEED = testSeed('PAGDANDI_CRASH_SEED', 20261203)
const POINTS = 24
let dir: string | undefined
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('power loss at chosen crash points', () => {
  let pool: ItemPool
  it('loses no acknowledged write and leaves no cursor ahead of data, at every point of the sample', async () => {
    pool = await makeItemPool(12, 7)
    dir = await tempDir('pagdandi-crash-')
    const failed: string[] = []
    let acknowledged = 0
    for (let i = 0; i < POINTS; i++) {
      const r = await runCrashPoint(pool, SEED + i, { dir })
      acknowledged += r.acknowledged
      for (const f of r.failures) failed.push(`seed ${r.seed} (crash at write ${r.crashAt} of ${r.writes}): ${f}`)
    }
    expect(failed, `replay one with: pnpm crash-points --seed <seed> --points 1`).toEqual([])
    expect(acknowledged).toBeGreaterThan(POINTS) // the sample checked real work, not empty runs
  })

  it('keeps every acknowledged write when the power goes after the whole workload', async () => {
    // The same check with the cut placed after every write, on a run whose crash point is past
    // the end: the last acknowledged batch must survive. Removing `sync: true` turns this red.
    const r = await runCrashPoint(pool, SEED, { dir: dir!, crashAt: 10_000 })
    expect(r.failures).toEqual([])
    expect(r.acknowledged).toBeGreaterThan(10)
  })
})
