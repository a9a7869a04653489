/**
 * Every HTTP body (and query and path parameter) the node accepts, sent over loopback to a real
 * FacilityNode (its HttpServer, routes and LevelDB store). The answer must be JSON; a refusal must be
 * a 4xx (or a 503 for a named storage fault) carrying a named error, never a 500 `InternalError`.
 * The node is replaced by a fresh one every `RESTART_EVERY` runs so its store stays small.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { DataDir, FacilityNode, openStore, type RosterFile } from '@pagdandi/node'
import type { ApiClient } from '../../../packages/node/src/cli/ApiClient.js'
import {
  addTestStaff,
  makeNetwork,
  registration,
  staffClient,
  TEST_SECRET,
  TEST_STAFF_PASSWORD
} from '../../../packages/node/src/testing/fixtures.js'
import { expectThat, FuzzFailure, type FuzzTarget } from '../harness.js'
import { mutateBytes, byteEdits, mutatedJson } from '../mutate.js'
import { fhirSeeds } from './fhir.js'

const RESTART_EVERY = 20_000

/** One request: a route, and either a JSON body or raw body text; sent as the medical officer or the facility admin. */
export interface HttpInput {
  method: 'GET' | 'POST'
  path: string
  body?: string
  as?: 'admin'
}

/** Accounts the staff routes may sign in to, reset and disable: never the two the target signs in as. */
const SIGN_IN_USER = 'fuzz.signin'
const TARGET_USER = 'fuzz.target'

interface Running {
  node: FacilityNode
  /** Signed in as a medical officer: every route but sign-in needs a session (and writes its CSRF token). */
  client: ApiClient
  /** Signed in as the facility admin, for the staff, audit and quarantine routes. */
  admin: ApiClient
  root: string
  patientId: string
  rosterFile: RosterFile
  runs: number
}
let running: Running | undefined

async function startNode(): Promise<Running> {
  // tmpfs where there is one: the store syncs every write, and a million runs would wear a disk.
  const root = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'pagdandi-fuzz-'))
  const { dirs } = await makeNetwork(root, [
    { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' },
    { facility: 'IN2210000002', name: 'DH Jagdalpur', kind: 'DH', carriesFor: ['IN2210000001'] }
  ])
  const node = await FacilityNode.open({ data: dirs[0]!, secret: TEST_SECRET, http: { port: 0 }, openStore })
  await node.start()
  const { patientId } = await node.patients.register(registration())
  const rosterFile = (await new DataDir(dirs[0]!).readRoster())!
  const client = await staffClient(node, 'medical-officer')
  const admin = await staffClient(node, 'facility-admin')
  await addTestStaff(node.staff, 'registration-clerk', SIGN_IN_USER)
  await addTestStaff(node.staff, 'registration-clerk', TARGET_USER)
  return { node, client, admin, root, patientId, rosterFile, runs: 0 }
}

async function stopNode(): Promise<void> {
  if (running === undefined) return
  await running.node.stop()
  await rm(running.root, { recursive: true, force: true })
  running = undefined
}

/** Valid bodies of every POST route, the seeds the mutations start from (the patient id is filled in at run time). */
function bodySeeds(
  patientId: string,
  roster: RosterFile
): { path: string; bodies: unknown[]; weight: number; as?: 'admin' }[] {
  const referral = {
    to: 'IN2210000002',
    reason: 'Severe anaemia',
    urgency: 'urgent',
    treatmentGiven: 'IFA started',
    transport: '108',
    provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia, unspecified' }
  }
  return [
    {
      path: '/api/patients',
      weight: 3,
      bodies: [
        registration(),
        registration({ abhaNumber: '91-1234-5678-9012', nameVariants: ['Somru'], pin: '494001' }),
        {
          ...registration(),
          guardian: { name: 'Budhru Kashyap', relation: 'husband' },
          birth: { kind: 'year', year: 1980 }
        },
        { ...registration(), birth: { kind: 'date', date: '1990-02-03' } }
      ]
    },
    {
      path: '/api/referrals',
      weight: 3,
      bodies: [
        { patientId, referral },
        { patientId, referral: { ...referral, encounterId: 'e1' } }
      ]
    },
    {
      path: '/api/patients/matches',
      weight: 2,
      bodies: [
        { name: 'Somaru Markam', village: 'Kilepal', age: 45, sex: 'male' },
        { name: 'सुनीता कश्यप', guardian: 'Budhru Kashyap', phone: '9826123456', uhid: 'CHC-0001' },
        { name: 'Somru', abhaNumber: '91-1234-5678-9012' }
      ]
    },
    { path: '/api/fhir/import', weight: 3, bodies: fhirSeeds },
    { path: '/api/fhir/preview', weight: 2, bodies: fhirSeeds },
    { path: '/api/roster', weight: 1, bodies: [roster] },
    {
      path: '/api/session',
      weight: 1,
      bodies: [
        { username: SIGN_IN_USER, password: TEST_STAFF_PASSWORD },
        { username: SIGN_IN_USER, password: 'not the password' }
      ]
    },
    {
      path: '/api/staff',
      weight: 1,
      as: 'admin',
      bodies: [
        {
          username: 'fuzz.nurse',
          name: 'Fuzz Nurse',
          role: 'nurse',
          hprId: '71-4000-1234-5678',
          password: 'long enough 1'
        },
        { username: 'fuzz.clerk', name: 'Fuzz Clerk', role: 'registration-clerk', password: 'long enough 2' }
      ]
    },
    { path: `/api/staff/${TARGET_USER}/reset`, weight: 1, as: 'admin', bodies: [{ password: 'long enough 3' }] },
    { path: `/api/staff/${TARGET_USER}/disable`, weight: 1, as: 'admin', bodies: [{}] }
  ]
}

/** Inputs: a POST body mutated as JSON or as text, or a GET/erase with a mutated parameter. */
function inputs(patientId: string, roster: RosterFile, staff: boolean): fc.Arbitrary<HttpInput> {
  const routes = bodySeeds(patientId, roster).filter(r => isStaffRoute(r.path) === staff)
  const post = fc.oneof(
    ...routes.map(r => ({
      weight: r.weight,
      arbitrary: fc.oneof(
        {
          weight: 5,
          arbitrary: mutatedJson(r.bodies, 3).map(b => ({
            method: 'POST' as const,
            path: r.path,
            body: JSON.stringify(b) ?? 'null',
            ...(r.as !== undefined ? { as: r.as } : {})
          }))
        },
        {
          weight: 1,
          arbitrary: fc.tuple(fc.nat(r.bodies.length - 1), byteEdits(3)).map(([i, edits]) => {
            const text = new TextEncoder().encode(JSON.stringify(r.bodies[i]))
            return {
              method: 'POST' as const,
              path: r.path,
              body: new TextDecoder().decode(mutateBytes(text, edits, [text])),
              ...(r.as !== undefined ? { as: r.as } : {})
            }
          })
        }
      )
    }))
  )
  const param = fc.oneof(
    fc.constantFrom('', patientId, patientId.slice(1), 'x'.repeat(65), '%00', '..', 'zzzzzzzz'),
    fc.string({ maxLength: 70 })
  )
  const get = fc.oneof(
    param.map(q => ({ method: 'GET' as const, path: `/api/patients?q=${encodeURIComponent(q)}` })),
    param.map(b => ({ method: 'GET' as const, path: `/api/referrals?box=${encodeURIComponent(b)}` })),
    fc.tuple(param, fc.constantFrom('', '/heads', '/fhir', '/provenance')).map(([id, tail]) => ({
      method: 'GET' as const,
      path: `/api/patients/${encodeURIComponent(id)}${tail}`
    })),
    fc
      .constantFrom('/api/status', '/api/roster', '/api/session', '/api/health')
      .map(path => ({ method: 'GET' as const, path })),
    // The audit log grows by an entry a request: read it rarely, or the runs slow down as it grows.
    fc
      .constantFrom('/api/quarantine', '/api/staff', '/api/quarantine', '/api/staff', '/api/audit')
      .map(path => ({ method: 'GET' as const, path, as: 'admin' as const })),
    // Erasure of an id that is never the seed patient (the referral seeds need it).
    param
      .filter(id => id !== patientId)
      .map(id => ({ method: 'POST' as const, path: `/api/patients/${encodeURIComponent(id)}/erase` }))
  )
  if (!staff) return fc.oneof({ weight: 4, arbitrary: post }, { weight: 1, arbitrary: get })
  // A staff account's path parameter: never the accounts the target signs in as.
  const account = fc
    .tuple(param, fc.constantFrom('disable', 'reset', 'sign-out'))
    .filter(([u]) => u !== 'medical-officer' && u !== 'facility-admin')
    .map(([u, op]) => ({
      method: 'POST' as const,
      path: `/api/staff/${encodeURIComponent(u)}/${op}`,
      body: '{"password":"long enough 4"}',
      as: 'admin' as const
    }))
  return fc.oneof({ weight: 4, arbitrary: post }, { weight: 1, arbitrary: account })
}

/** Sign-in and the staff routes: each well-formed body derives a scrypt key (0.25 s), so they are a target of their own. */
const isStaffRoute = (path: string): boolean => path === '/api/session' || path.startsWith('/api/staff')

async function check(input: HttpInput): Promise<void> {
  if (running === undefined || running.runs >= RESTART_EVERY) {
    await stopNode()
    running = await startNode()
  }
  running.runs++
  const res = await (input.as === 'admin' ? running.admin : running.client).call(
    input.method,
    input.path,
    undefined,
    input.body === undefined ? {} : { raw: input.body }
  )
  const text = typeof res.json === 'string' ? res.json : JSON.stringify(res.json ?? null)
  const json = (typeof res.json === 'object' && res.json !== null ? res.json : {}) as { error?: { name?: unknown } }
  if (typeof res.json === 'string')
    throw new FuzzFailure(`${input.method} ${input.path} answered ${res.status} with a body that is not JSON`)
  if (res.status < 400) return
  const name = json.error?.name
  expectThat(
    typeof name === 'string' && name.endsWith('Error') && name !== 'InternalError',
    `${res.status} without a named error: ${text.slice(0, 200)}`
  )
  expectThat(
    res.status < 500 || res.status === 503 || res.status === 501,
    `${input.method} ${input.path} answered ${res.status} ${String(name)}`
  )
}

function httpTargetOf(name: string, what: string, staff: boolean): FuzzTarget<HttpInput> {
  return {
    name,
    what,
    arbitrary: () => {
      if (running === undefined) throw new Error(`${name} target not open`)
      return inputs(running.patientId, running.rosterFile, staff)
    },
    check,
    toFixture: x => x,
    fromFixture: v => v as HttpInput,
    open: async () => {
      running ??= await startNode()
    },
    close: stopNode
  }
}

/** The HTTP API target: every route but sign-in and staff accounts. */
export const httpTarget = httpTargetOf(
  'http',
  'every POST body, query and path parameter of the API (records, possible duplicates, referrals, FHIR import and preview, roster, status, health, quarantine, audit), over loopback to a real FacilityNode',
  false
)

/** Sign-in and the staff-account routes (as the facility admin), slow by design (scrypt per attempt). */
export const httpStaffTarget = httpTargetOf(
  'http-staff',
  'sign-in bodies and the staff-account routes (add, reset, disable, as the facility admin), over loopback to a real FacilityNode',
  true
)

/** Where a fixture's data directory lives, for a test that wants to look. */
export const httpDataDir = (): string | undefined =>
  running === undefined ? undefined : join(running.root, 'IN2210000001')
