/**
 * Sign-in and roles in the clinician app, in real browsers against two real `pagdandi start`
 * processes (a CHC and its DH): each member signs in on the app's own screen, sees only what their
 * role may do, and the DH's chart names the CHC's practitioners on a record that crossed over. An
 * ended session asks for the password again over the screen and keeps what was typed; the facility
 * admin manages staff on their own screen, which nobody else sees.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { request, type BrowserContext, type Page } from 'playwright-core'
import { describeBrowser, ensureUiBuilt, launchBrowser, shot } from './ui-harness.js'
import { UI_ACCOUNTS, haveCli, setUpCliNetwork, staffName, type CliNode } from './ui-cli-nodes.js'

const CHC = { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' as const }
const DH = { facility: 'IN2210000100', name: 'DH Jagdalpur', kind: 'DH' as const, carriesFor: ['IN2210000001'] }
const SYNC_TIMEOUT = 60_000

describeBrowser('sign-in and roles in the app', haveCli, () => {
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

  it('signed out, the app shows only the sign-in screen; a wrong password is said in words, in Hindi too', async () => {
    await chc.goto(chcNode.url)
    const form = chc.getByTestId('sign-in')
    await form.waitFor()
    await chc.getByRole('button', { name: 'English' }).click()
    expect(await chc.getByTestId('show-register').count()).toBe(0)
    expect(await chc.getByRole('navigation').count()).toBe(0)
    await form.locator('input[name=username]').fill(UI_ACCOUNTS.clerk.username)
    await form.locator('input[name=password]').fill('not the password')
    await form.locator('button[type=submit]').click()
    await expect
      .poll(() => chc.getByTestId('sign-in-error').textContent())
      .toBe('Wrong username or password. Check caps lock and try again.')
    await chc.getByRole('button', { name: 'हिन्दी' }).click()
    await form.locator('input[name=password]').fill('still not it')
    await form.locator('button[type=submit]').click()
    await expect
      .poll(() => chc.getByTestId('sign-in-error').textContent())
      .toBe('यूज़रनेम या पासवर्ड गलत है। कैप्स लॉक देखकर फिर कोशिश करें।')
    await shot(chc, 'roles-01-sign-in-hi')
    await chc.getByRole('button', { name: 'English' }).click()
  })

  it('a registration clerk registers and searches, and sees no diagnosis, prescription, referral or staff screen', async () => {
    await chcNode.signInOnScreen(chc, 'clerk')
    expect(await chc.getByTestId('signed-in-role').textContent()).toBe('Registration clerk')
    expect(await chc.getByTestId('nav-staff').count()).toBe(0)
    expect(await chc.getByTestId('show-fhir-import').count()).toBe(0)
    await chc.getByTestId('show-register').click()
    const reg = chc.getByTestId('register-form')
    await reg.getByLabel('Name *').fill('Budhri Kawasi')
    await reg.getByLabel('Age (years)').fill('31')
    await reg.getByLabel('Village *').fill('Kilepal')
    await reg.getByLabel('Block *').fill('Tokapal')
    await reg.getByLabel('UHID *').fill('TKP-2026-0311')
    await reg.getByLabel('UHID *').press('Enter')
    await chc.getByTestId('patient-name').waitFor()
    patientPath = new URL(chc.url()).hash

    await chc.goto(chcNode.url + '#/')
    await chc.getByLabel('Name, ABHA, phone, village or UHID').fill('budhri kawasi')
    await chc.keyboard.press('Enter')
    await chc.getByTestId('search-results').getByRole('link', { name: 'Budhri Kawasi' }).click()
    await chc.getByTestId('patient-name').waitFor()
    // The clerk opens the OPD visit, but the clinical parts of it are not theirs.
    expect(await chc.getByTestId('refer-link').count()).toBe(0)
    await chc.getByRole('link', { name: 'New OPD visit' }).click()
    const enc = chc.getByTestId('encounter-form')
    await enc.getByLabel('Complaints *').waitFor()
    expect(await enc.locator('select[name=diagnosis]').count()).toBe(0)
    expect(await enc.locator('select[name=drug]').count()).toBe(0)
    expect(await enc.getByLabel(/BP systolic/).count()).toBe(0)
    await shot(chc, 'roles-02-clerk-visit-form')
    // Nor can the clerk reach them another way: the node refuses a referral by the clerk's session.
    const refused = await chc.evaluate(async () => {
      const s = (await (await fetch('/api/session')).json()) as { csrf: string }
      const r = await fetch('/api/referrals', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pagdandi-csrf': s.csrf },
        body: JSON.stringify({ patientId: location.hash.split('/')[2], referral: { to: 'IN2210000100' } })
      })
      return { status: r.status, name: ((await r.json()) as { error: { name: string } }).error.name }
    })
    expect(refused).toEqual({ status: 403, name: 'RoleForbiddenError' })
    await chc.goto(chcNode.url + '#/staff')
    await chc.getByText('Your role may not do this.').waitFor()
  })

  it('a medical officer diagnoses, prescribes and refers to the DH; the DH chart names the CHC doctor', async () => {
    await chcNode.switchTo(chc, 'mo', patientPath)
    expect(await chc.getByTestId('signed-in-role').textContent()).toBe('Medical officer')
    await chc.getByRole('link', { name: 'New OPD visit' }).click()
    const enc = chc.getByTestId('encounter-form')
    await enc.getByLabel('Complaints *').fill('fever 4 days, headache')
    await enc.getByLabel(/Temperature/).fill('39.4')
    await enc.locator('select[name=diagnosis]').selectOption({ label: 'Falciparum malaria (B50.9)' })
    await enc.locator('select[name=drug]').selectOption('Paracetamol 500 mg tablet')
    await enc.getByLabel('Dose').fill('1 tab')
    await enc.locator('select[name=frequency]').selectOption('TDS')
    await enc.getByLabel('Days').fill('3')
    await enc.getByRole('button', { name: 'Save visit' }).click()
    await chc.getByTestId('encounter').waitFor()
    await expect.poll(() => chc.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')
    const doctor = staffName('mo', CHC.name)
    await expect
      .poll(() => chc.getByTestId('encounter').getByTestId('byline').textContent(), { timeout: 15_000 })
      .toContain(doctor)

    await chc.getByTestId('refer-link').click()
    const ref = chc.getByTestId('referral-form')
    await expect.poll(() => ref.locator('select[name=to]').inputValue()).toBe(DH.facility)
    await ref.getByLabel('Reason for referral *').fill('Severe malaria with persistent vomiting')
    await ref.getByLabel('Treatment given before referral *').fill('Paracetamol; ORS')
    await ref.getByLabel('Emergency').check()
    await ref.getByLabel('Ambulance 108').check()
    await ref.getByRole('button', { name: 'Send referral' }).click()
    await chc.getByTestId('chart-referrals').getByTestId('referral-status').waitFor()

    // At the DH a medical officer signs in on a tablet and opens the chart that crossed over.
    await dhNode.signInOnScreen(dh, 'mo')
    await dh.getByRole('button', { name: 'English' }).click()
    await dh.goto(dhNode.url + '#/inbox')
    await dh
      .getByTestId('inbox-new')
      .getByText('Severe malaria with persistent vomiting')
      .waitFor({ timeout: SYNC_TIMEOUT })
    await dh.goto(dhNode.url + patientPath)
    const visit = dh.getByTestId('encounter')
    await visit.waitFor({ timeout: SYNC_TIMEOUT })
    const byline = visit.getByTestId('byline')
    await expect.poll(() => byline.getAttribute('data-status'), { timeout: SYNC_TIMEOUT }).toBe('verified')
    expect(await byline.textContent()).toContain(`${doctor}, ${CHC.name}`)
    const referral = dh.getByTestId('chart-referrals').getByTestId('byline')
    await expect
      .poll(() => referral.first().textContent(), { timeout: SYNC_TIMEOUT })
      .toContain(`${doctor}, ${CHC.name}`)
    // The DH's own doctor is signed in here, under their own name.
    expect(await dh.getByTestId('signed-in-as').textContent()).toContain(staffName('mo', DH.name))
    await shot(dh, 'roles-03-dh-chart-names-chc-doctor')
  })

  it('an ended session asks to sign in again over the screen; the typed visit is kept and saves', async () => {
    await chc.goto(chcNode.url + patientPath)
    await chc.getByRole('link', { name: 'New OPD visit' }).click()
    const enc = chc.getByTestId('encounter-form')
    await enc.getByLabel('Complaints *').fill('follow-up: fever settled, mild weakness')
    await enc.getByLabel(/Pulse/).fill('88')
    // The facility admin signs the doctor out everywhere (the same path as an idle timeout or a restart).
    await chcNode.endSessionsOf('mo')
    const modal = chc.getByTestId('sign-in-modal')
    await modal.waitFor({ timeout: 15_000 })
    expect(await modal.getByTestId('session-expired').textContent()).toContain(staffName('mo', CHC.name))
    // The form under the modal still holds every character typed.
    expect(await enc.getByLabel('Complaints *').inputValue()).toBe('follow-up: fever settled, mild weakness')
    await shot(chc, 'roles-04-session-expired-modal')
    expect(await modal.locator('input[name=username]').inputValue()).toBe(UI_ACCOUNTS.mo.username)
    await modal.locator('input[name=password]').fill(UI_ACCOUNTS.mo.password)
    await modal.locator('button[type=submit]').click()
    await modal.waitFor({ state: 'detached' })
    expect(await enc.getByLabel('Complaints *').inputValue()).toBe('follow-up: fever settled, mild weakness')
    expect(await enc.getByLabel(/Pulse/).inputValue()).toBe('88')
    await enc.getByRole('button', { name: 'Save visit' }).click()
    await chc.getByTestId('encounter').filter({ hasText: 'mild weakness' }).waitFor()
    await expect.poll(() => chc.getByTestId('save-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('saved')
  })

  it('the facility admin adds, resets and disables staff on a screen only the admin sees; the new password is shown once', async () => {
    await chcNode.switchTo(chc, 'admin', '#/staff')
    await chc.getByTestId('nav-staff').waitFor()
    const list = chc.getByTestId('staff-list')
    await list.locator(`tr[data-username="${UI_ACCOUNTS.clerk.username}"]`).waitFor()
    const add = chc.getByTestId('staff-add')
    await add.locator('input[name=username]').fill('nurse.asha')
    await add.locator('input[name=name]').fill('Asha Nurse')
    await add.locator('select[name=role]').selectOption('nurse')
    await add.locator('input[name=hprId]').fill('71-4000-12')
    await add.getByRole('button', { name: 'Add staff member' }).click()
    await expect
      .poll(() => add.getByTestId('staff-error').textContent())
      .toBe('HPR id: 14 digits, e.g. 71-4000-1234-5678.')
    await add.locator('input[name=hprId]').fill('71-4000-1234-5678')
    await add.getByRole('button', { name: 'Add staff member' }).click()
    const shown = chc.getByTestId('new-password')
    await shown.waitFor()
    const password = /nurse\.asha: (\S+)/.exec((await shown.textContent()) ?? '')?.[1]
    expect(password).toBeDefined()
    await list.locator('tr[data-username="nurse.asha"]').waitFor()
    await shot(chc, 'roles-05-staff-admin')
    // The password works, and is not shown again once the admin moves on.
    const nurse = await request.newContext()
    const signIn = await nurse.post(`${chcNode.url}/api/session`, {
      data: { username: 'nurse.asha', password },
      headers: { origin: chcNode.url }
    })
    expect(signIn.status()).toBe(200)
    await nurse.dispose()
    await chc.goto(chcNode.url + '#/')
    await chc.goto(chcNode.url + '#/staff')
    await list.locator('tr[data-username="nurse.asha"]').waitFor()
    expect(await chc.getByTestId('new-password').count()).toBe(0)
    expect(await chc.content()).not.toContain(password!)
    // A forgotten password: the admin makes a new one, shown once; the old one stops working.
    await list.locator('tr[data-username="nurse.asha"]').getByRole('button', { name: 'New password' }).click()
    await shown.waitFor()
    const second = /nurse\.asha: (\S+)/.exec((await shown.textContent()) ?? '')?.[1]
    expect(second).toBeDefined()
    expect(second).not.toBe(password)
    const old = await request.newContext()
    const oldSignIn = await old.post(`${chcNode.url}/api/session`, {
      data: { username: 'nurse.asha', password },
      headers: { origin: chcNode.url }
    })
    expect(oldSignIn.status()).toBe(401)
    await old.dispose()
    await list.locator('tr[data-username="nurse.asha"]').getByRole('button', { name: 'Disable' }).click()
    await expect.poll(() => list.locator('tr[data-username="nurse.asha"]').textContent()).toContain('Disabled')
  })

  it('never showed the user a raw error', () => {
    expect(errors).toEqual([])
  })
})
