/**
 * A facility's day in a real browser against two real `pagdandi start` processes (CHC and DH), in
 * Hindi and English, at a desktop's size and a phone's 360×740 (issue 15, part B): two records of
 * one patient merged at the CHC, the merge arriving at the DH with both histories, unmerged;
 * demographics corrected; a registration with a merged record's UHID stopped, naming the survivor.
 * axe-core reports no violations on any screen; at 360×740 nothing scrolls sideways.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { describeBrowser, ensureUiBuilt, launchBrowser, shot, watchErrors } from './ui-harness.js'
import { haveCli, setUpCliNetwork, type CliNode } from './ui-cli-nodes.js'
import { axeViolations, sidewaysAt } from './ui-axe.js'

const CHC = { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' as const }
const DH = { facility: 'IN2210000100', name: 'DH Jagdalpur', kind: 'DH' as const, carriesFor: ['IN2210000001'] }
// Replication is pushed live; allow for libp2p dialling on a cold, busy machine.
const SYNC_TIMEOUT = 60_000
const PHONE = { width: 360, height: 740 }
const DESKTOP = { width: 1366, height: 768 }

/** POSTs to the node's API as the signed-in browser would (cookie, Origin, CSRF token). */
async function post(ctx: BrowserContext, node: CliNode, path: string, body: unknown): Promise<unknown> {
  const session = await ctx.request.get(`${node.url}/api/session`)
  const { csrf } = (await session.json()) as { csrf: string }
  const res = await ctx.request.post(`${node.url}${path}`, {
    data: body,
    headers: { origin: node.url, 'x-pagdandi-csrf': csrf }
  })
  if (res.status() >= 300) throw new Error(`${path} answered ${res.status()}: ${await res.text()}`)
  return await res.json()
}

async function register(ctx: BrowserContext, node: CliNode, body: Record<string, unknown>): Promise<string> {
  const r = (await post(ctx, node, '/api/patients', {
    sex: 'male',
    birth: { kind: 'approx-age', years: 42, asOf: '2026-01-01' },
    block: 'Tokapal',
    district: 'Bastar',
    ...body
  })) as { patientId: string }
  return r.patientId
}

async function search(page: Page, node: CliNode, q: string): Promise<void> {
  await page.goto(`${node.url}/#/`)
  await page.locator('#q').fill(q)
  await page.locator('#q').press('Enter')
  await page.getByTestId('search-results').or(page.getByTestId('search-none')).waitFor()
}

describeBrowser("a facility's day: merge, corrections", haveCli, () => {
  let chcNode: CliNode
  let dhNode: CliNode
  let chcCtx: BrowserContext
  let dhCtx: BrowserContext
  let chc: Page
  let dh: Page
  let errors: string[]
  let kept = ''
  let gone = ''

  beforeAll(async () => {
    ensureUiBuilt()
    ;[chcNode, dhNode] = (await setUpCliNetwork([CHC, DH])) as [CliNode, CliNode]
    await chcNode.start()
    await dhNode.start()
    chcCtx = await launchBrowser()
    dhCtx = await launchBrowser()
    await chcNode.signIn(chcCtx)
    await dhNode.signIn(dhCtx)
    chc = chcCtx.pages()[0] ?? (await chcCtx.newPage())
    dh = dhCtx.pages()[0] ?? (await dhCtx.newPage())
    errors = [...watchErrors(chc), ...watchErrors(dh)]
    // One patient registered twice (two spellings, two UHIDs); the second record has a visit; the
    // first was referred to the DH, which therefore holds it and not the other.
    kept = await register(chcCtx, chcNode, { name: 'Somaru Markam', village: 'Kilepal', uhid: 'TKP-11' })
    gone = await register(chcCtx, chcNode, { name: 'Somaru Markaam', village: 'Kilepal', uhid: 'TKP-12' })
    await post(chcCtx, chcNode, `/api/patients/${gone}/encounters`, { complaints: ['Cough for three weeks'] })
    await post(chcCtx, chcNode, '/api/referrals', {
      patientId: kept,
      referral: {
        to: DH.facility,
        reason: 'Suspected TB',
        urgency: 'urgent',
        treatmentGiven: 'none',
        transport: 'own',
        provisionalDiagnosis: {
          system: 'http://hl7.org/fhir/sid/icd-10',
          code: 'A15.0',
          display: 'Tuberculosis of lung'
        }
      }
    })
  })
  afterAll(async () => {
    await chcCtx?.close()
    await dhCtx?.close()
    await chcNode?.stop()
    await dhNode?.stop()
  })

  it('merges a duplicate into the record on screen (English, desktop); search shows the survivor with both histories', async () => {
    await chc.setViewportSize(DESKTOP)
    await chc.goto(`${chcNode.url}/#/patient/${kept}`)
    await chc.getByRole('button', { name: 'English' }).click()
    const panel = chc.getByTestId('merge-panel')
    await panel.getByLabel('Find the other record (name or UHID)').fill('TKP-12')
    await panel.getByRole('button', { name: 'Search' }).click()
    await panel.getByTestId('merge-hit').filter({ hasText: 'Somaru Markaam' }).getByTestId('merge-pick').click()
    expect(await panel.getByRole('alertdialog').textContent()).toContain('Merge Somaru Markaam into this record?')
    await panel.getByTestId('merge-confirm').click()
    expect(await panel.getByTestId('merge-done').textContent()).toBe(
      'Merged: the history of Somaru Markaam now shows on this record.'
    )
    const history = chc.getByTestId('merged-history')
    await history.getByText('Cough for three weeks').waitFor()
    expect(await history.textContent()).toContain('History from the merged record Somaru Markaam')
    expect(await history.textContent()).toContain('UHID TKP-12')
    expect(await axeViolations(chc)).toEqual([])
    await shot(chc, 'issue15-day-01-merged')

    await search(chc, chcNode, 'Somaru')
    const hits = chc.getByTestId('search-results').getByTestId('patient-hit')
    expect(await hits.count()).toBe(1)
    expect(await hits.first().textContent()).toContain('TKP-11')
    expect(await hits.first().getByTestId('merged-pill').textContent()).toBe('includes 1 merged record(s)')
    expect(await axeViolations(chc)).toEqual([])
  })

  it("a registration with the merged record's UHID is stopped, naming the survivor (duplicate warning)", async () => {
    await chc.goto(`${chcNode.url}/#/`)
    await chc.getByTestId('show-register').click()
    const form = chc.getByTestId('register-form')
    await form.getByLabel('Name *').fill('Somaru M')
    await form.getByLabel('Age (years)').fill('42')
    await form.getByLabel('Village *').fill('Kilepal')
    await form.getByLabel('Block *').fill('Tokapal')
    await form.getByLabel('UHID *').fill('TKP-12')
    await form.getByRole('button', { name: 'Register' }).click()
    const same = form.getByTestId('same-identifier')
    await same.waitFor()
    expect(await same.textContent()).toContain('This UHID is already registered here, to Somaru Markam.')
    expect(await axeViolations(chc)).toEqual([])
  })

  it('the merge arrives at the DH (Hindi, 360×740): the merged UHID finds the survivor, whose chart shows both histories', async () => {
    await dh.setViewportSize(PHONE)
    await dh.goto(`${dhNode.url}/#/`)
    await dh.getByRole('button', { name: 'हिन्दी' }).click()
    await expect
      .poll(
        async () => {
          await search(dh, dhNode, 'TKP-12')
          return await dh.getByTestId('search-results').getByTestId('merged-pill').count()
        },
        { timeout: SYNC_TIMEOUT, interval: 1000 }
      )
      .toBe(1)
    expect(await dh.getByTestId('search-results').textContent()).toContain('Somaru Markam')
    expect(await sidewaysAt(dh, PHONE.width)).toEqual([])
    expect(await axeViolations(dh)).toEqual([])
    await dh.getByTestId('search-results').getByRole('link', { name: 'Somaru Markam' }).click()
    const history = dh.getByTestId('merged-history')
    await history.getByText('Cough for three weeks').waitFor({ timeout: SYNC_TIMEOUT })
    expect(await history.textContent()).toContain('मिलाए गए रिकॉर्ड Somaru Markaam का इतिहास')
    expect(await sidewaysAt(dh, PHONE.width)).toEqual([])
    expect(await axeViolations(dh)).toEqual([])
    await shot(dh, 'issue15-day-02-merge-at-dh')
  })

  it('corrects demographics (Hindi, 360×740); the old spelling still finds the patient', async () => {
    await chc.setViewportSize(PHONE)
    await chc.goto(`${chcNode.url}/#/patient/${kept}`)
    await chc.getByRole('button', { name: 'हिन्दी' }).click()
    await chc.getByTestId('edit-link').click()
    const form = chc.getByTestId('demographics-form')
    await form.getByLabel('नाम', { exact: true }).fill('Somaru Ram Markam')
    await form.getByLabel('गाँव').fill('Bade Kilepal')
    expect(await sidewaysAt(chc, PHONE.width)).toEqual([])
    expect(await axeViolations(chc)).toEqual([])
    await form.getByTestId('edit-save').click()
    await form.getByTestId('edit-done').waitFor()
    await expect.poll(() => chc.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')
    expect(await chc.getByTestId('patient-name').textContent()).toBe('Somaru Ram Markam')
    await search(chc, chcNode, 'Somaru Markam')
    expect(await chc.getByTestId('search-results').textContent()).toContain('Somaru Ram Markam')
    expect(await chc.getByTestId('search-results').textContent()).toContain('Bade Kilepal')
    expect(await sidewaysAt(chc, PHONE.width)).toEqual([])
  })

  it('unmerges (Hindi, 360×740): both records are separate again, at the CHC and at the DH', async () => {
    await chc.goto(`${chcNode.url}/#/patient/${kept}`)
    const history = chc.getByTestId('merged-history')
    await history.getByTestId('unmerge').click()
    await history.waitFor({ state: 'detached', timeout: 15_000 })
    expect(await sidewaysAt(chc, PHONE.width)).toEqual([])
    await search(chc, chcNode, 'TKP-12')
    expect(await chc.getByTestId('search-results').textContent()).toContain('Somaru Markaam')
    await expect
      .poll(
        async () => {
          await search(dh, dhNode, 'TKP-12')
          return await dh.getByTestId('search-results').textContent()
        },
        { timeout: SYNC_TIMEOUT, interval: 1000 }
      )
      .toContain('Somaru Markaam')
    expect(await dh.getByTestId('search-results').getByTestId('merged-pill').count()).toBe(0)
    expect(errors).toEqual([])
  })
  it('the OPD queue and the lab worklist (English, desktop; Hindi, 360×740): a result entered by the lab closes the order', async () => {
    await post(chcCtx, chcNode, `/api/patients/${kept}/encounters`, {
      complaints: ['Cough, weight loss'],
      diagnoses: [
        {
          coding: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'A15.0', display: 'Tuberculosis of lung' },
          text: 'TB?'
        }
      ],
      labOrders: [{ test: { system: 'http://loinc.org', code: '718-7', display: 'Haemoglobin' } }]
    })
    await chc.setViewportSize(DESKTOP)
    await chc.goto(`${chcNode.url}/#/today`)
    await chc.getByRole('button', { name: 'English' }).click()
    const queue = chc.getByTestId('opd-queue')
    const keptEntry = queue.getByTestId('queue-entry').filter({ hasText: 'TKP-11' })
    await keptEntry.waitFor()
    // Both registered today: tokens by arrival; the doctor has seen the first, a lab order waits.
    expect(await queue.getByTestId('token').allTextContents()).toEqual(['1', '2'])
    expect(await keptEntry.getByTestId('token').textContent()).toBe('1')
    // The queue is polled: the visit just sealed shows within a poll.
    await expect.poll(() => keptEntry.getByTestId('queue-state').textContent(), { timeout: 15_000 }).toBe('With doctor')
    expect(await keptEntry.getByTestId('queue-by').textContent()).toBe('Dr. UI Test (CHC Tokapal)')
    const lab = chc.getByTestId('lab-worklist').getByTestId('lab-entry')
    await expect.poll(() => lab.count(), { timeout: 15_000 }).toBe(1)
    expect(await lab.first().textContent()).toContain('Haemoglobin')
    expect(await axeViolations(chc)).toEqual([])
    await shot(chc, 'issue15-day-03-queue')

    // The lab technician enters the result on the chart; the order leaves the worklist, the patient is done.
    await chcNode.switchTo(chc, 'lab', `#/patient/${kept}`)
    const hb = chc.getByTestId('encounter').locator('li', { hasText: 'Haemoglobin' })
    await hb.getByLabel('Result').fill('9.1')
    await hb.getByLabel('Result').press('Enter')
    await hb.getByTestId('lab-result').waitFor()
    await chc.setViewportSize(PHONE)
    await chc.goto(`${chcNode.url}/#/today`)
    await chc.getByRole('button', { name: 'हिन्दी' }).click()
    await chc.getByTestId('lab-empty').waitFor({ timeout: 15_000 })
    const done = chc.getByTestId('opd-queue').getByTestId('queue-entry').filter({ hasText: 'TKP-11' })
    await expect.poll(() => done.getByTestId('queue-state').textContent(), { timeout: 15_000 }).toBe('पूरा')
    expect(await sidewaysAt(chc, PHONE.width)).toEqual([])
    expect(await axeViolations(chc)).toEqual([])
    await chcNode.switchTo(chc, 'mo')
  })
})
