/**
 * Real facility node processes for the browser tests, set up and started with the built CLI
 * (`node packages/node/dist/cli.js`) exactly as district IT would: init, roster, start.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { appendFileSync, existsSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { tempDirSync } from '../packages/node/src/testing/tempDirs.js'
import { request, type APIRequestContext, type BrowserContext, type Page } from 'playwright-core'
import type { FacilityId } from '@pagdandi/core/record'
import { StaffStore } from '@pagdandi/node'
import { ROOT } from './ui-harness.js'

const run = promisify(execFile)
/** The built CLI. */
export const CLI = join(ROOT, 'packages/node/dist/cli.js')
/** Whether the CLI has been built. */
export const haveCli = existsSync(CLI)

// Test-only operator secret; real nodes read it from a file.
const ENV = { ...process.env, PAGDANDI_SECRET: 'ui-test-operator-secret' }

/** One staff account of each role the browser tests sign in as, added to every node with `pagdandi staff add`. */
export interface UiStaff {
  username: string
  password: string
  /** The name shown (`{facility}` becomes the facility's name, so a chart tells two doctors apart). */
  name: string
  role: 'registration-clerk' | 'nurse' | 'medical-officer' | 'lab-technician' | 'pharmacist' | 'facility-admin'
  hpr?: string
}

/** The accounts of every test node, by the short name tests use. */
export const UI_ACCOUNTS = {
  clerk: { username: 'reg.ui', password: 'ui-test-clerk-password', name: 'Sunita Clerk', role: 'registration-clerk' },
  mo: {
    username: 'dr.ui',
    password: 'ui-test-staff-password',
    name: 'Dr. UI Test ({facility})',
    role: 'medical-officer',
    hpr: '71-4000-0000-0002'
  },
  lab: { username: 'lab.ui', password: 'ui-test-lab-password', name: 'Ravi Lab', role: 'lab-technician' },
  pharm: { username: 'pharm.ui', password: 'ui-test-pharm-password', name: 'Kavita Pharmacist', role: 'pharmacist' },
  admin: { username: 'admin.ui', password: 'ui-test-admin-password', name: 'UI Admin', role: 'facility-admin' }
} as const satisfies Record<string, UiStaff>

/** Who a test signs in as. */
export type UiWho = keyof typeof UI_ACCOUNTS

/** The medical officer most browser steps sign in as. */
export const UI_STAFF = UI_ACCOUNTS.mo

/** The name `who` has at a facility. */
export function staffName(who: UiWho, facilityName: string): string {
  return UI_ACCOUNTS[who].name.replace('{facility}', facilityName)
}

/** A facility to create; `carriesFor` makes it the hub of those facilities (a DH for its CHCs). */
export interface CliFacility {
  facility: string
  name: string
  kind: 'CHC' | 'CH' | 'DH' | 'MC'
  carriesFor?: string[]
}

/** A node process started by `pagdandi start`. */
export class CliNode {
  url = ''
  #child: ChildProcess | undefined
  #log: string[] = []
  readonly #browsers = new Map<BrowserContext, UiWho>()
  constructor(
    readonly spec: CliFacility,
    readonly dir: string
  ) {}

  /**
   * Starts the node and waits until it prints where it listens. A restart reuses the first port,
   * as a facility's server does, so open browser tabs reconnect by themselves.
   */
  async start(): Promise<void> {
    const port = this.url === '' ? '0' : new URL(this.url).port
    const child = spawn(process.execPath, [CLI, 'start', '--data', this.dir, '--port', port], {
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    this.#child = child
    child.stderr!.on('data', (b: Buffer) => {
      this.#log.push(b.toString())
    })
    const logFile = process.env.PAGDANDI_TEST_NODE_LOG
    if (logFile !== undefined)
      for (const s of [child.stdout!, child.stderr!])
        s.on('data', (b: Buffer) => {
          appendFileSync(logFile, `[${this.spec.facility}] ${b.toString()}`)
        })
    this.url = await new Promise<string>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(
        () => reject(new Error(`${this.spec.facility} did not start: ${this.#log.join('')}`)),
        60_000
      )
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString()
        const m = /listening on (http:\/\/\S+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(m[1]!.replace(/\/$/, ''))
        }
      })
      child.once('exit', code => {
        clearTimeout(timer)
        reject(new Error(`${this.spec.facility} exited ${code}: ${this.#log.join('')}`))
      })
    })
    for (const [ctx, who] of this.#browsers) await this.signIn(ctx, who)
  }

  /**
   * Signs a browser in as `who` (the medical officer unless told), as the sign-in screen would
   * (`POST /api/session` from the node's origin; the cookie lands in the browser). Sessions live in
   * the node's memory, so every later `start()` signs the same browsers in again.
   */
  async signIn(ctx: BrowserContext, who: UiWho = 'mo'): Promise<void> {
    this.#browsers.set(ctx, who)
    const { username, password } = UI_ACCOUNTS[who]
    const res = await ctx.request.post(`${this.url}/api/session`, {
      data: { username, password },
      headers: { origin: this.url }
    })
    if (res.status() !== 200)
      throw new Error(`${this.spec.facility}: sign-in answered ${res.status()}: ${await res.text()}`)
  }

  /**
   * Signs in through the app's own sign-in screen, as staff do: opens the node's page, types the
   * username and password and waits for the header to name them. A later `start()` signs this
   * browser in again as `who`.
   */
  async signInOnScreen(page: Page, who: UiWho): Promise<void> {
    this.#browsers.set(page.context(), who)
    const form = page.getByTestId('sign-in')
    if (!(await form.isVisible())) {
      await page.goto(this.url)
      await form.waitFor()
    }
    await form.locator('input[name=username]').fill(UI_ACCOUNTS[who].username)
    await form.locator('input[name=password]').fill(UI_ACCOUNTS[who].password)
    await form.locator('button[type=submit]').click()
    await page.getByTestId('signed-in-as').getByText(staffName(who, this.spec.name)).waitFor()
  }

  /**
   * Hands the page to another member, as at a shared PC: signs out (which reloads the app to its
   * sign-in screen), signs in as `who` on the screen, and opens `hash` (e.g. a chart's `#/patient/…`).
   */
  async switchTo(page: Page, who: UiWho, hash = '#/'): Promise<void> {
    // A fresh load first: whatever the tab showed (a modal after a node restart) is gone.
    await page.goto(this.url + '#/')
    await page.getByTestId('sign-in').or(page.getByTestId('sign-out')).first().waitFor()
    if (await page.getByTestId('sign-out').isVisible()) {
      await page.getByTestId('sign-out').click()
      await page.getByTestId('sign-in').waitFor()
    }
    await this.signInOnScreen(page, who)
    await page.goto(this.url + hash)
  }

  /** Ends every session of `who` as the facility admin would (`POST /api/staff/:username/sign-out`). */
  async endSessionsOf(who: UiWho): Promise<void> {
    const admin = await this.#adminRequest()
    const res = await admin.post(`${this.url}/api/staff/${UI_ACCOUNTS[who].username}/sign-out`, {
      data: {},
      headers: { origin: this.url, 'x-pagdandi-csrf': this.#adminCsrf! }
    })
    if (res.status() !== 200) throw new Error(`sign-out of ${who} answered ${res.status()}: ${await res.text()}`)
  }

  #admin: APIRequestContext | undefined
  #adminCsrf: string | undefined
  async #adminRequest(): Promise<APIRequestContext> {
    if (this.#admin !== undefined) return this.#admin
    const ctx = await request.newContext()
    const res = await ctx.post(`${this.url}/api/session`, {
      data: { username: UI_ACCOUNTS.admin.username, password: UI_ACCOUNTS.admin.password },
      headers: { origin: this.url }
    })
    if (res.status() !== 200) throw new Error(`admin sign-in answered ${res.status()}`)
    this.#adminCsrf = ((await res.json()) as { csrf: string }).csrf
    this.#admin = ctx
    return ctx
  }

  /** Stops the node (SIGTERM: a clean shutdown) and waits for the process to end. */
  async stop(): Promise<void> {
    await this.#admin?.dispose()
    this.#admin = undefined
    const child = this.#child
    if (!child || child.exitCode !== null) return
    const done = new Promise<void>(resolve => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    await Promise.race([done, new Promise(resolve => setTimeout(resolve, 10_000))])
    if (child.exitCode === null) child.kill('SIGKILL')
    this.#child = undefined
  }

  /** What the node wrote to stderr (ids only, never patient data). */
  get log(): string {
    return this.#log.join('')
  }
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { env: ENV })
  return stdout
}

/** Initialises the facilities under a temp root, signs one roster with all of them, installs it in each. */
export async function setUpCliNetwork(specs: CliFacility[]): Promise<CliNode[]> {
  const root = tempDirSync('pagdandi-ui-net-')
  const authority = join(root, 'authority')
  await cli('roster', 'create', '--data', authority, '--network', 'ui-test')
  const nodes: CliNode[] = []
  for (const s of specs) {
    const dir = join(root, s.facility)
    const port = await freePort()
    await cli(
      'init',
      '--data',
      dir,
      '--facility',
      s.facility,
      '--name',
      s.name,
      '--kind',
      s.kind,
      '--district',
      'Bastar',
      '--listen',
      `/ip4/127.0.0.1/tcp/${port}/ws`
    )
    // The medical officer is added as district IT would, with `pagdandi staff add`; the other roles
    // through the same staff store in this process (ten CLI processes would cost minutes on a busy machine).
    const mo: UiStaff = UI_ACCOUNTS.mo
    const moPassword = join(root, 'password-mo')
    writeFileSync(moPassword, mo.password + '\n', { mode: 0o600 })
    await cli(
      'staff',
      'add',
      '--data',
      dir,
      '--username',
      mo.username,
      '--name',
      staffName('mo', s.name),
      '--role',
      mo.role,
      '--hpr',
      mo.hpr!,
      '--password-file',
      moPassword
    )
    const store = new StaffStore(dir, s.facility as FacilityId)
    for (const who of Object.keys(UI_ACCOUNTS) as UiWho[]) {
      if (who === 'mo') continue
      const a: UiStaff = UI_ACCOUNTS[who]
      await store.add({
        username: a.username,
        password: a.password,
        name: staffName(who, s.name),
        role: a.role,
        ...(a.hpr !== undefined ? { hprId: a.hpr } : {})
      })
    }
    await cli(
      'roster',
      'add',
      '--data',
      authority,
      '--member',
      join(dir, 'facility.json'),
      ...(s.carriesFor?.length ? ['--carries-for', s.carriesFor.join(',')] : [])
    )
    nodes.push(new CliNode(s, dir))
  }
  const rosterPath = join(root, 'roster.json')
  await cli('roster', 'export', '--data', authority, '--out', rosterPath)
  for (const n of nodes) await cli('roster', 'import', rosterPath, '--data', n.dir)
  return nodes
}
