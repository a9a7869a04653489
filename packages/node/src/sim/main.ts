/**
 * `pnpm sim`: run the deterministic simulation (core/testing/simScenario.ts) over many seeds.
 *
 *   pnpm sim --seeds 5000            seeds 1..5000
 *   pnpm sim --seeds 200 --from 9000 seeds 9000..9199
 *   pnpm sim --seed 123              replay one seed: its story, its violations, its trace hash
 *   pnpm sim --seed 123 --frames     the same with every frame sent, one line each
 *   pnpm sim --layer node --seeds 50 the same with the node layer (sealer, document bridge)
 *
 * Prints seeds run, failed, the first failing seed with its replay command, and the rate. Exits 1
 * when a seed fails.
 */
import { parseArgs } from 'node:util'
import { runScenario, runSeeds, type ScenarioResult } from '@pagdandi/core/testing'
import '../polyfill.js'
import { runNodeScenario } from './nodeScenario.js'

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    from: { type: 'string', default: '1' },
    seed: { type: 'string' },
    layer: { type: 'string', default: 'core' },
    frames: { type: 'boolean', default: false }
  }
})
if (values.layer !== 'core' && values.layer !== 'node') {
  console.error(`pnpm sim: --layer must be core or node, not ${JSON.stringify(values.layer)}`)
  process.exit(2)
}
const node = values.layer === 'node'
/** One seed of the chosen layer, as a result `runSeeds` can count. */
const one = async (seed: number): Promise<ScenarioResult> => {
  if (!node) return await runScenario(seed)
  const r = await runNodeScenario(seed)
  return { ...r, traceHash: '', frames: {}, endStateOk: true, stats: { ...r.stats } }
}

function count(name: string, raw: string): number {
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`pnpm sim: --${name} must be a whole number, not ${JSON.stringify(raw)}`)
    process.exit(2)
  }
  return n
}

if (values.seed !== undefined) {
  const seed = count('seed', values.seed)
  const r = node
    ? await one(seed)
    : await runScenario(seed, {
        log: line => console.log(line),
        ...(values.frames ? { frames: (line: string) => console.log(`  ${line}`) } : {})
      })
  for (const v of r.violations) console.log(`VIOLATION ${v.invariant} at ${v.at} ms: ${v.detail}`)
  console.log(`seed ${seed}: ${r.violations.length === 0 ? 'ok' : 'FAILED'}${node ? '' : `; trace ${r.traceHash}`}`)
  console.log(`counters ${JSON.stringify(r.counters)} stats ${JSON.stringify(r.stats)}`)
  process.exit(r.violations.length === 0 ? 0 : 1)
}

const from = count('from', values.from)
const n = count('seeds', values.seeds)
let done = 0
const failing: number[] = []
const summary = await runSeeds(
  from,
  n,
  () => performance.now(),
  one,
  r => {
    if (r.violations.length > 0) failing.push(r.seed)
    done++
    if (done % 500 === 0) console.error(`… ${done} seeds`)
  }
)
const rate = summary.run / (summary.ms / 1000)
console.log(`seeds run: ${summary.run} (${from}..${from + n - 1})`)
console.log(`failed: ${summary.failed}${failing.length === 0 ? '' : ` (seeds ${failing.join(', ')})`}`)
const first = summary.firstFailure
if (first === undefined) console.log('first failing seed: none')
else {
  console.log(`first failing seed: ${first.seed}; replay: pnpm sim${node ? ' --layer node' : ''} --seed ${first.seed}`)
  for (const v of first.violations.slice(0, 5)) console.log(`  ${v.invariant} at ${v.at} ms: ${v.detail}`)
}
console.log(`rate: ${rate.toFixed(1)} seeds/s (${(summary.ms / 1000).toFixed(1)} s)`)
process.exit(summary.failed === 0 ? 0 : 1)
