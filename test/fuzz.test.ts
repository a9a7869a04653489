import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runTarget, type Fixture } from './fuzz/harness.js'
import { targets } from './fuzz/targets/index.js'

// A seeded sample of `pnpm fuzz` (which runs 1,000,000 per target): the same targets, a few thousand
// runs each, so a decoder that starts throwing stray exceptions fails CI. Replay a failure with the
// command printed in the assertion message.
const SEED = Number(process.env.FUZZ_SEED ?? 20261203)
/** Runs per target; the slow ones (key derivation per input, a node per request) get fewer. */
const SAMPLE: Record<string, number> = {
  grants: 1500,
  keyring: 250,
  'keyring-file': 400,
  'session-driver': 1000,
  'fhir-import': 300,
  http: 300,
  stored: 300,
  'staff-files': 300,
  'http-staff': 20,
  'sync-gate': 500
}
const FIXTURES = join(import.meta.dirname, 'fuzz', 'fixtures')

describe(`fuzz sample (seed ${SEED}; FUZZ_SEED to change it)`, () => {
  for (const t of targets) {
    const runs = SAMPLE[t.name] ?? 2000
    it(`${t.name}: ${t.what} (${runs} runs)`, { timeout: 120_000 }, async () => {
      const r = await runTarget(t, runs, SEED)
      expect(r.failures, `${r.error}\ninput: ${JSON.stringify(r.counterexample)}\nreplay: ${r.replay}`).toBe(0)
      expect(r.executions).toBe(runs)
    })
  }
})

describe('fuzz fixtures: every input that once failed is replayed', () => {
  const files = readdirSync(FIXTURES).filter(f => f.endsWith('.json'))
  it('has a fixture for each failure found so far', () => {
    expect(files.length).toBeGreaterThan(0)
  })
  for (const file of files) {
    const fx = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture
    it(`${file} (${fx.target}) passes its target's check`, { timeout: 60_000 }, async () => {
      const t = targets.find(x => x.name === fx.target)
      expect(t, `no target ${fx.target}`).toBeDefined()
      await t!.open?.()
      try {
        await t!.check(t!.fromFixture(fx.input))
      } finally {
        await t!.close?.()
      }
    })
  }
})
