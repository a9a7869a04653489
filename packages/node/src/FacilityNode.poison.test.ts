/**
 * Issue 14, attack 1: a member sends a poisoned document. Nothing received is applied before it is
 * proven well-formed; what is refused is kept as evidence with its author; stored data never stops
 * a node from opening.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { decodeItemHeader } from '@pagdandi/core/crypto'
import { readPatient, type FacilityId, type PatientDoc } from '@pagdandi/core/record'
import { openStore } from './cli/storeFactory.js'
import { FacilityNode } from './FacilityNode.js'
import { TEST_SECRET, anaemiaReferral, makeNetwork, registration, tempDir } from './testing/fixtures.js'
import { attackerSealer, poisonedDocument } from './testing/hostile.js'

const [VICTIM, ATTACKER] = ['IN2210000001', 'IN2210000002'] as FacilityId[]
const running: FacilityNode[] = []
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop()
})

async function open(dir: string, log?: (line: string) => void): Promise<FacilityNode> {
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: false,
    openStore,
    ...(log === undefined ? {} : { log })
  })
  running.push(node)
  return node
}

async function network(): Promise<string[]> {
  const { dirs } = await makeNetwork(await tempDir(), [
    { facility: VICTIM, name: 'CHC Tokapal', kind: 'CHC' },
    { facility: ATTACKER, name: 'CHC Bakawand', kind: 'CHC' }
  ])
  return dirs
}

const never = (i: number, err: Error): never => {
  throw new Error(`item ${i} refused by the roster check: ${err.name}`)
}

describe('a poisoned document (issue 14, attack 1)', () => {
  it('a change that is not Automerge is quarantined with its author: never stored, never applied, counted in status', async () => {
    const [victimDir, attackerDir] = await network()
    const victim = await open(victimDir!)
    const poison = poisonedDocument(await attackerSealer(attackerDir!), VICTIM)
    await victim.bundles.importItems(poison.items, never)
    const held = (await victim.bundles.exportFor(VICTIM)).filter(b => decodeItemHeader(b).docId === poison.docId)
    expect(held.map(b => decodeItemHeader(b).kind)).toEqual(['grant', 'grant'])
    const [q] = await victim.quarantine.list()
    expect(q).toMatchObject({ author: ATTACKER, docId: poison.docId, reason: 'UndecodableChangeError' })
    expect((await victim.status.report()).quarantined).toBe(1)
    // The victim keeps working: it registers and reads a patient.
    const { patientId } = await victim.patients.register(registration())
    expect(((await victim.patients.read(patientId)) as PatientDoc).demographics.name).toBe('Somaru Markam')
  })

  it('a valid Automerge change that breaks the patient-document shape is quarantined; the record opens without it', async () => {
    const [victimDir, attackerDir] = await network()
    const victim = await open(victimDir!)
    const attacker = await open(attackerDir!)
    const { patientId } = await attacker.patients.register(registration({ uhid: 'CHC-0002' }))
    await attacker.referrals.create(patientId, anaemiaReferral(VICTIM, 'IFA started'))
    // The attacker's own node seals whatever it is told (a modified build would too).
    await attacker.documents.change<Record<string, unknown>>(patientId, d => {
      d.encounters = 'not a collection'
    })
    await victim.bundles.importItems(await attacker.bundles.exportFor(VICTIM), never)
    expect((await victim.quarantine.list()).map(q => [q.reason, q.author])).toEqual([
      ['InvalidPatientDocumentError', ATTACKER]
    ])
    const doc = readPatient((await victim.documents.open<PatientDoc>(patientId))!)
    expect(doc.demographics.name).toBe('Somaru Markam')
    expect(typeof doc.encounters).toBe('object')
  })

  it('poison already in the store (kept by an older version) does not stop start-up: named, skipped, reported, erasable', async () => {
    const [victimDir, attackerDir] = await network()
    const victim = await open(victimDir!)
    const { patientId } = await victim.patients.register(registration())
    await victim.stop()
    const poison = poisonedDocument(await attackerSealer(attackerDir!), VICTIM)
    const store = await openStore(`${victimDir!}/items`)
    await store.putItems(poison.items) // as today's main stored it, before any admission
    await store.close()
    const lines: string[] = []
    const again = await open(victimDir!, l => lines.push(l))
    expect(((await again.patients.read(patientId)) as PatientDoc).demographics.name).toBe('Somaru Markam')
    expect((await again.quarantine.list()).map(q => q.author)).toEqual([ATTACKER])
    expect(lines.some(l => l.includes('UndecodableChangeError'))).toBe(true)
    // Kept as evidence across restarts, and named once: not refused again at every start.
    await again.stop()
    const third = await open(victimDir!)
    expect((await third.quarantine.list()).length).toBe(1)
    expect((await third.erasure.erase(poison.docId)).items).toBe(3)
  })
})
