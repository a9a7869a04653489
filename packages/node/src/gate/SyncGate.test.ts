import type { IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import { Repo, type DocHandle, type DocumentId } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import {
  addEncounter,
  readPatient,
  wrapStrings,
  type FacilityId,
  type PatientDoc,
  type PatientId,
  type PractitionerId
} from '@pagdandi/core/record'
import { authorOf, type Role, type StaffId, type StaffSession } from '@pagdandi/core/staff'
import { replicatorFactory } from '../cli/replicatorFactory.js'
import { FacilityNode } from '../FacilityNode.js'
import type { NodeStore } from '../ports.js'
import type { AuditInput } from '../staff/AuditLog.js'
import {
  TEST_SECRET,
  loopbackAddress,
  makeNetwork,
  memoryStore,
  registration,
  staffClient,
  tempDir
} from '../testing/fixtures.js'
import { signedInProxy } from '../testing/headerProxy.js'

const CHC = 'IN2210000101' as FacilityId
const DH = 'IN2210000001' as FacilityId

const staff = (role: Role, name: string, hprId?: string): StaffSession => ({
  staffId: `st-${role}` as StaffId,
  username: role,
  name,
  role,
  facility: CHC,
  ...(hprId === undefined ? {} : { hprId: hprId as PractitionerId })
})
const MO = staff('medical-officer', 'Dr. Meena Netam', '71123456789012')
const LAB = staff('lab-technician', 'Sunita Baghel')

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

/**
 * The CHC (serving browsers, its `/sync` bound to sessions) and its DH, replicating over real
 * libp2p on loopback, with one patient referred to the DH. Sessions are looked up by the socket's
 * `?as=` (the staff module's cookie sessions are tested with it in test/ui-roles.test.ts); a name
 * in `signedOut` has no session any more.
 */
async function chcAndDh(): Promise<{
  chc: FacilityNode
  dh: FacilityNode
  chcStore: NodeStore
  patientId: PatientId
  audit: AuditInput[]
  signedOut: Set<string>
}> {
  const root = await tempDir()
  const { dirs } = await makeNetwork(root, [
    { facility: DH, name: 'DH Jagdalpur', kind: 'DH', addresses: [await loopbackAddress()] },
    { facility: CHC, name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] }
  ])
  const audit: AuditInput[] = []
  const signedOut = new Set<string>()
  const sessions: Record<string, StaffSession> = { mo: MO, lab: LAB }
  const chcStore = await memoryStore()
  const start = async (dir: string, store: NodeStore, http: boolean): Promise<FacilityNode> => {
    const node = await FacilityNode.open({
      data: dir,
      secret: TEST_SECRET,
      http: http ? { port: 0 } : false,
      openStore: async () => store,
      createReplicator: replicatorFactory({ maxRedialMs: 1000 }),
      syncSessionOf: async (req: IncomingMessage) => {
        const as = new URL(req.url ?? '/', 'http://x').searchParams.get('as') ?? ''
        return signedOut.has(as) ? undefined : sessions[as]
      },
      audit: async e => {
        audit.push(e)
      }
    })
    await node.start()
    cleanup.push(async () => {
      await node.stop()
    })
    return node
  }
  const dh = await start(dirs[0]!, await memoryStore(), false)
  const chc = await start(dirs[1]!, chcStore, true)
  const { patientId } = await chc.patients.register(registration(), authorOf(MO))
  await chc.referrals.create(
    patientId,
    {
      to: DH,
      reason: 'Severe anaemia',
      urgency: 'urgent',
      treatmentGiven: 'IFA started',
      transport: '108',
      provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia' }
    },
    authorOf(MO)
  )
  await expect.poll(async () => await dh.documents.open(patientId), { timeout: 30_000 }).toBeDefined()
  // The DH's `received` mark is the last item to cross before a test begins counting.
  await expect.poll(async () => (await chc.referrals.list('outgoing'))[0]?.delivered, { timeout: 30_000 }).toBe(true)
  return { chc, dh, chcStore, patientId, audit, signedOut }
}

/** A browser signed in as `as`, holding the patient's live document. */
async function browser(node: FacilityNode, as: string, patientId: PatientId): Promise<DocHandle<PatientDoc>> {
  // The HTTP guard lets the upgrade through only with a session cookie and the page's Origin; the
  // gate then judges each change as the staff member the test's `syncSessionOf` names by `as`.
  const proxy = await signedInProxy(node.url!, await staffClient(node))
  const repo = new Repo({ network: [new WebSocketClientAdapter(`${proxy.syncUrl}?as=${as}`)] })
  cleanup.push(async () => {
    await repo.shutdown()
    await proxy.close()
  })
  return await repo.find<PatientDoc>(patientId as unknown as DocumentId, { signal: AbortSignal.timeout(20_000) })
}

/** Resolves with the name of the next refusal the node sends about this document. */
function refusal(handle: DocHandle<PatientDoc>): Promise<{ name: string; path?: string }> {
  return new Promise(resolve => {
    handle.on('ephemeral-message', ({ message }) => {
      const m = message as { refused?: { name: string; path?: string } }
      if (m.refused !== undefined) resolve(m.refused)
    })
  })
}

type Raw = Record<string, unknown>

describe('the /sync gate: the node seals only what it validated', () => {
  it('refuses the attack of issue 13 (a rename by a role that may not, demographics = 42, referrals = "x"), and nothing of it reaches the DH', async () => {
    const { chc, dh, chcStore, patientId, audit } = await chcAndDh()
    const before = await chcStore.lastSeq()

    const lab = await browser(chc, 'lab', patientId)
    const renamed = refusal(lab)
    lab.change(d => {
      d.demographics.name = wrapStrings('Attacker')
    })
    expect(await renamed).toEqual({ name: 'RoleForbiddenError' })

    const mo1 = await browser(chc, 'mo', patientId)
    const broken = refusal(mo1)
    mo1.change(d => {
      ;(d as unknown as Raw).demographics = 42
    })
    expect(await broken).toEqual({ name: 'InvalidPatientDocumentError', path: 'demographics' })

    const mo2 = await browser(chc, 'mo', patientId)
    const referrals = refusal(mo2)
    mo2.change(d => {
      ;(d as unknown as Raw).referrals = wrapStrings('x')
    })
    expect(await referrals).toEqual({ name: 'InvalidPatientDocumentError', path: 'referrals' })

    // Nothing refused was sealed: not one item was stored.
    expect(await chcStore.lastSeq()).toBe(before)
    const atChc = readPatient((await chc.documents.open<PatientDoc>(patientId))!)
    expect(atChc.demographics.name).toBe('Somaru Markam')

    // An honest edit after the attacks travels to the DH; the attacks, sent before it, did not.
    const mo3 = await browser(chc, 'mo', patientId)
    mo3.change(d => {
      d.demographics.nameVariants.push(wrapStrings('Somru Markaam'))
    })
    await expect
      .poll(async () => readPatient((await dh.documents.open<PatientDoc>(patientId))!).demographics.nameVariants, {
        timeout: 30_000
      })
      .toEqual(['Somru Markaam'])
    const atDh = readPatient((await dh.documents.open<PatientDoc>(patientId))!)
    expect(atDh.demographics.name).toBe('Somaru Markam')
    expect(Object.values(atDh.referrals)).toHaveLength(1)
    expect((await dh.referrals.list('incoming')).map(r => r.patientId)).toEqual([patientId])

    // Every refusal is in the audit log, by whom and why, with ids only.
    expect(audit.filter(e => e.event === 'record.change.refused')).toEqual([
      {
        event: 'record.change.refused',
        actor: LAB.staffId,
        patient: patientId,
        detail: { reason: 'RoleForbiddenError' }
      },
      {
        event: 'record.change.refused',
        actor: MO.staffId,
        patient: patientId,
        detail: { reason: 'InvalidPatientDocumentError', path: 'demographics' }
      },
      {
        event: 'record.change.refused',
        actor: MO.staffId,
        patient: patientId,
        detail: { reason: 'InvalidPatientDocumentError', path: 'referrals' }
      }
    ])
    expect(audit.some(e => e.event === 'record.change' && e.actor === MO.staffId)).toBe(true)
  })

  it('names who made a browser change in the sealed item: the DH shows the CHC doctor, verified; a claim of another author is refused', async () => {
    const { chc, dh, chcStore, patientId } = await chcAndDh()
    const mo = await browser(chc, 'mo', patientId)
    const forged = refusal(mo)
    const before = await chcStore.lastSeq()
    mo.change(d => {
      addEncounter(
        d,
        { complaints: ['fever'] },
        {
          facility: CHC,
          at: '2026-12-03T10:42:00.000Z',
          by: { ...authorOf(MO), name: 'Dr. Someone Else' }
        }
      )
    })
    expect((await forged).name).toBe('ClaimedAuthorError')
    expect(await chcStore.lastSeq()).toBe(before)

    const honest = await browser(chc, 'mo', patientId)
    let encounterId = ''
    honest.change(d => {
      encounterId = addEncounter(
        d,
        { complaints: ['fever'], vitals: { temperature: 38.5 } },
        {
          facility: CHC,
          at: '2026-12-03T10:42:00.000Z',
          by: authorOf(MO)
        }
      )
    })
    const path = `encounters/${encounterId}`
    await expect
      .poll(async () => (await dh.patients.provenance(patientId)).entries.find(e => e.path === path), {
        timeout: 30_000
      })
      .toEqual({
        path,
        status: 'verified',
        facility: CHC,
        facilityName: 'CHC Tokapal',
        author: authorOf(MO),
        at: '2026-12-03T10:42:00.000Z'
      })
    const registered = (await dh.patients.provenance(patientId)).entries.find(e => e.path === 'registration')
    expect(registered).toMatchObject({ status: 'verified', author: authorOf(MO), facilityName: 'CHC Tokapal' })
  })

  it('binds a socket to its staff member: once signed out, the next change is refused and nothing is sealed', async () => {
    const { chc, chcStore, patientId, audit, signedOut } = await chcAndDh()
    const mo = await browser(chc, 'mo', patientId)
    const before = await chcStore.lastSeq()
    signedOut.add('mo')
    const refused = refusal(mo)
    mo.change(d => {
      d.demographics.nameVariants.push(wrapStrings('Somru'))
    })
    expect((await refused).name).toBe('SignInRequiredError')
    expect(await chcStore.lastSeq()).toBe(before)
    expect(audit.some(e => e.event === 'record.change' && e.patient === patientId)).toBe(false)
    const doc = A.clone((await chc.documents.open<PatientDoc>(patientId))!)
    expect(readPatient(doc).demographics.nameVariants).toEqual([])
  })
})
