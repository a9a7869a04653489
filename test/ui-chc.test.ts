/**
 * The clinician app at one CHC, in a real browser against a real `pagdandi start` process: find and register a patient,
 * record an OPD visit, a lab result and dispensing, switch to Hindi, see validation in the user's
 * language, and two tabs on one patient seeing each other's edits.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { ensureUiBuilt, describeBrowser, launchBrowser, shot, watchErrors } from './ui-harness.js'
import { haveCli, setUpCliNetwork, type CliNode } from './ui-cli-nodes.js'

const CHC = { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' as const }
const DH = { facility: 'IN2210000100', name: 'DH Jagdalpur', kind: 'DH' as const }

describeBrowser('clinician app at a CHC', haveCli, () => {
  let nodes: CliNode[]
  let ctx: BrowserContext
  let page: Page
  let errors: string[]
  let chartUrl = ''
  let chartHash = ''

  beforeAll(async () => {
    ensureUiBuilt()
    nodes = await setUpCliNetwork([CHC, DH])
    for (const n of nodes) await n.start()
    ctx = await launchBrowser()
    page = ctx.pages()[0] ?? (await ctx.newPage())
    errors = watchErrors(page)
  })
  afterAll(async () => {
    await ctx?.close()
    for (const n of nodes ?? []) await n.stop()
  })

  it('registers a patient from the search screen and finds her by another spelling', async () => {
    const chc = nodes[0]!
    // The registration counter: the clerk signs in on the app's screen.
    await page.goto(chc.url)
    await page.getByRole('button', { name: 'English' }).click()
    await chc.signInOnScreen(page, 'clerk')
    await expect.poll(() => page.getByTestId('facility-name').textContent()).toContain('CHC Tokapal')
    await page.getByLabel('Name, ABHA, phone, village or UHID').fill('Sunita Kashyap')
    await page.keyboard.press('Enter')
    await page.getByText('No patient found').waitFor()
    await page.getByTestId('show-register').click()
    const form = page.getByTestId('register-form')
    expect(await form.getByLabel('Name *').inputValue()).toBe('Sunita Kashyap')
    await form.getByLabel('Age (years)').fill('28')
    await form.getByLabel('Village *').fill('Kilepal')
    await form.getByLabel('Block *').fill('Tokapal')
    await form.getByLabel('District *').fill('Bastar')
    await form.getByLabel('Mobile number').fill('9826123456')
    await shot(page, '01-register')
    // Enter in a field submits; the UHID is missing, so the form says so in words, next to the field.
    await form.getByLabel('Mobile number').press('Enter')
    await expect.poll(() => form.getByTestId('error-uhid').textContent()).toBe('Please enter the UHID.')
    await form.getByLabel('UHID *').fill('TKP-2026-0042')
    await form.getByLabel('ABHA number').fill('12')
    await form.getByLabel('UHID *').press('Enter')
    // The short ABHA number is named by its field, in words.
    await expect
      .poll(() => form.getByTestId('error-abhaNumber').textContent())
      .toBe('An ABHA number has 14 digits, e.g. 12-3456-7890-1234.')
    await form.getByLabel('ABHA number').fill('')
    await form.getByRole('button', { name: 'Register' }).click()
    await page.getByTestId('patient-name').waitFor()
    expect(await page.getByTestId('patient-name').textContent()).toBe('Sunita Kashyap')
    chartUrl = page.url()
    chartHash = new URL(chartUrl).hash

    await page.goto(chc.url + '#/')
    await page.getByLabel('Name, ABHA, phone, village or UHID').fill('suneeta kashyap')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByTestId('search-results').getByRole('link', { name: 'Sunita Kashyap' }).waitFor()
    await shot(page, '02-search')
  })

  it('records an OPD visit, then a lab result and dispensing, and shows "saved" only once the node sealed it', async () => {
    // The OPD doctor's PC: the medical officer records the visit.
    await nodes[0]!.switchTo(page, 'mo', chartHash)
    await page.getByRole('link', { name: 'New OPD visit' }).click()
    const form = page.getByTestId('encounter-form')
    await form.getByLabel('Complaints *').fill('fever 3 days, chills')
    await form.getByLabel(/BP systolic/).fill('110')
    await form.getByLabel(/BP diastolic/).fill('70')
    await form.getByLabel(/Pulse/).fill('104')
    await form.getByLabel(/Temperature/).fill('39.2')
    await form.getByLabel(/Weight/).fill('46')
    await form.locator('select[name=diagnosis]').selectOption({ label: 'Falciparum malaria (B50.9)' })
    await form.locator('select[name=drug]').selectOption('ACT-SP (artesunate + sulfadoxine-pyrimethamine) kit')
    await form.getByLabel('Dose').fill('1 kit')
    await form.getByRole('button', { name: 'Add' }).nth(1).click()
    await form.locator('select[name=drug]').selectOption('Paracetamol 500 mg tablet')
    await form.getByLabel('Dose').fill('1 tab')
    await form.locator('select[name=frequency]').selectOption('TDS')
    await form.getByLabel('Days').fill('3')
    await form.getByLabel('Malaria RDT (Pf/Pv)').check()
    await form.getByLabel('Haemoglobin').check()
    await shot(page, '03-opd-form')
    await form.getByRole('button', { name: 'Save visit' }).click()
    await page.getByTestId('encounter').waitFor()
    await expect
      .poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('saved')
    const visit = page.getByTestId('encounter')
    expect(await visit.textContent()).toContain('Falciparum malaria')
    expect(await visit.textContent()).toContain('Paracetamol 500 mg tablet — 1 tab, TDS, 3 days')

    // The lab technician records the RDT result; the pharmacist dispenses (each signed in as themselves).
    await nodes[0]!.switchTo(page, 'lab', chartHash)
    const rdt = visit.locator('li', { hasText: 'Malaria RDT' })
    await rdt.getByLabel('Result').fill('Pf positive')
    await rdt.locator('select[name=interp]').selectOption('positive')
    await rdt.getByLabel('Result').press('Enter')
    await visit.getByTestId('lab-result').first().waitFor()
    await expect
      .poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('saved')
    await nodes[0]!.switchTo(page, 'pharm', chartHash)
    const pcm = visit.locator('li', { hasText: 'Paracetamol' })
    await pcm.getByLabel('Quantity').fill('9')
    await pcm.getByRole('button', { name: 'Dispense' }).click()
    await pcm.getByText('9 dispensed').waitFor()
    await expect
      .poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('saved')
    await shot(page, '04-chart')
  })

  it('shows a vital out of range as a message in Hindi when the user works in Hindi', async () => {
    await nodes[0]!.switchTo(page, 'mo', chartHash)
    await page.getByRole('button', { name: 'हिन्दी' }).click()
    await page.getByRole('link', { name: 'नई ओपीडी विज़िट' }).click()
    const form = page.getByTestId('encounter-form')
    await form.getByLabel('शिकायतें *').fill('खाँसी')
    await form.getByLabel(/नाड़ी/).fill('900')
    await form.getByRole('button', { name: 'विज़िट सहेजें' }).click()
    await expect
      .poll(() => form.getByTestId('form-error').textContent())
      .toBe('नाड़ी: संभव सीमा से बाहर है। कृपया मान और इकाई जाँचें।')
    await shot(page, '05-opd-validation-hi')
    await page.goto(chartUrl)
    await page.getByTestId('encounter').waitFor()
    await shot(page, '06-chart-hi')
    // Dates are Indian: DD/MM/YYYY.
    expect(await page.getByTestId('encounter').locator('h3').textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/)
    await page.getByRole('button', { name: 'English' }).click()
  })

  it("two PCs on one patient (the lab's and the pharmacy's) see each other's edits", async () => {
    await nodes[0]!.switchTo(page, 'lab', chartHash)
    const pharmacy = await launchBrowser()
    await nodes[0]!.signIn(pharmacy, 'pharm')
    const other = await pharmacy.newPage()
    await other.goto(chartUrl)
    const hb = (p: Page) => p.getByTestId('encounter').locator('li', { hasText: 'Haemoglobin' })
    // The pharmacist has no result field (lab results are the lab's); the visit is open on both PCs.
    await other.getByTestId('encounter').waitFor()
    expect(await hb(other).getByLabel('Result').count()).toBe(0)
    await hb(page).getByLabel('Result').fill('8.2')
    await hb(page).getByLabel('Result').press('Enter')
    await hb(other).getByTestId('lab-result').waitFor({ timeout: 15_000 })
    expect(await hb(other).getByTestId('lab-result').textContent()).toContain('8.2 g/dL')
    // And back the other way.
    const pcm = (p: Page) => p.getByTestId('encounter').locator('li', { hasText: 'ACT-SP' })
    await pcm(other).getByLabel('Quantity').fill('1')
    await pcm(other).getByRole('button', { name: 'Dispense' }).click()
    await pcm(page).getByText('1 dispensed').waitFor({ timeout: 15_000 })
    await shot(other, '07-second-tab')
    await pharmacy.close()
  })

  it('keeps no patient data in the browser: only the language choice is stored', async () => {
    await page.goto(chartUrl)
    await page.getByTestId('encounter').waitFor()
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual(['pagdandi.lang'])
    expect(await page.evaluate(async () => (await indexedDB.databases()).length)).toBe(0)
  })

  it('never showed the user a raw error', () => {
    expect(errors).toEqual([])
  })
})
