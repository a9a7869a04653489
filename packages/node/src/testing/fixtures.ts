/** Test helpers for node tests: a facility in a temp dir, an authority and roster, a registration. */
import { join } from 'node:path'
import { createServer } from 'node:net'
import { tweetnaclScheme } from '@pagdandi/core/crypto'
import { MemoryItemStore } from '@pagdandi/core/sync'
import type { FacilityId, FacilityKind, PatientDoc, ReferralInput, RegistrationInput } from '@pagdandi/core/record'
import { addMember, createAuthority, importRoster, rosterFile } from '../keyring/authority.js'
import type { FacilityFile } from '../datadir/DataDir.js'
import { initFacility } from '../keyring/initFacility.js'
import { itemInspector } from '../keyring/inspect.js'
import type { NodeStore } from '../ports.js'
import { hprRule, ROLES, type Role } from '@pagdandi/core/staff'
import { ApiClient } from '../cli/ApiClient.js'
import type { StaffService } from '../staff/StaffService.js'
import { FacilityNode } from '../FacilityNode.js'

/** Operator secret used by tests (long enough to pass the minimum). */
export const TEST_SECRET = 'test-operator-secret'

export { tempDir } from './tempDirs.js'

/** An in-memory store with the node's `close`. */
export async function memoryStore(): Promise<NodeStore> {
  const store = new MemoryItemStore(itemInspector())
  return Object.assign(store, { close: async () => {} })
}

/** Facilities to make: id, name, kind, and where its libp2p host listens. */
export interface FacilitySpec {
  facility: string
  name: string
  kind: FacilityKind
  carriesFor?: string[]
  addresses?: string[]
}

/**
 * Ports handed out by {@link freePort}: below Linux's ephemeral range (32768–60999), where the
 * kernel never picks the source port of an outgoing connection (the 2,000-socket flood of
 * connlimits.test.ts takes thousands of those), in a block of its own per test worker
 * (`VITEST_POOL_ID`), so that no other test file can take a port between the pick and the listen.
 */
const PORT_BLOCK = 700
const PORT_BASE = 20_000
// A random start in the block: two test runs at once on one machine (engineers side by side) use
// the same worker numbers, and would otherwise try the same ports in the same order.
let nextPort = Math.floor(Math.random() * PORT_BLOCK)

/** Whether `port` can be listened on at loopback right now. */
async function canListen(port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

/** A TCP port free on loopback right now (for roster addresses, which must be known in advance). */
export async function freePort(): Promise<number> {
  const worker = Number(process.env['VITEST_POOL_ID'] ?? process.pid) % 16
  const base = PORT_BASE + worker * PORT_BLOCK
  for (let tried = 0; tried < PORT_BLOCK; tried++) {
    const port = base + (nextPort++ % PORT_BLOCK)
    if (await canListen(port)) return port
  }
  throw new Error(`no free loopback port in ${base}-${base + PORT_BLOCK - 1}`)
}

/** A loopback libp2p WebSocket listen address on a free port. */
export async function loopbackAddress(): Promise<string> {
  return `/ip4/127.0.0.1/tcp/${await freePort()}/ws`
}

/** Initialises each facility under `root`, signs one roster with all of them and installs it in each. */
export async function makeNetwork(
  root: string,
  specs: FacilitySpec[]
): Promise<{ dirs: string[]; files: FacilityFile[] }> {
  await createAuthority(join(root, 'authority'), 'test', TEST_SECRET, tweetnaclScheme)
  const dirs: string[] = []
  const files: FacilityFile[] = []
  let roster
  for (const s of specs) {
    const dir = join(root, s.facility)
    const file = await initFacility({
      dir,
      facility: s.facility,
      name: s.name,
      kind: s.kind,
      district: 'Bastar',
      addresses: s.addresses ?? [],
      secret: TEST_SECRET
    })
    roster = await addMember(
      join(root, 'authority'),
      TEST_SECRET,
      tweetnaclScheme,
      file,
      (s.carriesFor ?? []) as FacilityId[]
    )
    dirs.push(dir)
    files.push(file)
  }
  for (const dir of dirs) await importRoster(dir, rosterFile(roster!), tweetnaclScheme)
  return { dirs, files }
}

/** A synthetic registration; names are made up for tests. */
export function registration(over: Partial<RegistrationInput> = {}): RegistrationInput {
  return {
    name: 'Somaru Markam',
    sex: 'male',
    birth: { kind: 'approx-age', years: 42, asOf: '2026-01-01' },
    village: 'Kilepal',
    block: 'Tokapal',
    district: 'Bastar',
    phone: '9826123456',
    uhid: 'CHC-0001',
    ...over
  }
}

/** Password of the staff accounts tests create (through the real StaffStore, scrypt and all). */
export const TEST_STAFF_PASSWORD = 'test-staff-password'

/** A synthetic HPR id for a test account of `role` (14 digits, `71` like the observed ones). */
export function testHprId(role: Role): string | undefined {
  return hprRule(role) === 'none' ? undefined : `71-4000-0000-000${ROLES.indexOf(role)}`
}

/** Adds a staff account named after its role, unless it exists. */
export async function addTestStaff(staff: StaffService, role: Role, username: string = role): Promise<void> {
  if ((await staff.accounts.list()).some(a => a.username === username)) return
  const hprId = testHprId(role)
  await staff.accounts.add({
    username,
    name: `Test ${role}`,
    role,
    password: TEST_STAFF_PASSWORD,
    ...(hprId !== undefined ? { hprId } : {})
  })
}

const signedIn = new WeakMap<StaffService, Map<string, ApiClient>>()

/** A client of a running node, signed in over HTTP as an account of `role` (made once, then reused). */
export async function staffClient(
  node: { staff: StaffService; url: string | undefined },
  role: Role = 'medical-officer',
  username: string = role
): Promise<ApiClient> {
  const clients = signedIn.get(node.staff) ?? new Map<string, ApiClient>()
  signedIn.set(node.staff, clients)
  const known = clients.get(`${node.url} ${username}`)
  if (known !== undefined) return known
  await addTestStaff(node.staff, role, username)
  const client = await ApiClient.signIn(node.url!, username, TEST_STAFF_PASSWORD)
  clients.set(`${node.url} ${username}`, client)
  return client
}

/** A referral slip for a patient with severe anaemia, to facility `to`. */
export function anaemiaReferral(to: string, treatmentGiven = 'IFA'): ReferralInput {
  return {
    to: to as FacilityId,
    reason: 'Severe anaemia',
    urgency: 'urgent',
    treatmentGiven,
    transport: '108',
    provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia, unspecified' }
  }
}

/**
 * A plain patient document as `readPatient` gives it, for the search index's tests: only what
 * indexing reads (synthetic names; an ABHA number as registered, bare digits).
 */
export function indexedPatient(
  r: Pick<RegistrationInput, 'name' | 'village'> & Partial<RegistrationInput>,
  facility = 'IN2210000001'
): PatientDoc {
  return {
    schema: 1,
    registeredAt: '2026-11-01T04:00:00.000Z',
    registeredBy: facility,
    demographics: {
      name: r.name,
      nameVariants: [],
      sex: r.sex ?? 'female',
      birth: r.birth ?? { kind: 'approx-age', years: 30, asOf: '2026-01-01' },
      address: { village: r.village, block: 'Tokapal', district: 'Bastar' },
      ...(r.guardian !== undefined ? { guardian: r.guardian } : {}),
      ...(r.phone !== undefined ? { phone: r.phone } : {})
    },
    identifiers: {
      uhid: { [facility]: r.uhid ?? 'CHC-0001' },
      ...(r.abhaNumber !== undefined ? { abhaNumber: r.abhaNumber } : {})
    },
    encounters: {},
    allergies: {},
    alerts: {},
    referrals: {},
    summaries: {},
    duplicates: {},
    resolutions: {}
  } as unknown as PatientDoc
}

/** A node on `dir` with an in-memory store and an HTTP API on a free port, started; stop it with `running`. */
export async function startHttpNode(dir: string, running: FacilityNode[], store?: NodeStore): Promise<FacilityNode> {
  const s = store ?? (await memoryStore())
  const node = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: { port: 0 }, openStore: async () => s })
  await node.start()
  running.push(node)
  return node
}
