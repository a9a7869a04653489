/**
 * Temp directories of node tests, removed after each test file (the `afterAll` in
 * `removeTempDirs.setup.ts`, a vitest setup file), whether its tests passed or failed.
 */
import { mkdtempSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const made = new Set<string>()

/** A fresh temp directory, removed when the test file ends. */
export async function tempDir(prefix = 'pagdandi-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  made.add(dir)
  return dir
}

/** `tempDir`, for set-up that cannot wait (a browser profile, a helper's constructor). */
export function tempDirSync(prefix = 'pagdandi-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.add(dir)
  return dir
}

/** Removes every temp directory `tempDir` made in this test file. */
export async function removeTempDirs(): Promise<void> {
  for (const dir of made) await rm(dir, { recursive: true, force: true, maxRetries: 3 })
  made.clear()
}
