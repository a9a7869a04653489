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
import { makeNetwork, registration, staffClient, TEST_SECRET } from '../../../packages/node/src/testing/fixtures.js'
import { expectThat, FuzzFailure, type FuzzTarget } from '../harness.js'
import { mutateBytes, byteEdits, mutatedJson } from '../mutate.js'
import { fhirSeeds } from './fhir.js'

const RESTART_EVERY = 20_000

/** One request: a route, and either a JSON body or raw body text. */
export interface HttpInput {
  method: 'GET' | 'POST'
  path: string
  body?: string
}

interface Running {
  node: FacilityNode
  /** Signed in as a medical officer: every route but sign-in needs a session (and writes its CSRF token). */
  client: ApiClient
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
  return { node, client, root, patientId, rosterFile, runs: 0 }
}

async function stopNode(): Promise<void> {
  if (running === undefined) return
  await running.node.stop()
  await rm(running.root, { recursive: true, force: true })
  running = undefined
}

/** Valid bodies of every POST route, the seeds the mutations start from (the patient id is filled in at run time). */
function bodySeeds(patientId: string, roster: RosterFile): { path: string; bodies: unknown[] }[] {
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
      bodies: [
        { patientId, referral },
        { patientId, referral: { ...referral, encounterId: 'e1' } }
      ]
    },
    { path: '/api/fhir/import', bodies: fhirSeeds },
    { path: '/api/roster', bodies: [roster] }
  ]
}

/** Inputs: a POST body mutated as JSON or as text, or a GET/erase with a mutated parameter. */
function inputs(patientId: string, roster: RosterFile): fc.Arbitrary<HttpInput> {
  const routes = bodySeeds(patientId, roster)
  const post = fc.oneof(
    ...routes.map(r => ({
      weight: r.path === '/api/roster' ? 1 : 3,
      arbitrary: fc.oneof(
        {
          weight: 5,
          arbitrary: mutatedJson(r.bodies, 3).map(b => ({
            method: 'POST' as const,
            path: r.path,
            body: JSON.stringify(b) ?? 'null'
          }))
        },
        {
          weight: 1,
          arbitrary: fc.tuple(fc.nat(r.bodies.length - 1), byteEdits(3)).map(([i, edits]) => {
            const text = new TextEncoder().encode(JSON.stringify(r.bodies[i]))
            return {
              method: 'POST' as const,
              path: r.path,
              body: new TextDecoder().decode(mutateBytes(text, edits, [text]))
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
    fc.tuple(param, fc.constantFrom('', '/heads', '/fhir')).map(([id, tail]) => ({
      method: 'GET' as const,
      path: `/api/patients/${encodeURIComponent(id)}${tail}`
    })),
    // Erasure of an id that is never the seed patient (the referral seeds need it).
    param
      .filter(id => id !== patientId)
      .map(id => ({ method: 'POST' as const, path: `/api/patients/${encodeURIComponent(id)}/erase` }))
  )
  return fc.oneof({ weight: 4, arbitrary: post }, { weight: 1, arbitrary: get })
}

async function check(input: HttpInput): Promise<void> {
  if (running === undefined || running.runs >= RESTART_EVERY) {
    await stopNode()
    running = await startNode()
  }
  running.runs++
  const res = await running.client.call(
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

/** The HTTP API target. */
export const httpTarget: FuzzTarget<HttpInput> = {
  name: 'http',
  what: 'every POST body, query and path parameter of the API, over loopback to a real FacilityNode',
  arbitrary: () => {
    if (running === undefined) throw new Error('http target not open')
    return inputs(running.patientId, running.rosterFile)
  },
  check,
  toFixture: x => x,
  fromFixture: v => v as HttpInput,
  open: async () => {
    running ??= await startNode()
  },
  close: stopNode
}

/** Where a fixture's data directory lives, for a test that wants to look. */
export const httpDataDir = (): string | undefined =>
  running === undefined ? undefined : join(running.root, 'IN2210000001')
