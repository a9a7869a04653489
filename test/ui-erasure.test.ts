/**
 * Sharing under consent and erasure everywhere in the app, with two real node processes (the built
 * CLI) and two browsers: the CHC's medical officer shares a record with a DH under consent terms; the
 * DH's chart says until when; the CHC's facility admin erases it everywhere from the chart, and the
 * erasure panel shows the DH as not reached, then confirmed, in English and in Hindi.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { ensureUiBuilt, describeBrowser, launchBrowser, shot } from './ui-harness.js'
import { haveCli, setUpCliNetwork, type CliNode } from './ui-cli-nodes.js'

const CHC = { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' as const }
const DH = { facility: 'IN2210000300', name: 'DH Dantewada', kind: 'DH' as const }
const SYNC_TIMEOUT = 60_000

describeBrowser('sharing under consent and erasure everywhere, in two browsers', haveCli, () => {
  let chcNode: CliNode
  let dhNode: CliNode
  let chcCtx: BrowserContext
  let dhCtx: BrowserContext
  let chc: Page
  let dh: Page
  const errors: string[] = []
  let patientPath = ''

  beforeAll(async () => {
    ensureUiBuilt()
    ;[chcNode, dhNode] = (await setUpCliNetwork([CHC, DH])) as [CliNode, CliNode]
    await chcNode.start()
    await dhNode.start()
    chcCtx = await launchBrowser()
    dhCtx = await launchBrowser({ width: 360, height: 740 })
    chc = chcCtx.pages()[0] ?? (await chcCtx.newPage())
    dh = dhCtx.pages()[0] ?? (await dhCtx.newPage())
    chc.on('pageerror', e => errors.push(e.message))
    dh.on('pageerror', e => errors.push(e.message))
  })
  afterAll(async () => {
    await chcCtx?.close()
    await dhCtx?.close()
    await chcNode?.stop()
    await dhNode?.stop()
  })

  it('the CHC shares a record with the DH under consent terms; the DH chart says until when', async () => {
    await chc.goto(chcNode.url)
    await chc.getByRole('button', { name: 'English' }).click()
    await chcNode.signInOnScreen(chc, 'mo')
    await chc.getByTestId('show-register').click()
    const reg = chc.getByTestId('register-form')
    await reg.getByLabel('Name *').fill('Lakshmi Baghel')
    await reg.getByLabel('Age (years)').fill('24')
    await reg.getByLabel('Village *').fill('Darbha')
    await reg.getByLabel('Block *').fill('Darbha')
    await reg.getByLabel('UHID *').fill('TKP-2026-0207')
    await reg.getByLabel('UHID *').press('Enter')
    await chc.getByTestId('patient-name').waitFor()
    patientPath = new URL(chc.url()).hash

    const panel = chc.getByTestId('consent-panel')
    await expect
      .poll(async () => await panel.getByTestId('consent-to').locator('option').count(), { timeout: 30_000 })
      .toBe(2)
    await panel.getByTestId('consent-to').selectOption(DH.facility)
    await panel.getByTestId('consent-erase-at').fill('2030-01-31')
    await panel.getByRole('button', { name: 'Share under consent' }).click()
    await panel.getByText('Shared with DH Dantewada.').waitFor()
    await panel
      .getByTestId('consent-given')
      .getByText(/Care management, until 31\/01\/2030/)
      .waitFor()
    await shot(chc, 'consent-shared-chc')

    await dh.goto(dhNode.url)
    await dh.getByRole('button', { name: 'English' }).click()
    await dhNode.signInOnScreen(dh, 'mo')
    await expect
      .poll(
        async () => {
          await dh.goto(dhNode.url + patientPath)
          return await dh
            .getByTestId('consent-held')
            .textContent({ timeout: 5000 })
            .catch(() => null)
        },
        { timeout: SYNC_TIMEOUT, interval: 1000 }
      )
      .toContain('Shared with this facility by CHC Tokapal for Care management; it will be erased here on 31/01/2030.')
    await shot(dh, 'consent-held-dh-360')
  })

  it("the CHC's admin erases it everywhere from the chart; the panel shows the DH's confirmation, in Hindi too", async () => {
    await chcNode.switchTo(chc, 'admin', patientPath)
    chc.once('dialog', d => void d.accept())
    await chc.getByTestId('erase-everywhere').click()
    const panel = chc.getByTestId('erasure-panel')
    await panel.waitFor()
    await expect
      .poll(async () => await panel.getByTestId('erasure-facility').getAttribute('data-state'), {
        timeout: SYNC_TIMEOUT
      })
      .toBe('confirmed')
    await expect(panel.getByTestId('erasure-facility').textContent()).resolves.toMatch(
      /DH Dantewada: confirmed: erased on .* · keys destroyed/
    )
    await expect(panel.getByTestId('erasure-summary').textContent()).resolves.toContain(
      '1 confirmed, 0 not yet reached'
    )
    await shot(chc, 'erasure-confirmed-chc')
    await chc.getByRole('button', { name: 'हिन्दी' }).click()
    await panel.getByText('हर जगह मिटाना').waitFor()
    await expect(panel.getByTestId('erasure-facility').textContent()).resolves.toContain('कुंजियाँ नष्ट')

    // At the DH the record is gone, and the screen says so instead of a stack trace.
    await expect
      .poll(
        async () => {
          await dh.goto(dhNode.url + '#/')
          await dh.goto(dhNode.url + patientPath)
          await dh.reload()
          return await dh
            .getByTestId('erasure-panel')
            .textContent({ timeout: 5000 })
            .catch(() => null)
        },
        { timeout: SYNC_TIMEOUT, interval: 1000 }
      )
      .toContain('This record was erased at this facility.')
    await shot(dh, 'erasure-dh-360')
    expect(errors).toEqual([])
  })
})
