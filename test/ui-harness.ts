/**
 * Helpers for the browser tests: facility nodes serving the built UI, Debian's chromium driven by
 * playwright-core, and screenshots under test/artifacts/. The UI must be built first
 * (`pnpm -C packages/ui run build`); the tests build it when dist/ is missing.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDirSync } from '../packages/node/src/testing/tempDirs.js'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { describe, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
/** The repository root. */
export const ROOT = join(here, '..')
/** The built UI the nodes serve. */
export const UI_DIST = join(ROOT, 'packages/ui/dist')
/** Where screenshots go (git-ignored). */
export const ARTIFACTS = join(here, 'artifacts')
/** Debian's chromium (stack-notes §7). */
export const CHROMIUM = process.env['PAGDANDI_CHROMIUM'] ?? '/usr/bin/chromium'

/** Builds the UI once if dist/ is missing. */
export function ensureUiBuilt(): void {
  if (existsSync(join(UI_DIST, 'index.html'))) return
  execFileSync('pnpm', ['-C', join(ROOT, 'packages/ui'), 'run', 'build'], { stdio: 'inherit' })
}

/** Whether a browser is installed; tests skip (with a reason) when it is not, except under CI=true. */
export const haveChromium = existsSync(CHROMIUM)

/**
 * A describe block of browser tests. Without chromium (or the built CLI, when `cli` says it is
 * missing) it is skipped on a developer's machine, but under `CI=true` it becomes one failing test
 * naming what is missing: CI must never pass by running none of them.
 */
export function describeBrowser(name: string, cli: boolean, fn: () => void): void {
  const missing = [...(haveChromium ? [] : [`chromium at ${CHROMIUM}`]), ...(cli ? [] : ['the built CLI'])]
  if (missing.length === 0) describe(name, fn)
  else if (process.env['CI'] === 'true')
    describe(name, () => {
      it('has what the browser tests need (CI=true fails instead of skipping)', () => {
        throw new Error(`browser tests cannot run: missing ${missing.join(' and ')}`)
      })
    })
  else describe.skip(name, fn)
}

/** A headless chromium with a fresh profile, sized like the CHC's 1366×768 PCs. */
export async function launchBrowser(viewport = { width: 1366, height: 768 }): Promise<BrowserContext> {
  return await chromium.launchPersistentContext(tempDirSync('pagdandi-chr-'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale: 'en-IN',
    timezoneId: 'Asia/Kolkata',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ]
  })
}

/** Saves a full-page screenshot as test/artifacts/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** Collects page errors so a test can assert that nothing raw was thrown at the user. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', e => errors.push(`${e.name}: ${e.message}`))
  return errors
}
