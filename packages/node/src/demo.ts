/**
 * `npm run demo`: a CHC and its district hospital on loopback, showing what syncs.
 *
 * In a temp directory it makes a network authority, the two facilities and a signed roster, starts
 * both nodes (libp2p and HTTP on random loopback ports), seeds the CHC with synthetic patients,
 * refers one to the DH and prints what crossed the link, then stops both cleanly.
 */
import './polyfill.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FacilityId, PatientDoc, PatientId } from '@pagdandi/core/record'
import { readPatient } from '@pagdandi/core/record'
import { openStore } from './cli/storeFactory.js'
import { createReplicator } from './cli/replicatorFactory.js'
import { nodeSignatureScheme } from './crypto/index.js'
import { FacilityNode } from './FacilityNode.js'
import { addMember, createAuthority, importRoster, rosterFile } from './keyring/authority.js'
import { initFacility } from './keyring/initFacility.js'
import { ApiClient } from './cli/ApiClient.js'
import { randomPassword } from './staff/password.js'
import { StaffStore } from './staff/StaffStore.js'

/** The medical officer the demo signs in as at each facility (synthetic HPR id). */
const DEMO_MO = { username: 'dr.demo', hprId: '71-4000-0000-0099' }

const SECRET = 'demo-operator-secret'
const PATIENTS = Number(process.env.PAGDANDI_DEMO_PATIENTS ?? 30)
const SEED = Number(process.env.PAGDANDI_DEMO_SEED ?? 2026)
const CHC = { facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC' as const }
const DH = { facility: 'IN2210000001', name: 'Maharani District Hospital, Jagdalpur', kind: 'DH' as const }

const say = (line = ''): void => {
  process.stdout.write(line + '\n')
}
const kb = (n: number): string => (n < 10_240 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`)

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

async function main(): Promise<void> {
  const t0 = Date.now()
  const root = await mkdtemp(join(tmpdir(), 'pagdandi-demo-'))
  const scheme = nodeSignatureScheme()
  say('Pagdandi demo: a CHC and its district hospital on loopback (synthetic data only)')
  say(`  working in ${root}`)

  // 1. Identities and the signed roster. The DH is the CHC's hub: it carries the CHC's items.
  await createAuthority(join(root, 'authority'), 'bastar-demo', SECRET, scheme)
  const dirs = { chc: join(root, 'chc'), dh: join(root, 'dh') }
  const chcFile = await initFacility({
    dir: dirs.chc,
    ...CHC,
    district: 'Bastar',
    addresses: [`/ip4/127.0.0.1/tcp/${await freePort()}/ws`],
    secret: SECRET
  })
  const dhFile = await initFacility({
    dir: dirs.dh,
    ...DH,
    district: 'Bastar',
    addresses: [`/ip4/127.0.0.1/tcp/${await freePort()}/ws`],
    secret: SECRET
  })
  await addMember(join(root, 'authority'), SECRET, scheme, chcFile)
  const roster = await addMember(join(root, 'authority'), SECRET, scheme, dhFile, [CHC.facility as FacilityId])
  for (const d of Object.values(dirs)) await importRoster(d, rosterFile(roster), scheme)
  say(
    `\n1. Network authority signed roster v${roster.body.version}: ${CHC.name} (${CHC.facility}), ${DH.name} (${DH.facility}, hub for the CHC)`
  )
  // Staff sign in before anything is shown or changed over HTTP: an admin and a medical officer per facility.
  const signIns = new Map<string, { username: string; password: string }>()
  say('   sign-ins created (synthetic staff; valid while the demo runs):')
  for (const [key, file] of [
    ['chc', chcFile],
    ['dh', dhFile]
  ] as const) {
    const staff = new StaffStore(dirs[key], file.facility)
    const admin = { username: 'admin', password: randomPassword() }
    const mo = { username: DEMO_MO.username, password: randomPassword() }
    await staff.add({ ...admin, name: 'Facility admin', role: 'facility-admin' })
    await staff.add({ ...mo, name: `Dr. Demo (${file.name})`, role: 'medical-officer', hprId: DEMO_MO.hprId })
    signIns.set(key, mo)
    say(
      `     ${file.name}: admin / ${admin.password} (facility admin), ${mo.username} / ${mo.password} (medical officer)`
    )
  }

  const open = async (data: string): Promise<FacilityNode> => {
    const node = await FacilityNode.open({
      data,
      secret: SECRET,
      http: { port: 0 },
      openStore,
      createReplicator,
      scheme
    })
    await node.start()
    return node
  }

  // 2. The CHC works offline first: the DH is not running yet.
  const chc = await open(dirs.chc)
  say(`\n2. ${CHC.name} is up (API ${chc.url}); the DH is offline.`)
  const officer = await ApiClient.signIn(chc.url!, signIns.get('chc')!.username, signIns.get('chc')!.password)
  const signedOut = await new ApiClient(chc.url!).call('GET', '/api/status')
  say(
    `   ${officer.staff!.name} signed in over HTTP as a ${officer.staff!.role}; a request without a session answers ${signedOut.status}`
  )
  say(`   Registering ${PATIENTS} synthetic patients…`)
  const ids = await chc.patients.seed(PATIENTS, SEED, (done, total) => {
    if (done % 10 === 0 || done === total) process.stderr.write(`   seeded ${done}/${total}\r`)
  })
  process.stderr.write('\n')
  const sealed = chc.documents.stats
  say(
    `   ${ids.length} patients, ${sealed.sealedItems} sealed items (${kb(sealed.sealedBytes)}) stored at the CHC; nothing has left it yet`
  )

  // 3. The link comes up: the DH starts, and as the CHC's carrier it receives ciphertext it cannot open.
  const dh = await open(dirs.dh)
  say(`\n3. ${DH.name} comes online (API ${dh.url}); the link comes up.`)
  const itemsAt = async (node: FacilityNode): Promise<number> => (await node.status.report()).items ?? 0
  await until('the DH to hold the CHC items', async () => (await itemsAt(dh)) >= (await itemsAt(chc)))
  const m1 = (await chc.status.report()).traffic
  say(
    `   the DH now stores ${await itemsAt(dh)} items as carrier; it can open ${dh.documents.docIds().length} of the CHC's patient records`
  )
  if (m1 !== undefined) say(`   on the wire so far: ${kb(m1.bytesOut)} CHC→DH, ${kb(m1.bytesIn)} DH→CHC`)

  // 4. A referral: grant the DH, record it in the document, seal, push.
  const patientId = await pickReferral(chc, ids as PatientId[])
  const doc = readPatient((await chc.documents.open<PatientDoc>(patientId))!)
  const before = await itemsAt(dh)
  const { referralId } = await chc.referrals.create(patientId, {
    to: DH.facility as FacilityId,
    reason: 'Severe anaemia, needs transfusion work-up',
    urgency: 'urgent',
    provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia, unspecified' },
    treatmentGiven: 'IFA started; referred by 108',
    transport: '108'
  })
  say(
    `\n4. The CHC refers patient ${patientId} (${doc.demographics.name}, synthetic) to the DH: referral ${referralId}`
  )
  await until('the referral to reach the DH inbox', async () =>
    (await dh.referrals.list('incoming')).some(r => r.referralId === referralId)
  )
  const atDh = readPatient((await dh.documents.open<PatientDoc>(patientId))!)
  const encounters = Object.values(atDh.encounters)
  const diagnoses = encounters.flatMap(e => Object.values(e.diagnoses).map(d => d.coding.display))
  say(`   it reached the DH with ${(await itemsAt(dh)) - before} new items; the DH can now open the record:`)
  say(`   ${encounters.length} encounters, diagnoses: ${[...new Set(diagnoses)].slice(0, 4).join('; ') || 'none'}`)
  say(
    `   the DH holds the same document as the CHC: ${sameHeads(dh.documents.durableHeads(patientId), chc.documents.durableHeads(patientId)) ? 'yes' : 'not yet (the DH has since added its receipt)'}`
  )

  // 5. The DH marks the referral received; that change travels back, so the CHC knows it was delivered.
  await until('the CHC to see the referral delivered', async () =>
    (await chc.referrals.list('outgoing')).some(r => r.referralId === referralId && r.delivered)
  )
  const out = (await chc.referrals.list('outgoing')).find(r => r.referralId === referralId)!
  say(`\n5. Back at the CHC the referral shows status "${out.status}", delivered: ${out.delivered}`)
  await until('both nodes to converge', async () =>
    sameHeads(dh.documents.durableHeads(patientId), chc.documents.durableHeads(patientId))
  )
  say('   both nodes now hold identical documents (same Automerge heads)')

  // 6. Status of both nodes.
  say('\n6. Status')
  for (const node of [chc, dh]) {
    const s = await node.status.report()
    const m = s.traffic
    say(
      `   ${s.name}: ${s.patients} records open, ${s.items} items stored, referrals undelivered ${s.undeliveredReferrals}`
    )
    for (const p of s.peers)
      say(
        `     peer ${p.name}: ${p.connected ? 'connected' : 'offline'}, ${p.itemsToSend ?? '?'} to send, ${p.itemsToReceive ?? '?'} to receive`
      )
    if (m !== undefined)
      say(`     sent ${kb(m.bytesOut)} in ${m.framesOut} frames, received ${kb(m.bytesIn)} in ${m.framesIn} frames`)
  }

  await chc.stop()
  await dh.stop()
  await rm(root, { recursive: true, force: true })
  say(
    `\nBoth nodes stopped cleanly in ${((Date.now() - t0) / 1000).toFixed(1)} s. Try it by hand: examples/two-facilities/run.sh`
  )
}

/** A patient with at least one encounter, so the DH sees some history arrive. */
async function pickReferral(node: FacilityNode, ids: PatientId[]): Promise<PatientId> {
  for (const id of ids)
    if (Object.keys((await node.documents.open<PatientDoc>(id))?.encounters ?? {}).length > 1) return id
  return ids[0]!
}

function sameHeads(a: string[] | undefined, b: string[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every(h => b.includes(h))
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`demo failed: ${err.name}: ${err.message}\n`)
    process.exit(1)
  }
)
