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
import type { BrowserContext } from 'playwright-core'
import { ROOT } from './ui-harness.js'

const run = promisify(execFile)
/** The built CLI. */
export const CLI = join(ROOT, 'packages/node/dist/cli.js')
/** Whether the CLI has been built. */
export const haveCli = existsSync(CLI)

// Test-only operator secret; real nodes read it from a file.
const ENV = { ...process.env, PAGDANDI_SECRET: 'ui-test-operator-secret' }

/** The medical officer every browser test signs in as, added with `pagdandi staff add`. */
export const UI_STAFF = { username: 'dr.ui', password: 'ui-test-staff-password' }

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
  readonly #browsers = new Set<BrowserContext>()
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
    for (const ctx of this.#browsers) await this.signIn(ctx)
  }

  /**
   * Signs a browser in as the test's medical officer, as the sign-in screen would (`POST /api/session`
   * from the node's origin; the cookie lands in the browser). Sessions live in the node's memory, so
   * every later `start()` signs the same browsers in again.
   */
  async signIn(ctx: BrowserContext): Promise<void> {
    this.#browsers.add(ctx)
    const res = await ctx.request.post(`${this.url}/api/session`, {
      data: { username: UI_STAFF.username, password: UI_STAFF.password },
      headers: { origin: this.url }
    })
    if (res.status() !== 200)
      throw new Error(`${this.spec.facility}: sign-in answered ${res.status()}: ${await res.text()}`)
  }

  /** Stops the node (SIGTERM: a clean shutdown) and waits for the process to end. */
  async stop(): Promise<void> {
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
  const passwordFile = join(root, 'staff-password')
  writeFileSync(passwordFile, UI_STAFF.password + '\n', { mode: 0o600 })
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
    await cli(
      'staff',
      'add',
      '--data',
      dir,
      '--username',
      UI_STAFF.username,
      '--name',
      'Dr. UI Test',
      '--role',
      'medical-officer',
      '--hpr',
      '71-4000-0000-0002',
      '--password-file',
      passwordFile
    )
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
