/**
 * The referral journey across two real node processes (started with the built CLI) and two
 * browsers: the CHC registers, records an OPD visit and refers to the DH; the DH sees the referral,
 * accepts it and writes a back-referral; the CHC sees the back-referral. Then the DH's node stops
 * and the CHC's sync panel says so.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { ensureUiBuilt, describeBrowser, launchBrowser, shot } from './ui-harness.js'
import { haveCli, setUpCliNetwork, type CliNode } from './ui-cli-nodes.js'
import { axeViolations, overflowX } from './ui-axe.js'

const CHC = { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' as const }
// The DH is the CHC's hub (it carries the CHC's items), as in Bastar's district networks.
const DH = { facility: 'IN2210000100', name: 'DH Jagdalpur', kind: 'DH' as const, carriesFor: ['IN2210000001'] }
// Replication is live-pushed within a second; allow for libp2p dialling on a cold, busy machine.
const SYNC_TIMEOUT = 60_000

describeBrowser('referral from a CHC to the DH and back, in two browsers', haveCli, () => {
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
    // The DH's clinician uses a tablet.
    dhCtx = await launchBrowser({ width: 1024, height: 768 })
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

  it('the CHC registers a patient, records an OPD visit and refers her to the DH', async () => {
    await chc.goto(chcNode.url)
    await chc.getByRole('button', { name: 'English' }).click()
    // The OPD doctor signs in on the app's screen; the lab technician records the result on the lab's turn.
    await chcNode.signInOnScreen(chc, 'mo')
    await chc.getByTestId('show-register').click()
    const reg = chc.getByTestId('register-form')
    await reg.getByLabel('Name *').fill('Lakshmi Baghel')
    await reg.getByLabel('Age (years)').fill('24')
    await reg.getByLabel('Village *').fill('Darbha')
    await reg.getByLabel('Block *').fill('Darbha')
    await reg.getByLabel('UHID *').fill('TKP-2026-0107')
    await reg.getByLabel('UHID *').press('Enter')
    await chc.getByTestId('patient-name').waitFor()
    patientPath = new URL(chc.url()).hash

    await chc.getByRole('link', { name: 'New OPD visit' }).click()
    const enc = chc.getByTestId('encounter-form')
    await enc.getByLabel('Complaints *').fill('breathlessness, tiredness, 7 months pregnant')
    await enc.getByLabel(/BP systolic/).fill('150')
    await enc.getByLabel(/BP diastolic/).fill('100')
    await enc.getByLabel(/Pulse/).fill('112')
    await enc.locator('select[name=diagnosis]').selectOption({ label: 'Anaemia in pregnancy (O99.0)' })
    await enc.getByLabel('Haemoglobin').check()
    await enc.getByLabel('Malaria RDT (Pf/Pv)').check()
    await enc.locator('select[name=drug]').selectOption('IFA tablet (60 mg iron + 500 mcg folic acid)')
    await enc.getByLabel('Dose').fill('1 tab')
    await enc.locator('select[name=frequency]').selectOption('BD')
    await enc.getByLabel('Days').fill('30')
    await enc.getByRole('button', { name: 'Save visit' }).click()
    await chc.getByTestId('encounter').waitFor()
    await expect.poll(() => chc.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')
    await chcNode.switchTo(chc, 'lab', patientPath)
    const hb = chc.getByTestId('encounter').locator('li', { hasText: 'Haemoglobin' })
    await hb.getByLabel('Result').fill('6.1')
    await hb.locator('select[name=interp]').selectOption('abnormal')
    await hb.getByLabel('Result').press('Enter')
    await hb.getByTestId('lab-result').waitFor()
    await expect.poll(() => chc.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')
    await chcNode.switchTo(chc, 'mo', patientPath)

    await chc.getByTestId('chart-alerts').getByLabel('New alert').fill('High-risk pregnancy')
    await chc.getByTestId('chart-alerts').getByLabel('New alert').press('Enter')
    await chc.getByTestId('chart-alerts').getByText('High-risk pregnancy').waitFor()

    await chc.getByRole('link', { name: 'Refer', exact: true }).click()
    const ref = chc.getByTestId('referral-form')
    await expect.poll(() => ref.locator('select[name=to]').inputValue()).toBe(DH.facility)
    // The provisional diagnosis defaults to the visit's own.
    expect(await ref.locator('select[name=dx]').inputValue()).toBe('199246003')
    await ref.getByLabel('Reason for referral *').fill('Severe anaemia in pregnancy; needs blood transfusion')
    await ref.getByLabel('Treatment given before referral *').fill('IFA started; no transfusion facility')
    await ref.getByLabel('Emergency').check()
    await ref.getByLabel('Ambulance 108').check()
    await shot(chc, '10-referral-form')
    await ref.getByRole('button', { name: 'Send referral' }).click()
    await chc.getByTestId('chart-referrals').getByTestId('referral-status').waitFor()
    // Never "Sent" as if it had arrived: until the DH marks it received, the chart says it has not.
    expect(['Not yet received by DH Jagdalpur', 'Received']).toContain(
      await chc.getByTestId('referral-status').textContent()
    )

    // "Delivered" appears only once the DH's node has acknowledged the items.
    await chc.getByTestId('nav-referrals').click()
    await chc.getByTestId('tab-outgoing').click()
    await chc.getByTestId('outbox').getByTestId('delivered').waitFor({ timeout: SYNC_TIMEOUT })
    // The card says who the patient is (issue 15): two cards for one woman can be told apart.
    expect(await chc.getByTestId('outbox').getByTestId('referral-patient').textContent()).toBe(
      'Patient: Lakshmi Baghel · Female, 24 yrs · Village: Darbha'
    )
    expect(await axeViolations(chc)).toEqual([])
    await shot(chc, '11-outbox-delivered')
  })

  it('the DH sees the referral arrive, accepts it and writes a back-referral', async () => {
    await dh.goto(dhNode.url)
    await dh.getByRole('button', { name: 'English' }).click()
    await dhNode.signInOnScreen(dh, 'mo')
    await dh.goto(dhNode.url + '#/inbox')
    const incoming = dh.getByTestId('inbox-new')
    await incoming.getByText('Severe anaemia in pregnancy').waitFor({ timeout: SYNC_TIMEOUT })
    expect(await incoming.getByTestId('referral-patient').textContent()).toBe(
      'Patient: Lakshmi Baghel · Female, 24 yrs · Village: Darbha'
    )
    expect(await axeViolations(dh)).toEqual([])
    await shot(dh, '12-dh-inbox')
    // On a phone the cards fit without sideways scrolling.
    await dh.setViewportSize({ width: 360, height: 740 })
    expect(await overflowX(dh)).toBe(0)
    await shot(dh, '12b-dh-inbox-phone')
    await dh.setViewportSize({ width: 1024, height: 768 })
    await incoming.getByTestId('accept-referral').click()
    await dh.getByTestId('inbox-accepted').getByText('Severe anaemia in pregnancy').waitFor({ timeout: SYNC_TIMEOUT })

    await dh
      .getByTestId('inbox-accepted')
      .getByRole('link', { name: 'Write back-referral / discharge summary' })
      .click()
    const form = dh.getByTestId('summary-form')
    await form.waitFor({ timeout: SYNC_TIMEOUT })
    await form.getByLabel('Treatment given *').fill('2 units PRBC transfused; iron sucrose IV')
    await form.getByLabel('Follow-up advice *').fill('ANC at CHC every 2 weeks; Hb check in 2 weeks')
    await form
      .getByLabel(/Medicines to continue/)
      .fill('IFA tablet (60 mg iron + 500 mcg folic acid)\nCalcium 500 mg tablet')
    await form.getByLabel(/Red flags/).fill('bleeding\nbreathlessness\nswelling of face')
    await form.getByLabel('Review after (days)').fill('14')
    await shot(dh, '13-dh-back-referral')
    await form.getByRole('button', { name: 'Save and send' }).click()
    await dh.getByTestId('care-summary').waitFor()
    await expect.poll(() => dh.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')
    expect(await dh.getByTestId('referral-status').textContent()).toBe('Back-referred')
    // The history arrived ahead of the patient, alert included.
    expect(await dh.getByTestId('chart-alerts').textContent()).toContain('High-risk pregnancy')
    await shot(dh, '14-dh-chart')
  })

  it("the back-referral then appears in the CHC's app", async () => {
    await chc.goto(chcNode.url + patientPath)
    const summary = chc.getByTestId('care-summary')
    await summary.waitFor({ timeout: SYNC_TIMEOUT })
    expect(await summary.textContent()).toContain('2 units PRBC transfused')
    await expect
      .poll(() => chc.getByTestId('referral-status').textContent(), { timeout: SYNC_TIMEOUT })
      .toBe('Back-referred')
    await shot(chc, '15-chc-chart-back-referral')
  })

  it('the sync panel shows the DH as unreachable once its node is stopped', async () => {
    await chc.goto(chcNode.url + '#/sync')
    const row = chc.locator(`[data-testid=peer][data-facility=${DH.facility}]`)
    await expect.poll(() => row.getAttribute('data-state'), { timeout: SYNC_TIMEOUT }).toBe('connected')
    await shot(chc, '16-sync-connected')
    await dhNode.stop()
    await expect.poll(() => row.getAttribute('data-state'), { timeout: SYNC_TIMEOUT }).toBe('unreachable')
    expect(await row.textContent()).toContain('Unreachable')
    await shot(chc, '17-sync-dh-unreachable')

    // A referral made while the DH is down is never shown as if it had reached it (issue 15).
    await chc.goto(chcNode.url + patientPath)
    await chc.getByRole('link', { name: 'Refer', exact: true }).click()
    const ref = chc.getByTestId('referral-form')
    await expect.poll(() => ref.locator('select[name=to]').inputValue()).toBe(DH.facility)
    await ref.getByLabel('Reason for referral *').fill('Review of transfusion; DH unreachable today')
    await ref.getByLabel('Treatment given before referral *').fill('IFA continued')
    await ref.getByLabel('Ambulance 108').check()
    await ref.getByRole('button', { name: 'Send referral' }).click()
    const pending = chc
      .getByTestId('chart-referrals')
      .locator('article', { hasText: 'DH unreachable today' })
      .getByTestId('referral-status')
    await pending.waitFor()
    expect(await pending.textContent()).toBe('Not yet received by DH Jagdalpur')
    await chc.getByTestId('nav-referrals').click()
    await chc.getByTestId('tab-outgoing').click()
    const card = chc.getByTestId('outbox-card').filter({ hasText: 'DH unreachable today' })
    await card.getByTestId('not-delivered').waitFor()
    const pills = await card.locator('.pill').allTextContents()
    expect(pills).toContain('Not yet delivered')
    expect(pills).not.toContain('Sent')
    await shot(chc, '17b-referral-not-yet-received')
  })

  it('an edit made while the CHC\'s node is down shows "not saved" until the node is back, then "saved"', async () => {
    // The DH is still down: the CHC's lab records the RDT result while the two are apart.
    await chcNode.switchTo(chc, 'lab', patientPath)
    const rdt = chc.getByTestId('encounter').locator('li', { hasText: 'Malaria RDT' })
    await rdt.getByLabel('Result').fill('negative')
    await rdt.locator('select[name=interp]').selectOption('negative')
    await rdt.getByLabel('Result').press('Enter')
    await expect.poll(() => chc.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')

    // The pharmacist dispenses on the same PC; then the CHC's node goes down.
    await chcNode.switchTo(chc, 'pharm', patientPath)
    await chc.getByTestId('encounter').waitFor()
    await chcNode.stop()
    await chc.getByTestId('offline-banner').waitFor({ timeout: 15_000 })
    const ifa = chc.getByTestId('encounter').locator('li', { hasText: 'IFA tablet' })
    await ifa.getByLabel('Quantity').fill('60')
    await ifa.getByRole('button', { name: 'Dispense' }).click()
    await ifa.getByText('60 dispensed').waitFor()
    // Never "saved" while the node cannot confirm it.
    await expect
      .poll(() => chc.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('offline')
    await new Promise(resolve => setTimeout(resolve, 2000))
    expect(await chc.getByTestId('save-state').getAttribute('data-state')).toBe('offline')
    await shot(chc, '18-chc-offline-not-saved')

    await chcNode.start()
    await expect
      .poll(() => chc.getByTestId('save-state').getAttribute('data-state'), { timeout: SYNC_TIMEOUT })
      .toBe('saved')
    await chc.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 15_000 })

    // The CHC's node restarted while the DH is still down: it has no acknowledgement from the DH to
    // count from, so the peer table says so instead of "0 waiting" (issue 15).
    await chc.goto(chcNode.url + '#/sync')
    const row = chc.locator(`[data-testid=peer][data-facility=${DH.facility}]`)
    await row.waitFor()
    expect(await row.getByTestId('to-send').textContent()).toBe('not known yet (no contact since the server started)')
    expect(await row.textContent()).toContain('not since the server started')
    expect(await axeViolations(chc)).toEqual([])
    await shot(chc, '18b-sync-after-restart')
  })

  it('a lab result written at both facilities while apart is shown as a conflict with both values, and one is chosen', async () => {
    // While the CHC's node was down the DH could not hear of the CHC's RDT result: the DH records its own.
    await chcNode.stop()
    await dhNode.start()
    await dhNode.switchTo(dh, 'lab', patientPath)
    const rdt = dh.getByTestId('encounter').locator('li', { hasText: 'Malaria RDT' })
    await rdt
      .getByLabel('Result')
      .waitFor({ timeout: SYNC_TIMEOUT })
      .catch(async (err: unknown) => {
        await shot(dh, '19-dh-rdt-missing')
        throw new Error(
          `${String(err)}; the RDT line reads: ${await rdt.textContent()}; ${await dh.getByTestId('signed-in-as').textContent()}`
        )
      })
    await rdt.getByLabel('Result').fill('Pv positive')
    await rdt.locator('select[name=interp]').selectOption('positive')
    await rdt.getByLabel('Result').press('Enter')
    await expect.poll(() => dh.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')

    await chcNode.start()
    // Choosing between two results is the medical officer's.
    await chcNode.switchTo(chc, 'mo', patientPath)
    await chc.getByTestId('conflicts-link').waitFor({ timeout: SYNC_TIMEOUT })
    await shot(chc, '19-chc-chart-conflict')
    await chc.getByTestId('conflicts-link').click()
    const review = chc.getByTestId('conflicts')
    const choices = review.locator('label.choice')
    await choices.first().waitFor()
    const texts = await choices.allTextContents()
    expect(texts.some(x => x.includes('negative'))).toBe(true)
    expect(texts.some(x => x.includes('Pv positive'))).toBe(true)
    await shot(chc, '20-conflicts')
    await choices.filter({ hasText: 'Pv positive' }).locator('input').check()
    await review.getByRole('button', { name: 'Keep the chosen value' }).click()
    await review.getByText('Nothing to review.').waitFor()
    // The choice travels: the DH's app stops showing the conflict too, with the chosen value (to
    // its medical officer, who would see one).
    await dhNode.switchTo(dh, 'mo', patientPath)
    await expect.poll(async () => await dh.getByTestId('conflicts-link').count(), { timeout: SYNC_TIMEOUT }).toBe(0)
    expect(await dh.getByTestId('encounter').locator('li', { hasText: 'Malaria RDT' }).textContent()).toContain(
      'Pv positive'
    )
  })

  it('never showed the user a raw error', () => {
    expect(errors).toEqual([])
  })
})
