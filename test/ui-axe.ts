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

/**
 * What makes the page scroll sideways at `width` CSS pixels: the page's scroll width when it is
 * wider, and the innermost elements reaching past the right edge (tag, test id or class), so a
 * failure names the culprit. Empty when the page fits (`scrollWidth <= width`).
 */
export async function sidewaysAt(page: Page, width: number): Promise<string[]> {
  return await page.evaluate(w => {
    const doc = document.documentElement
    if (doc.scrollWidth <= w) return []
    const out: string[] = [`scrollWidth ${doc.scrollWidth}`]
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect()
      if (r.right <= w + 0.5 || r.width === 0) continue
      if (Array.from(el.children).some(c => c.getBoundingClientRect().right > w + 0.5)) continue
      const name = (e: Element): string => {
        const id = e.getAttribute('data-testid')
        const cls = typeof e.className === 'string' && e.className !== '' ? `.${e.className.split(' ')[0]}` : ''
        return `${e.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : cls}`
      }
      const parent = el.parentElement === null ? '' : `${name(el.parentElement)} > `
      out.push(`${parent}${name(el)} ${Math.round(r.right)}`)
      if (out.length > 8) break
    }
    return out
  }, width)
}
