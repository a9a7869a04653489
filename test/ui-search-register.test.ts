/**
 * Finding and registering patients in a real browser against a real `pagdandi start` process, in
 * Hindi and English, at a desktop's and a phone's size (issue 15: search in both scripts,
 * duplicates, forms): "सुनीता" finds Sunitas stored in Latin letters and the other way round,
 * look-alikes are told apart by guardian and mobile, approximate matches are marked, a cut list
 * says so; the form shows every error at once by its field, a future birth date, an infant's
 * months and days, the ABHA check digit, and stops a second registration of a UHID; possible
 * matches are listed before a new record is saved. axe-core reports no violations on any of it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { describeBrowser, ensureUiBuilt, launchBrowser, shot, watchErrors } from './ui-harness.js'
import { haveCli, setUpCliNetwork, type CliNode } from './ui-cli-nodes.js'
import { axeViolations, overflowX } from './ui-axe.js'

const CHC = { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' as const }
const SEARCH = { en: 'Name, ABHA, phone, village or UHID', hi: 'नाम, आभा, मोबाइल, गाँव या UHID' }

/** Registers a patient over the API as the signed-in browser would (cookie, Origin, CSRF token). */
async function register(ctx: BrowserContext, node: CliNode, body: Record<string, unknown>): Promise<string> {
  const session = await ctx.request.get(`${node.url}/api/session`)
  const { csrf } = (await session.json()) as { csrf: string }
  const res = await ctx.request.post(`${node.url}/api/patients`, {
    data: {
      sex: 'female',
      birth: { kind: 'approx-age', years: 30, asOf: '2026-01-01' },
      block: 'Tokapal',
      district: 'Bastar',
      ...body
    },
    headers: { origin: node.url, 'x-pagdandi-csrf': csrf }
  })
  if (res.status() !== 201) throw new Error(`register answered ${res.status()}: ${await res.text()}`)
  return ((await res.json()) as { patientId: string }).patientId
}

async function search(page: Page, label: string, q: string): Promise<void> {
  await page.getByLabel(label).fill(q)
  await page.getByLabel(label).press('Enter')
  await page.getByTestId('search-results').or(page.getByTestId('search-none')).waitFor()
}

describeBrowser('finding and registering patients, in both scripts', haveCli, () => {
  let node: CliNode
  let ctx: BrowserContext
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    ensureUiBuilt()
    ;[node] = (await setUpCliNetwork([CHC])) as [CliNode]
    await node.start()
    ctx = await launchBrowser()
    await node.signIn(ctx)
    page = ctx.pages()[0] ?? (await ctx.newPage())
    errors = watchErrors(page)
    // Three Sunitas in Latin letters, told apart only by guardian, mobile and village.
    await register(ctx, node, {
      name: 'Sunita Kashyap',
      village: 'Kilepal',
      uhid: 'TKP-1',
      guardian: { name: 'Ramesh Kashyap', relation: 'husband' },
      phone: '9826100001'
    })
    await register(ctx, node, {
      name: 'Sunita Kashyap',
      village: 'Kilepal',
      uhid: 'TKP-2',
      guardian: { name: 'Budhru Kashyap', relation: 'father' },
      phone: '9826100002',
      birth: { kind: 'approx-age', years: 19, asOf: '2026-01-01' }
    })
    await register(ctx, node, { name: 'Suneeta Markam', village: 'Darbha', uhid: 'TKP-3' })
    await register(ctx, node, { name: 'सुनीता कश्यप', village: 'किलेपाल', uhid: 'TKP-4', abhaNumber: '91123456789015' })
  })
  afterAll(async () => {
    await ctx?.close()
    await node?.stop()
  })

  it('in Hindi, "सुनीता" finds the Sunitas written in Latin letters, with guardian and mobile to tell them apart', async () => {
    await page.goto(node.url)
    await page.getByRole('button', { name: 'हिन्दी' }).click()
    await search(page, SEARCH.hi, 'सुनीता')
    const hits = page.getByTestId('search-results').getByTestId('patient-hit')
    await expect.poll(() => hits.count()).toBe(4)
    const text = await page.getByTestId('search-results').textContent()
    expect(text).toContain('पति: Ramesh Kashyap')
    expect(text).toContain('पिता: Budhru Kashyap')
    expect(text).toContain('9826100001')
    expect(text).toContain('9826100002')
    // "Suneeta" is another spelling of the same sounds: found, and marked as such.
    const suneeta = hits.filter({ hasText: 'Suneeta Markam' })
    expect(await suneeta.getByTestId('approximate').textContent()).toBe('मिलती-जुलती वर्तनी')
    expect(await hits.filter({ hasText: 'Ramesh' }).getByTestId('approximate').count()).toBe(0)
    await shot(page, 'issue15-01-search-hi')
    expect(await axeViolations(page)).toEqual([])
  })

  it('in English, the patient registered in Devanagari is found by her Latin name, and the other way round', async () => {
    await page.getByRole('button', { name: 'English' }).click()
    await search(page, SEARCH.en, 'Sunita Kashyap')
    const results = page.getByTestId('search-results')
    await results.getByRole('link', { name: 'सुनीता कश्यप' }).waitFor()
    // Her ABHA number is shown grouped as on the card.
    expect(await results.textContent()).toContain('91-1234-5678-9015')
    await search(page, SEARCH.en, 'सुनीता कश्यप')
    await results.getByRole('link', { name: 'Sunita Kashyap' }).first().waitFor()
    expect(await results.getByRole('link', { name: 'सुनीता कश्यप' }).count()).toBe(1)
    await shot(page, 'issue15-02-search-en')
  })

  it('says "refine your search" when more patients match than it shows', async () => {
    for (let i = 0; i < 48; i++)
      await register(ctx, node, { name: `Sunita ${i}`, village: 'Tokapal', uhid: `TKP-S${i}` })
    await page.goto(node.url)
    await search(page, SEARCH.en, 'Sunita')
    await expect.poll(() => page.getByTestId('search-results').getByTestId('patient-hit').count()).toBe(50)
    expect(await page.getByTestId('refine-search').textContent()).toContain('refine your search')
    await search(page, SEARCH.en, 'Sunita Kilepal')
    expect(await page.getByTestId('refine-search').count()).toBe(0)
  })

  it('shows every error at once by its field, a future birth date, and the ABHA check digit where it is typed', async () => {
    await page.goto(node.url)
    await page.getByTestId('show-register').click()
    const form = page.getByTestId('register-form')
    await form.getByLabel('Name *').fill('')
    await form.getByRole('button', { name: 'Register' }).click()
    for (const f of ['name', 'age', 'village', 'block', 'uhid']) await form.getByTestId(`error-${f}`).waitFor()
    expect(await form.getByTestId('error-uhid').textContent()).toBe('Please enter the UHID.')
    expect(await form.getByTestId('form-error').textContent()).toBe('Please correct the 5 marked fields.')
    // The first field in error has the focus, and says why to a screen reader.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name')
    expect(await form.getByLabel('Name *').getAttribute('aria-describedby')).toBe('err-name')
    expect(await axeViolations(page)).toEqual([])

    await form.getByLabel('Date of birth', { exact: true }).check()
    await form.getByLabel('Date of birth (DD/MM/YYYY)').fill('01/01/2099')
    await form.getByTestId('error-birthDate').waitFor()
    expect(await form.getByTestId('error-birthDate').textContent()).toBe(
      'This date of birth is in the future. Please check the day, month and year.'
    )
    await form.getByLabel('ABHA number').fill('12345678901234')
    expect(await form.getByTestId('warn-abhaNumber').textContent()).toContain('last digit of this ABHA number')
    expect(await form.getByTestId('abha-grouped').textContent()).toBe('12-3456-7890-1234')
    await form.getByLabel('ABHA number').fill('91-1234-5678-9015')
    expect(await form.getByTestId('warn-abhaNumber').count()).toBe(0)
    await shot(page, 'issue15-03-register-errors')

    await page.getByRole('button', { name: 'हिन्दी' }).click()
    expect(await form.getByTestId('error-uhid').textContent()).toBe('कृपया UHID लिखें।')
    expect(await form.getByTestId('error-birthDate').textContent()).toBe(
      'यह जन्म तिथि भविष्य की है। कृपया दिन, महीना और वर्ष जाँचें।'
    )
    await page.getByRole('button', { name: 'English' }).click()
  })

  it('stops a second registration of a UHID or ABHA number, naming who has it', async () => {
    await page.goto(node.url)
    await page.getByTestId('show-register').click()
    const form = page.getByTestId('register-form')
    await form.getByLabel('Name *').fill('Kamla Netam')
    await form.getByLabel('Age (years)').fill('40')
    await form.getByLabel('Village *').fill('Bade Morathpal')
    await form.getByLabel('Block *').fill('Tokapal')
    await form.getByLabel('UHID *').fill('TKP-1')
    await form.getByLabel('ABHA number').fill('91-1234-5678-9015')
    await form.getByRole('button', { name: 'Register' }).click()
    const same = form.getByTestId('same-identifier')
    await same.waitFor()
    expect(await same.textContent()).toContain('This UHID is already registered here, to Sunita Kashyap.')
    expect(await same.textContent()).toContain('This ABHA number is already registered, to सुनीता कश्यप.')
    // No way to save past it: the register button is gone until the numbers change.
    expect(await form.getByRole('button', { name: 'Register' }).count()).toBe(0)
    await shot(page, 'issue15-04-same-uhid')
    expect(await axeViolations(page)).toEqual([])
  })

  it('lists possible matches by name in either script, age, village and guardian before saving; registers when none is her', async () => {
    await page.goto(node.url)
    await page.getByTestId('show-register').click()
    const form = page.getByTestId('register-form')
    await form.getByLabel('Name *').fill('Suneeta Kashyap')
    await form.getByLabel('Age (years)').fill('31')
    await form.getByLabel('Village *').fill('Kilepal')
    await form.getByLabel('Block *').fill('Tokapal')
    await form.getByLabel('UHID *').fill('TKP-900')
    await form.getByRole('button', { name: 'Register' }).click()
    const possible = form.getByTestId('possible-matches')
    await possible.waitFor()
    const list = possible.getByTestId('patient-hit')
    // The two Latin Sunita Kashyaps of Kilepal and the Devanagari one.
    expect(await list.count()).toBe(3)
    // Her village is written किलेपाल: the same place.
    expect(await list.filter({ hasText: 'सुनीता कश्यप' }).getByTestId('match-reasons').textContent()).toBe(
      'Same name, age, village'
    )
    expect(await list.filter({ hasText: 'Ramesh' }).getByTestId('match-reasons').textContent()).toBe(
      'Same name, age, village'
    )
    await shot(page, 'issue15-05-possible-matches')
    expect(await axeViolations(page)).toEqual([])
    await possible.getByRole('button', { name: 'None of these: register as a new patient' }).click()
    await page.getByTestId('patient-name').waitFor()
    expect(await page.getByTestId('patient-name').textContent()).toBe('Suneeta Kashyap')
  })

  it('takes an infant by months and days, and shows her age so', async () => {
    await page.goto(node.url)
    await page.getByTestId('show-register').click()
    const form = page.getByTestId('register-form')
    await form.getByLabel('Name *').fill('Baby of Hidme Kawasi')
    await form.getByLabel('Infant: months and days').check()
    await form.getByLabel('Months', { exact: true }).fill('3')
    await form.getByLabel('Days', { exact: true }).fill('10')
    await form.getByLabel('Village *').fill('Dilmili')
    await form.getByLabel('Block *').fill('Tokapal')
    await form.getByLabel('UHID *').fill('TKP-901')
    await form.getByRole('button', { name: 'Register' }).click()
    await page.getByTestId('patient-name').waitFor()
    await page.goto(node.url)
    await search(page, SEARCH.en, 'Baby Hidme')
    expect(await page.getByTestId('search-results').textContent()).toContain('Female, 3 mo 10 days')
  })

  it('records a visit with a route chosen per prescription and a diagnosis and medicine off the lists; the chart names B50.9', async () => {
    const id = await register(ctx, node, { name: 'Hidme Kawasi', village: 'Dilmili', uhid: 'TKP-902' })
    await page.goto(`${node.url}#/patient/${id}`)
    await page.getByRole('link', { name: 'New OPD visit' }).click()
    const form = page.getByTestId('encounter-form')
    await form.getByLabel('Complaints *').fill('fever, itching in the groin')
    await form.locator('select[name=diagnosis]').selectOption({ label: 'Falciparum malaria (B50.9)' })
    await form.getByRole('button', { name: 'Add' }).first().click()
    await form.locator('select[name=diagnosis]').selectOption({ label: 'Other diagnosis: write it' })
    await form.getByLabel('Diagnosis (as you would write it)').fill('Tinea cruris')
    // The drug's usual route comes first; this prescription is given IM.
    await form.locator('select[name=drug]').selectOption('Artesunate 60 mg injection')
    expect(await form.locator('select[name=route]').inputValue()).toBe('IV')
    await form.locator('select[name=route]').selectOption('IM')
    await form.getByLabel('Dose').fill('2.4 mg/kg')
    await form.getByRole('button', { name: 'Add' }).nth(1).click()
    await form.locator('select[name=drug]').selectOption({ label: 'Other medicine: write it' })
    await form.getByLabel('Medicine (name and strength)').fill('Clotrimazole 1% cream')
    await form.locator('select[name=route]').selectOption('topical')
    await form.getByLabel('Dose').fill('thin layer')
    await form.getByLabel('Days').fill('14')
    expect(await axeViolations(page)).toEqual([])
    await shot(page, 'issue15-08-opd-other')
    await form.getByRole('button', { name: 'Save visit' }).click()
    const visit = page.getByTestId('encounter')
    await visit.waitFor()
    const text = (await visit.textContent()) ?? ''
    expect(text).toContain('Falciparum malaria')
    expect(await visit.getByTestId('dx-code').first().textContent()).toBe('ICD-10 B50.9')
    expect(text).not.toContain('62676009')
    expect(text).toContain('Tinea cruris')
    expect(text).toContain('Artesunate 60 mg injection — 2.4 mg/kg, BD, 5 days, IM')
    expect(text).toContain('Clotrimazole 1% cream — thin layer, BD, 14 days, on the skin')
    await expect
      .poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('saved')
    await shot(page, 'issue15-09-chart-codes')
  })

  it('at 360×740 the search results and the form fit without sideways scrolling', async () => {
    const phone = await launchBrowser({ width: 360, height: 740 })
    try {
      await node.signIn(phone)
      const p = phone.pages()[0] ?? (await phone.newPage())
      await p.goto(node.url)
      await p.getByRole('button', { name: 'English' }).click()
      await search(p, SEARCH.en, 'Sunita Kashyap')
      expect(await overflowX(p)).toBe(0)
      expect(await axeViolations(p)).toEqual([])
      await shot(p, 'issue15-06-search-phone')
      await p.getByTestId('show-register').click()
      const form = p.getByTestId('register-form')
      await form.getByRole('button', { name: 'Register' }).click()
      await form.getByTestId('error-uhid').waitFor()
      expect(await overflowX(p)).toBe(0)
      await shot(p, 'issue15-07-register-phone')
    } finally {
      await phone.close()
    }
  })

  it('never showed the user a raw error', () => {
    expect(errors).toEqual([])
  })
})
