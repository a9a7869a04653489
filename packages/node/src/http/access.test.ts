/**
 * Every route × every role, from a real HTTP client against a real node (LevelDB on disk): the
 * answer is the one docs/ROLES.md promises, and a refused request changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PatientProvenance } from '@pagdandi/core/api'
import { can, ROLES, type Action, type Role } from '@pagdandi/core/staff'
import { ApiClient } from '../cli/ApiClient.js'
import { openStore } from '../cli/storeFactory.js'
import { FacilityNode } from '../FacilityNode.js'
import { TEST_SECRET, makeNetwork, registration, staffClient, tempDir } from '../testing/fixtures.js'
import { ROUTE_ACCESS } from './access.js'

const CHC = 'IN2210000101'
const DH = 'IN2210000201'
let node: FacilityNode
let patientId: string
const clients = new Map<Role, ApiClient>()
let serial = 0

beforeAll(async () => {
  const { dirs } = await makeNetwork(await tempDir(), [
    { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
    { facility: DH, name: 'DH Jagdalpur', kind: 'DH' }
  ])
  node = await FacilityNode.open({ data: dirs[0]!, secret: TEST_SECRET, http: { port: 0 }, openStore })
  await node.start()
  for (const role of ROLES) clients.set(role, await staffClient(node, role))
  patientId = (
    (await clients.get('registration-clerk')!.post('/api/patients', registration())) as { patientId: string }
  ).patientId
}, 120_000)
afterAll(async () => {
  await node?.stop()
})

/** One concrete request per route of access.ts; erasure gets a patient of its own. */
interface Cell {
  method: string
  route: string
  path: () => string | Promise<string>
  body?: () => unknown
  action: Action | 'signed-in'
}

const referral = (): unknown => ({
  patientId,
  referral: {
    to: DH,
    reason: 'suspected severe malaria',
    urgency: 'urgent',
    provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B50.9', display: 'P. falciparum malaria' },
    treatmentGiven: 'artesunate',
    transport: 'ambulance-108'
  }
})

const CELLS: Cell[] = [
  { method: 'GET', route: '/api/session', path: () => `/api/session`, action: 'signed-in' },
  { method: 'GET', route: '/api/status', path: () => `/api/status`, action: 'status.view' },
  { method: 'GET', route: '/api/roster', path: () => `/api/roster`, action: 'roster.view' },
  { method: 'GET', route: '/api/today', path: () => `/api/today`, action: 'patient.search' },
  {
    method: 'POST',
    route: '/api/roster',
    path: () => '/api/roster',
    body: () => ({ authorityKey: 'AA==', roster: 'AA==' }),
    action: 'roster.update'
  },
  { method: 'GET', route: '/api/patients', path: () => `/api/patients?q=somaru`, action: 'patient.search' },
  {
    method: 'POST',
    route: '/api/patients',
    path: () => '/api/patients',
    // A UHID of its own each time: registering one twice is refused (DuplicateIdentifierError).
    body: () => registration({ uhid: `CHC-R${++serial}` }),
    action: 'patient.register'
  },
  {
    method: 'POST',
    route: '/api/patients/matches',
    path: () => '/api/patients/matches',
    body: () => ({ name: 'Somaru Markam', village: 'Kilepal' }),
    action: 'patient.register'
  },
  { method: 'GET', route: '/api/patients/:id', path: () => `/api/patients/${patientId}`, action: 'patient.view' },
  {
    method: 'GET',
    route: '/api/patients/:id/heads',
    path: () => `/api/patients/${patientId}/heads`,
    action: 'patient.view'
  },
  {
    method: 'GET',
    route: '/api/patients/:id/provenance',
    path: () => `/api/patients/${patientId}/provenance`,
    action: 'patient.view'
  },
  {
    method: 'GET',
    route: '/api/patients/:id/fhir',
    path: () => `/api/patients/${patientId}/fhir`,
    action: 'patient.export'
  },
  {
    method: 'POST',
    route: '/api/patients/:id/encounters',
    path: () => `/api/patients/${patientId}/encounters`,
    body: () => ({ complaints: ['fever 2 days'] }),
    action: 'encounter.open'
  },
  {
    method: 'POST',
    route: '/api/patients/:id/demographics',
    path: () => `/api/patients/${patientId}/demographics`,
    body: () => ({ village: 'Kilepal' }),
    action: 'demographics.edit'
  },
  {
    method: 'POST',
    route: '/api/patients/:id/merge',
    // Into a record nobody holds: heard (404), and nothing merged.
    path: () => `/api/patients/${patientId}/merge`,
    body: () => ({ into: 'abcdefgh12345678' }),
    action: 'patient.merge'
  },
  {
    method: 'POST',
    route: '/api/patients/:id/unmerge',
    path: () => `/api/patients/${patientId}/unmerge`,
    body: () => ({}),
    action: 'patient.merge'
  },
  { method: 'GET', route: '/api/referrals', path: () => `/api/referrals?box=incoming`, action: 'referral.view' },
  { method: 'POST', route: '/api/referrals', path: () => `/api/referrals`, body: referral, action: 'referral.create' },
  {
    method: 'POST',
    route: '/api/fhir/preview',
    path: () => '/api/fhir/preview',
    body: () => ({ resourceType: 'Bundle' }),
    action: 'patient.import'
  },
  {
    method: 'POST',
    route: '/api/fhir/import',
    path: () => '/api/fhir/import',
    body: () => ({ resourceType: 'Bundle' }),
    action: 'patient.import'
  },
  { method: 'GET', route: '/api/staff', path: () => `/api/staff`, action: 'staff.manage' },
  {
    method: 'POST',
    route: '/api/staff',
    path: () => '/api/staff',
    body: () => ({
      username: `clerk${Math.floor(Math.random() * 1e9)}`,
      name: 'New Clerk',
      role: 'registration-clerk',
      password: 'long enough'
    }),
    action: 'staff.manage'
  },
  {
    method: 'POST',
    route: '/api/staff/nobody/disable',
    path: () => `/api/staff/nobody/disable`,
    body: () => ({}),
    action: 'staff.manage'
  },
  {
    method: 'POST',
    route: '/api/staff/nobody/reset',
    path: () => '/api/staff/nobody/reset',
    body: () => ({ password: 'long enough' }),
    action: 'staff.manage'
  },
  {
    method: 'POST',
    route: '/api/staff/nobody/sign-out',
    path: () => '/api/staff/nobody/sign-out',
    body: () => ({}),
    action: 'staff.manage'
  },
  {
    method: 'POST',
    route: '/api/patients/:id/card',
    path: () => `/api/patients/${patientId}/card`,
    body: () => ({}),
    action: 'card.print'
  },
  {
    method: 'POST',
    route: '/api/patients/:id/card/revoke',
    path: () => `/api/patients/${patientId}/card/revoke`,
    body: () => ({}),
    action: 'card.revoke'
  },
  // A code that does not decode: heard (400 MalformedCardCodeError), nothing fetched.
  {
    method: 'POST',
    route: '/api/cards/open',
    path: () => '/api/cards/open',
    body: () => ({ code: 'PGD:X' }),
    action: 'card.open'
  },
  {
    method: 'GET',
    route: '/api/cards/fetches/0123456789abcdef01234567',
    path: () => '/api/cards/fetches/0123456789abcdef01234567',
    action: 'card.open'
  },
  { method: 'GET', route: '/api/quarantine', path: () => `/api/quarantine`, action: 'audit.view' },
  { method: 'GET', route: '/api/audit', path: () => `/api/audit`, action: 'audit.view' },
  {
    method: 'POST',
    route: '/api/patients/:id/erase',
    path: async () => {
      const p = await clients
        .get('registration-clerk')!
        .post<{ patientId: string }>('/api/patients', registration({ uhid: `CHC-E${++serial}` }))
      return `/api/patients/${p.patientId}/erase`
    },
    body: () => ({}),
    action: 'patient.erase'
  },
  {
    method: 'POST',
    route: '/api/patients/:id/erase-everywhere',
    path: async () => {
      const p = await clients
        .get('registration-clerk')!
        .post<{ patientId: string }>('/api/patients', registration({ uhid: `CHC-W${++serial}` }))
      return `/api/patients/${p.patientId}/erase-everywhere`
    },
    body: () => ({}),
    action: 'patient.erase'
  },
  {
    method: 'POST',
    route: '/api/patients/:id/share',
    path: () => `/api/patients/${patientId}/share`,
    body: () => ({ to: DH }),
    action: 'referral.create'
  },
  {
    method: 'GET',
    route: '/api/patients/:id/consents',
    path: () => `/api/patients/${patientId}/consents`,
    action: 'patient.view'
  },
  { method: 'GET', route: '/api/erasures', path: () => '/api/erasures', action: 'patient.erase' },
  { method: 'GET', route: '/api/erasures/:id', path: () => `/api/erasures/${patientId}`, action: 'patient.erase' }
]

describe('every route for every role (docs/ROLES.md)', () => {
  it('lists a request for every route of the access table', () => {
    const routes = [...CELLS.map(c => [c.method, c.route] as const), ['DELETE', '/api/session'] as const]
    for (const row of ROUTE_ACCESS.filter(r => r.access !== 'public'))
      expect(
        routes.some(
          ([method, route]) => method === row.method && row.path.test(route.replace(':id', 'abcdefgh12345678'))
        ),
        `${row.method} ${row.path}`
      ).toBe(true)
  })

  for (const cell of CELLS) {
    it(`${cell.method} ${cell.route} (${cell.action})`, async () => {
      const got: Record<string, string> = {}
      const want: Record<string, string> = {}
      for (const role of ROLES) {
        const a = await clients.get(role)!.call(cell.method, await cell.path(), cell.body?.())
        const name = (a.json as { error?: { name: string } } | undefined)?.error?.name
        got[role] =
          a.status === 403 && name === 'RoleForbiddenError' ? 'refused' : a.status === 401 ? 'signed out' : 'heard'
        want[role] = cell.action === 'signed-in' || can(role, cell.action) ? 'heard' : 'refused'
      }
      expect(got).toEqual(want)
    }, 60_000)
  }

  it('a refused request reached nothing: only the allowed registrations exist', async () => {
    const allowed = ROLES.filter(r => can(r, 'patient.register')).length
    // the shared patient, one per allowed role in the table, and the erasure patients (one per role
    // for each of the two erasure routes; one of each erased)
    const status = await clients.get('facility-admin')!.get<{ patients: number }>('/api/status')
    expect(status.patients).toBe(1 + allowed + 2 * (ROLES.length - 1))
  })

  it('an entry written over HTTP names the signed-in practitioner, as the facility vouched', async () => {
    const mo = clients.get('medical-officer')!
    const { patientId: id } = (await mo.post('/api/patients', registration({ uhid: 'CHC-0099' }))) as {
      patientId: string
    }
    const p = await mo.get<PatientProvenance>(`/api/patients/${id}/provenance`)
    expect(p.entries.find(e => e.path === 'registration')).toMatchObject({
      status: 'verified',
      author: { name: 'Test medical-officer', role: 'medical-officer', hprId: '71400000000002' }
    })
  })

  it('without a session every route but sign-in and health answers 401 SignInRequiredError', async () => {
    const anon = new ApiClient(node.url!)
    for (const cell of CELLS) {
      const a = await anon.call(cell.method, await cell.path(), cell.body?.())
      expect({ cell: `${cell.method} ${cell.action}`, status: a.status, json: a.json }).toEqual({
        cell: `${cell.method} ${cell.action}`,
        status: 401,
        json: { error: { name: 'SignInRequiredError', message: 'sign in to continue' } }
      })
    }
    expect((await anon.call('GET', '/api/health')).status).toBe(200)
  }, 60_000)

  it('DELETE /api/session signs each role out: the cookie no longer opens anything', async () => {
    for (const role of ROLES) {
      const c = clients.get(role)!
      expect((await c.call('DELETE', '/api/session')).status).toBe(200)
      expect((await c.call('GET', '/api/session')).status).toBe(401)
    }
  })
})
