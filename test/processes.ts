/** Helpers for tests that run `pagdandi` as real child processes (from sources, through tsx). */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect } from 'vitest'
import { ApiClient, DataDir, StaffStore } from '@pagdandi/node'
import {
  anaemiaReferral,
  loopbackAddress,
  registration,
  TEST_SECRET,
  type FacilitySpec
} from '../packages/node/src/testing/fixtures.js'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = fileURLToPath(new URL('../packages/node/src/cli.ts', import.meta.url))

/** A running `pagdandi start` child, the URL it printed, and a medical officer signed in to it. */
export interface NodeProcess {
  child: ChildProcess
  url: string
  output: () => string
  staff: ApiClient
}

/** Password of the staff account process tests sign in with. */
export const STAFF_PASSWORD = 'process-test-password'

/** Adds the medical officer process tests sign in as (through the real staff service), unless it exists. */
export async function addTestOfficer(data: string): Promise<void> {
  const facility = (await new DataDir(data).readFacility()).facility
  const staff = new StaffStore(data, facility)
  if ((await staff.list()).some(a => a.username === 'dr.test')) return
  await staff.add({
    username: 'dr.test',
    name: 'Dr. Test',
    role: 'medical-officer',
    hprId: '71-4000-0000-0002',
    password: STAFF_PASSWORD
  })
}

/** Adds a facility admin (through the real staff service) before the node starts; its username. */
export async function addTestAdmin(data: string): Promise<string> {
  const facility = (await new DataDir(data).readFacility()).facility
  const staff = new StaffStore(data, facility)
  if (!(await staff.list()).some(a => a.username === 'admin.test'))
    await staff.add({
      username: 'admin.test',
      name: 'Test Admin',
      role: 'facility-admin',
      password: STAFF_PASSWORD
    })
  return 'admin.test'
}

/** Signs in to a running node as `username` (with the process tests' password). */
export async function signInAs(node: NodeProcess, username: string): Promise<ApiClient> {
  return await ApiClient.signIn(node.url, username, STAFF_PASSWORD)
}

/** Spawns `pagdandi <args>` with the sources (no build needed). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--conditions=source', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/** Starts `pagdandi start` and resolves once it printed where it listens. */
export async function startNodeProcess(
  data: string,
  env: NodeJS.ProcessEnv,
  extra: string[] = []
): Promise<NodeProcess> {
  await addTestOfficer(data)
  const child = spawnCli(['start', '--data', data, '--port', '0', ...extra], env)
  let out = ''
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString()
  })
  child.stderr!.on('data', (b: Buffer) => {
    out += b.toString()
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start:\n${out}`)), 60_000)
    const check = (): void => {
      const m = /listening on (https?:\/\/\S+)/.exec(out)
      if (m !== null) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`node exited ${code}:\n${out}`))
    })
  })
  // A LAN node serves its own certificate (made at init): trust it as a facility PC would after installing it.
  const ca = url.startsWith('https:') ? await readFile(join(data, 'tls', 'cert.pem'), 'utf8') : undefined
  return { child, url, output: () => out, staff: await ApiClient.signIn(url, 'dr.test', STAFF_PASSWORD, ca) }
}

/** Resolves when the child has exited. */
export async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise<void>(resolve => child.once('exit', () => resolve()))
}

/** Starts node processes for one test file and stops them all when asked (call `stopAll` in `afterAll`). */
export function nodeProcessPool(env: NodeJS.ProcessEnv): {
  start: (data: string) => Promise<NodeProcess>
  stopAll: () => Promise<void>
} {
  const children: NodeProcess[] = []
  return {
    async start(data) {
      const p = await startNodeProcess(data, env)
      children.push(p)
      return p
    },
    async stopAll() {
      for (const c of children) {
        c.child.kill('SIGTERM')
        await exited(c.child)
      }
    }
  }
}

/**
 * The node processes of one test file, started with the test operator secret and stopped after all
 * its tests (an `afterAll` registered here, so it runs after the file's own). Returns `start`.
 */
export function useNodeProcesses(): (data: string) => Promise<NodeProcess> {
  const pool = nodeProcessPool({ PAGDANDI_SECRET: TEST_SECRET })
  afterAll(pool.stopAll)
  return pool.start
}

/** CHC Tokapal and its hub, DH Jagdalpur, each listening on a free loopback port unless `dhOnly`. */
export async function chcAndHub(dhOnly = false): Promise<FacilitySpec[]> {
  return [
    {
      facility: 'IN2210000101',
      name: 'CHC Tokapal',
      kind: 'CHC',
      ...(dhOnly ? {} : { addresses: [await loopbackAddress()] })
    },
    {
      facility: 'IN2210000001',
      name: 'DH Jagdalpur',
      kind: 'DH',
      carriesFor: ['IN2210000101'],
      addresses: [await loopbackAddress()]
    }
  ]
}

/** Registers five patients at `chc` (UHIDs CHC-0 to CHC-4); the first, Budhri Kawasi, is the one referred. */
export async function registerPatients(chc: NodeProcess): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    const r = await postJson(
      chc,
      '/api/patients',
      registration({ uhid: `CHC-${i}`, name: i === 0 ? 'Budhri Kawasi' : `Patient ${i}` })
    )
    expect(r.status).toBe(201)
    ids.push(r.json.patientId)
  }
  return ids
}

/** POST an anaemia referral of `patientId` to facility `to` at `node`; the status and the JSON answer. */
export async function postReferral(
  node: NodeProcess,
  patientId: string,
  to: string
): Promise<{ status: number; json: any }> {
  return await postJson(node, '/api/referrals', { patientId, referral: anaemiaReferral(to) })
}

/** GET a node's JSON API, signed in. */
export async function getJson(node: NodeProcess, path: string): Promise<any> {
  return (await node.staff.call('GET', path)).json
}

/** POST JSON to a node's API, signed in; the status and the JSON answer. */
export async function postJson(node: NodeProcess, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const a = await node.staff.call('POST', path, body)
  return { status: a.status, json: a.json }
}

/** How long process tests wait for replication to show (loopback, but a loaded 2-core machine). */
export const POLL = { timeout: 60_000, interval: 200 }
