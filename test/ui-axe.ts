/**
 * axe-core in the browser tests: the page's accessibility violations (WCAG 2 A/AA rules), and
 * whether it scrolls sideways at a phone's width (issue 15, phones and tablets).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** One violation as the test reports it: the rule and the elements, never page text. */
export interface AxeViolation {
  id: string
  impact: string | null
  targets: string[]
}

/** The WCAG 2 A and AA violations axe-core finds on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE })
  return await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<unknown> } }).axe
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }
    })) as { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }> }
    return result.violations.map(v => ({ id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(' ')) }))
  })
}

/** How many CSS pixels the page is wider than its viewport (0: no sideways scrolling). */
export async function overflowX(page: Page): Promise<number> {
  return await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}
