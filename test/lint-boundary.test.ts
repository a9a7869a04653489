/**
 * The dependency boundary `ui → core ← node` (ARCHITECTURE.md) is enforced by the lint, not by
 * convention: an import planted across it makes `oxlint` with the repository's own config fail,
 * naming the file; the same tree without it passes. Runs on a copy in a temp directory, so the
 * working tree is never touched.
 */
import { spawnSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OXLINT = join(ROOT, 'node_modules', '.bin', 'oxlint')
const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

/** Lints a tree of `files` (path → source) with the repository's .oxlintrc.json; exit code and output. */
async function lint(files: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'pagdandi-lint-'))
  dirs.push(dir)
  await copyFile(join(ROOT, '.oxlintrc.json'), join(dir, '.oxlintrc.json'))
  for (const [path, source] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), source)
  }
  const r = spawnSync(OXLINT, ['-c', '.oxlintrc.json', 'packages'], { cwd: dir, encoding: 'utf8' })
  return { code: r.status, out: r.stdout + r.stderr }
}

const CLEAN = {
  'packages/ui/src/lib/clean.ts': "import { PagdandiError } from '@pagdandi/core'\nexport const E = PagdandiError\n",
  'packages/node/src/clean.ts': "import { PagdandiError } from '@pagdandi/core'\nexport const E = PagdandiError\n",
  'packages/core/src/clean.ts': 'export const X = 1\n'
}

describe('the ui → core ← node boundary is a lint rule', () => {
  it('passes a tree that respects it', async () => {
    const { code, out } = await lint(CLEAN)
    expect(code, out).toBe(0)
  })

  it('fails on a planted ui → node import, naming the file', async () => {
    const { code, out } = await lint({
      ...CLEAN,
      'packages/ui/src/lib/planted.ts': "import { FacilityNode } from '@pagdandi/node'\nexport const N = FacilityNode\n"
    })
    expect(code).not.toBe(0)
    expect(out).toContain('planted.ts')
    expect(out).toContain('the UI talks to the node over HTTP and /sync only')
  })

  it('fails on core importing node, LevelDB or a Node built-in', async () => {
    const { code, out } = await lint({
      ...CLEAN,
      'packages/core/src/a.ts': "import { FacilityNode } from '@pagdandi/node'\nexport const N = FacilityNode\n",
      'packages/core/src/b.ts': "import { Level } from 'level'\nexport const L = Level\n",
      'packages/core/src/c.ts': "import { readFile } from 'node:fs/promises'\nexport const R = readFile\n"
    })
    expect(code).not.toBe(0)
    expect(out).toContain('core imports nothing of node or ui')
    expect(out.match(/core is isomorphic and sans-I\/O/g)?.length).toBe(2)
  })
})
