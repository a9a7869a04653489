/**
 * `pnpm fuzz [--runs N] [--seed S] [--only a,b]`: runs every fuzz target N times (default 1,000,000)
 * and prints, per target, executions, failures, time, seed and the command that replays the run. A
 * failing input is shrunk and written to test/fuzz/found/ for turning into a fixture. Exit 1 if any
 * target failed.
 */
import '@pagdandi/node/polyfill'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runTarget } from './harness.js'
import { targets } from './targets/index.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    seed: { type: 'string' },
    only: { type: 'string' }
  }
})
const runs = Number(values.runs)
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed)
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: pnpm fuzz [--runs N] [--seed S] [--only name,name]')
  process.exit(2)
}
const only = values.only?.split(',')
const chosen = only === undefined ? targets : targets.filter(t => only.includes(t.name))
if (chosen.length === 0) {
  console.error(`no such target; targets: ${targets.map(t => t.name).join(', ')}`)
  process.exit(2)
}

const found = join(dirname(fileURLToPath(import.meta.url)), 'found')
let failed = 0
console.log(`fuzz: ${chosen.length} targets × ${runs.toLocaleString('en')} runs, seed ${seed}`)
for (const t of chosen) {
  const r = await runTarget(
    t,
    runs,
    seed,
    (n, ms) =>
      console.log(`  ${t.name}: ${n.toLocaleString('en')} executions, no failure yet, ${(ms / 1000).toFixed(0)} s`),
    Math.max(1000, Math.round(runs / 100))
  )
  failed += r.failures
  const secs = (r.ms / 1000).toFixed(1)
  console.log(
    `${r.name.padEnd(16)} executions ${r.executions.toLocaleString('en').padStart(9)}  failures ${r.failures}  ` +
      `${secs.padStart(7)} s  seed ${r.seed}  replay: ${r.replay}`
  )
  if (r.failures > 0) {
    mkdirSync(found, { recursive: true })
    const file = join(found, `${r.name}-${r.seed}.json`)
    writeFileSync(file, JSON.stringify({ target: r.name, found: r.error, input: r.counterexample }, null, 2) + '\n')
    console.log(`  ${r.error}\n  shrunk input written to ${file}`)
  }
}
process.exit(failed === 0 ? 0 : 1)
