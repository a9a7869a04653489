/**
 * The FHIR import a clinician does when a patient brings a record on a phone, in a real browser
 * against a real `pagdandi start` process: choose the file, read the preview (what will be added,
 * what is kept exactly as received, what to check), confirm, and find the patient with the imported
 * records on the chart. A hostile file (not JSON, not a document bundle, too large) is refused with
 * a sentence in the user's language and adds nothing. Every bundle is synthetic (core's fixtures).
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { foreignOpConsult } from '../packages/core/src/fhir/foreign-fixtures.js'
import { foreignInvoice } from '../packages/core/src/fhir/foreign-records.js'
import { describeBrowser, ensureUiBuilt, launchBrowser, shot, watchErrors } from './ui-harness.js'
import { UI_ACCOUNTS, haveCli, setUpCliNetwork, type CliNode } from './ui-cli-nodes.js'

// FHIR import is a medical officer's or the facility admin's (docs/ROLES.md, patient.import): the
// test signs in as the admin that setUpCliNetwork adds to every node with `pagdandi staff add`.
const ADMIN = { username: UI_ACCOUNTS.admin.username, password: UI_ACCOUNTS.admin.password }

const CHC = { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' as const }
type B = { entry: { resource: Record<string, unknown> }[] }

/** The OPD bundle another hospital's system sent, whose Patient gives no birth date and no address. */
function noBirthDate(): B {
  const b = foreignOpConsult() as B
  delete b.entry.find(e => e.resource.resourceType === 'Patient')!.resource.birthDate
  return b
}
const file = (name: string, content: string | Buffer): { name: string; mimeType: string; buffer: Buffer } => ({
  name,
  mimeType: 'application/json',
  buffer: Buffer.isBuffer(content) ? content : Buffer.from(content)
})

describeBrowser('importing a record the patient brought (FHIR), in the browser', haveCli, () => {
  let node: CliNode
  let ctx: BrowserContext
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    ensureUiBuilt()
    ;[node] = (await setUpCliNetwork([CHC])) as [CliNode]
    await node.start()
    ctx = await launchBrowser()
    const res = await ctx.request.post(`${node.url}/api/session`, {
      data: ADMIN,
      headers: { origin: node.url }
    })
    expect(res.status()).toBe(200)
    page = ctx.pages()[0] ?? (await ctx.newPage())
    errors = watchErrors(page)
  })
  afterAll(async () => {
    await ctx?.close()
    await node?.stop()
  })

  /** Opens the import card on the search screen in `language`, and chooses `f` in it. */
  async function choose(language: 'English' | 'हिन्दी', f: ReturnType<typeof file>): Promise<void> {
    await page.goto(node.url + '#/')
    await page.reload()
    await page.getByRole('button', { name: language }).click()
    await page.getByTestId('show-fhir-import').click()
    await page.getByTestId('fhir-import').locator('input[type=file]').setInputFiles(f)
    // The file is read and checked: a preview, or a refusal, then shows.
    await page.getByTestId('fhir-import').locator('[data-testid=fhir-preview], [role=alert]').first().waitFor()
  }
  /** What the node's search finds for `q` (the browser's own session). */
  async function search(q: string): Promise<unknown[]> {
    const res = await ctx.request.get(`${node.url}/api/patients?q=${encodeURIComponent(q)}`)
    expect(res.status()).toBe(200)
    return (await res.json()) as unknown[]
  }

  it('previews, then imports a bundle with no birth date: the chart says "birth date not known" and lists what was kept', async () => {
    await choose('English', file('record-from-phone.json', JSON.stringify(noBirthDate())))
    const preview = page.getByTestId('fhir-preview')
    expect(
      await page.getByTestId('fhir-import').getByRole('alert').count(),
      (await page.getByTestId('fhir-import').textContent()) ?? ''
    ).toBe(0)
    expect(await preview.textContent()).toContain('A new patient will be registered: Sunita Kashyap')
    const mapped = await page.getByTestId('fhir-mapped').locator('li').allTextContents()
    expect(mapped).toEqual(
      expect.arrayContaining([
        'Diagnosis: Falciparum malaria',
        'Medicine: Paracetamol 500 mg',
        'Test ordered: Hemoglobin determination',
        'No known allergy: NKA'
      ])
    )
    const kept = await page.getByTestId('fhir-kept').locator('li').allTextContents()
    expect(kept).toEqual(
      expect.arrayContaining([
        'MedicationStatement: Amlodipine (as amlodipine besilate) 5 mg oral tablet',
        'DocumentReference: Clinical consultation report'
      ])
    )
    expect(await page.getByTestId('fhir-warnings').locator('li').allTextContents()).toEqual([
      'The file gives no birth date: the patient will be registered with the birth date not known.',
      'The file gives no village: the patient will be registered with the village not known.'
    ])
    // The preview wrote nothing.
    expect(await search('Sunita Kashyap')).toEqual([])
    await shot(page, 'fhir-01-preview')

    await page.getByTestId('fhir-confirm').click()
    await page.getByTestId('patient-name').waitFor()
    expect(await page.getByTestId('patient-name').textContent()).toBe('Sunita Kashyap')
    expect(await page.getByTestId('patient-age').textContent()).toBe('birth date not known')
    expect(await page.locator('.patient-head').textContent()).toContain('village not known')
    const chart = (await page.locator('main').textContent()) ?? ''
    expect(chart).toContain('Falciparum malaria')
    expect(chart).toContain('No known allergy')
    expect(chart).not.toContain('1900')
    const attached = await page.getByTestId('chart-attached').textContent()
    expect(attached).toContain('Clinical consultation report')
    expect(attached).toContain('Amlodipine')
    await shot(page, 'fhir-02-chart')

    // Search shows the same honest state, and so does Hindi.
    await page.goto(node.url + '#/')
    await page.getByLabel('Name, ABHA, phone, village or UHID').fill('Sunita Kashyap')
    await page.keyboard.press('Enter')
    const row = page.getByTestId('search-results').getByTestId('patient-hit').filter({ hasText: 'Sunita Kashyap' })
    await row.waitFor()
    expect(await row.textContent()).toContain('birth date not known')
    expect(await row.textContent()).toContain('village not known')
    await page.getByRole('button', { name: 'हिन्दी' }).click()
    await expect.poll(() => row.textContent()).toContain('जन्म तिथि ज्ञात नहीं')
    expect(errors).toEqual([])
  })

  it('adds an invoice from the same patient (matched by ABHA number) as kept exactly as received', async () => {
    await choose('English', file('invoice.json', JSON.stringify(foreignInvoice())))
    const preview = page.getByTestId('fhir-preview')
    await preview.waitFor()
    expect(await preview.textContent()).toContain('Into the record of Sunita Kashyap, found by ABHA number')
    expect(await page.getByTestId('fhir-mapped').count()).toBe(0)
    expect(await page.getByTestId('fhir-kept').locator('li').allTextContents()).toEqual([
      'Invoice: OPD',
      'ChargeItem: Consultation',
      'ChargeItem: Medicines',
      'Medication: Paracetamol 500 mg oral tablet'
    ])
    await page.getByTestId('fhir-confirm').click()
    await page.getByTestId('chart-attached').getByText('Invoice', { exact: false }).first().waitFor()
    expect(await page.getByTestId('chart-attached').textContent()).toContain('InvoiceRecord')
    expect(await search('Sunita Kashyap')).toHaveLength(1)
  })

  for (const language of ['हिन्दी', 'English'] as const) {
    it(`refuses a hostile file with a sentence in ${language === 'English' ? 'English' : 'Hindi'} and imports nothing`, async () => {
      const wrongType = { resourceType: 'Patient', name: [{ text: 'Hostile Fixture' }] }
      const huge = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20)
      const expected =
        language === 'English'
          ? [
              'This file is not a health record (it is not JSON). Nothing was added.',
              'This file is not a valid ABDM health record. Nothing was added.',
              'This file is larger than 4 MB, more than one health record can be. Nothing was added.'
            ]
          : [
              'यह फ़ाइल स्वास्थ्य रिकॉर्ड नहीं है (JSON नहीं है)। कुछ नहीं जोड़ा गया।',
              'यह फ़ाइल मान्य ABDM स्वास्थ्य रिकॉर्ड नहीं है। कुछ नहीं जोड़ा गया।',
              'यह फ़ाइल 4 MB से बड़ी है, किसी स्वास्थ्य रिकॉर्ड से कहीं बड़ी। कुछ नहीं जोड़ा गया।'
            ]
      const files = [
        file('photo.json', '\u00ff\u00d8 not json {'),
        file('patient.json', JSON.stringify(wrongType)),
        file('huge.json', huge)
      ]
      for (const [i, f] of files.entries()) {
        await choose(language, f)
        const alert = page.getByTestId('fhir-import').getByRole('alert')
        await alert.waitFor()
        expect(await alert.textContent()).toBe(expected[i])
        expect(await page.getByTestId('fhir-preview').count()).toBe(0)
        expect(await page.getByTestId('fhir-confirm').count()).toBe(0)
      }
      await shot(page, `fhir-03-refused-${language === 'English' ? 'en' : 'hi'}`)
      expect(await search('Hostile Fixture')).toEqual([])
      expect(await search('Sunita Kashyap')).toHaveLength(1)
      expect(errors).toEqual([])
    })
  }
})
