/**
 * The README's first steps with real processes: `pagdandi init` prints the first admin's sign-in,
 * `pagdandi start` serves it, and every file of the data directory is its owner's alone. On the
 * facility LAN (`--host` other than loopback) the node speaks only HTTPS with the certificate made at
 * init, and its session cookie is `Secure`.
 */
import { execFile } from 'node:child_process'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiClient } from '@pagdandi/node'
import { tempDir } from '../packages/node/src/testing/fixtures.js'
import { ROOT, exited, startNodeProcess, type NodeProcess } from './processes.js'

const run = promisify(execFile)
const ENV = { PAGDANDI_SECRET: 'signin-test-operator-secret' }
const running: NodeProcess[] = []
afterEach(async () => {
  for (const n of running.splice(0)) {
    n.child.kill('SIGTERM')
    await exited(n.child)
  }
})

async function init(dir: string, ...extra: string[]): Promise<string> {
  const args = [
    'init',
    '--data',
    dir,
    '--facility',
    'IN2210000101',
    '--name',
    'CHC Tokapal',
    '--kind',
    'CHC',
    '--district',
    'Bastar',
    ...extra
  ]
  const cli = join(ROOT, 'packages/node/src/cli.ts')
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--conditions=source', cli, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...ENV }
  })
  return stdout
}

/** Every file and directory under `dir` whose mode lets anyone but the owner in. */
async function openToOthers(dir: string): Promise<string[]> {
  const loose: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(e.parentPath, e.name)
    if (((await stat(path)).mode & 0o077) !== 0) loose.push(path.slice(dir.length))
  }
  if (((await stat(dir)).mode & 0o077) !== 0) loose.push('/')
  return loose
}

describe('sign-in after pagdandi init, as the README says', () => {
  it('init prints the admin sign-in; the started node accepts it; no file of the data directory is open to others', async () => {
    const dir = join(await tempDir('pagdandi-signin-'), 'chc')
    const printed = await init(dir)
    const password = /username admin, password (\S+) /.exec(printed)?.[1]
    expect(password, printed).toBeDefined()
    const node = await startNodeProcess(dir, ENV)
    running.push(node)
    const admin = await ApiClient.signIn(node.url, 'admin', password!)
    expect(admin.staff).toMatchObject({ username: 'admin', role: 'facility-admin' })
    expect((await admin.call('GET', '/api/staff')).status).toBe(200)
    expect(await openToOthers(dir)).toEqual([])
  }, 120_000)

  it('serves the LAN only over HTTPS with the init certificate, with a Secure cookie and the LAN name allowlisted', async () => {
    const dir = join(await tempDir('pagdandi-signin-tls-'), 'chc')
    await init(dir, '--lan-host', '127.0.0.2', '--lan-host', 'pagdandi.chc-tokapal.lan')
    const node = await startNodeProcess(dir, ENV, ['--host', '127.0.0.2'])
    running.push(node)
    expect(node.url).toMatch(/^https:\/\/127\.0\.0\.2:\d+\/$/)
    const signIn = await new ApiClient(node.url, undefined, node.staff.ca).call('POST', '/api/session', {
      username: 'dr.test',
      password: 'process-test-password'
    })
    expect(String(signIn.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Secure$/)
    const byName = await node.staff.call('GET', '/api/session', undefined, {
      headers: { host: `pagdandi.chc-tokapal.lan:${new URL(node.url).port}` }
    })
    expect(byName.status).toBe(200)
    await expect(new ApiClient(node.url.replace('https:', 'http:')).call('GET', '/api/health')).rejects.toThrow()
    await expect(new ApiClient(node.url).call('GET', '/api/health')).rejects.toThrow(/self-signed|certificate/)
  }, 120_000)
})
