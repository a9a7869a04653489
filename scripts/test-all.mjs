#!/usr/bin/env node
// Runs every check and every test runner, then prints one closing line totalled over all of them:
// `N passed, N failed` (plus `, N skipped`). With --label X the line is prefixed `X:` and the counts
// are also written to .test-counts-X.json for .ci/run to total across Node versions.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs'

const labelIndex = process.argv.indexOf('--label')
const label = labelIndex > 0 ? process.argv[labelIndex + 1] : undefined
const counts = { passed: 0, failed: 0, skipped: 0 }

function run(name, cmd, args) {
  process.stderr.write(`==> ${name}\n`)
  const r = spawnSync(cmd, args, { stdio: 'inherit' })
  return r.status === 0
}

// Static checks count as one test each: a failing lint or type-check fails the run visibly.
for (const [name, cmd, args] of [
  ['format (prettier --check)', 'pnpm', ['run', '--silent', 'format:check']],
  [
    'lint (oxlint: import cycles, ui → core ← node boundary, type-aware promise rules)',
    'pnpm',
    ['run', '--silent', 'lint']
  ],
  ['type-check', 'pnpm', ['run', '--silent', 'typecheck']]
]) {
  if (run(name, cmd, args)) counts.passed++
  else counts.failed++
}

const results = '.vitest-results.json'
rmSync(results, { force: true })
const ok = run('vitest (core, node, ui, bench, e2e)', 'pnpm', [
  'exec',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${results}`
])
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'))
  counts.passed += r.numPassedTests
  counts.failed += r.numFailedTests
  counts.skipped += r.numPendingTests + r.numTodoTests
  // A suite that failed to load has no tests but must still fail the run.
  counts.failed += r.testResults.filter(f => f.status === 'failed' && f.assertionResults.length === 0).length
}
// vitest exited non-zero with nothing counted as failed (a worker crashed, an unhandled error):
// that is a failure too, and the closing line must say so.
if (!ok && counts.failed === 0) counts.failed++

if (label) writeFileSync(`.test-counts-${label}.json`, JSON.stringify(counts))
const line = `${counts.passed} passed, ${counts.failed} failed` + (counts.skipped ? `, ${counts.skipped} skipped` : '')
console.log(label ? `${label}: ${line}` : line)
process.exit(counts.failed === 0 && ok ? 0 : 1)
