/**
 * `pnpm crash-points [--points N] [--seed S] [--length L] [--dir DIR]`: runs N crash points (default
 * 1,000), each a seeded workload on a real LevelDB under FaultyLevel with the power cut at a chosen
 * write, then reopens and checks the store (packages/node/src/testing/crashPoints.ts). Prints the
 * points run, failures, acknowledged writes checked, time per point, the seed and how to replay.
 */
import '../../packages/node/src/polyfill.js'
import { rm } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { makeItemPool, runCrashPoint } from '../../packages/node/src/testing/crashPoints.js'
import { tempDir } from '../../packages/node/src/testing/fixtures.js'

const { values } = parseArgs({
  options: {
    points: { type: 'string' },
    seed: { type: 'string' },
    length: { type: 'string' },
    dir: { type: 'string' }
  }
})
const points = Number(values.points ?? 1000)
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed)
const length = Number(values.length ?? 40)
if (![points, seed, length].every(n => Number.isSafeInteger(n) && n >= 0) || points < 1) {
  console.error('usage: pnpm crash-points [--points N] [--seed S] [--length L] [--dir DIR]')
  process.exit(2)
}
const started = performance.now()
const pool = await makeItemPool(40, 7)
const dir = values.dir ?? (await tempDir('pagdandi-crash-'))
console.log(`crash points: ${points} × a ${length}-operation workload, seed ${seed}, in ${dir}`)
const poolMs = performance.now() - started
let failed = 0
let acknowledged = 0
let writes = 0
let first: string | undefined
const t0 = performance.now()
for (let i = 0; i < points; i++) {
  const r = await runCrashPoint(pool, seed + i, { dir, length })
  acknowledged += r.acknowledged
  writes += r.writes
  if (r.failures.length > 0) {
    failed++
    first ??= `seed ${r.seed}, crash at write ${r.crashAt} of ${r.writes}: ${r.failures[0]}`
    console.log(`FAIL seed ${r.seed} (crash at write ${r.crashAt}): ${r.failures.join('; ')}`)
  }
  if ((i + 1) % 100 === 0) console.log(`  ${i + 1} points, ${failed} failed`)
}
const perPoint = (performance.now() - t0) / points
if (values.dir === undefined) await rm(dir, { recursive: true, force: true })
console.log(
  `points run: ${points}; failed: ${failed}; acknowledged writes checked: ${acknowledged}; ` +
    `writes made: ${writes}; ${perPoint.toFixed(1)} ms per point (item pool ${(poolMs / 1000).toFixed(1)} s)`
)
console.log(`seed ${seed}; replay: pnpm crash-points --seed ${seed} --points ${points} --length ${length}`)
if (first !== undefined) {
  console.log(`first failure: ${first}`)
  console.log(
    `replay it alone: pnpm crash-points --seed ${first.split(',')[0]!.slice(5)} --points 1 --length ${length}`
  )
}
process.exit(failed === 0 ? 0 : 1)
