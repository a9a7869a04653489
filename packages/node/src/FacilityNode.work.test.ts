/**
 * The day's work (issue 15): `GET /api/today` through the real HTTP API on a node whose clock the
 * test sets. Today's OPD queue numbers patients by arrival in India's day, moves each from waiting
 * to with-doctor (a lab order waits) to done, names the clinician; the lab worklist lists orders
 * without a result; a patient registered yesterday is not in today's queue. A restart gives the
 * same tokens (they come from the records, not from memory).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { TodayWork } from '@pagdandi/core/api'
import { openStore } from './cli/storeFactory.js'
import { FacilityNode } from './FacilityNode.js'
import type { Role } from '@pagdandi/core/staff'
import { ApiClient } from './cli/ApiClient.js'
import {
  TEST_SECRET,
  TEST_STAFF_PASSWORD,
  addTestStaff,
  makeNetwork,
  registration,
  tempDir
} from './testing/fixtures.js'

const running: FacilityNode[] = []
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop()
})

const HB = { test: { system: 'http://loinc.org', code: '718-7', display: 'Haemoglobin' } }
const MALARIA = { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B50.9', display: 'Falciparum malaria' }

describe("the day's work", () => {
  it('numbers today’s queue by arrival, follows each patient’s state, and lists pending lab orders', async () => {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }
    ])
    let clock = new Date('2026-12-03T10:00:00.000Z')
    const open = async (): Promise<FacilityNode> => {
      const n = await FacilityNode.open({
        data: dirs[0]!,
        secret: TEST_SECRET,
        http: { port: 0 },
        openStore,
        now: () => clock
      })
      running.push(n)
      await n.start()
      return n
    }
    let node = await open()
    // Signed in afresh at each step: the test's clock jumps past a session's idle timeout.
    const as = async (role: Role): Promise<ApiClient> => {
      await addTestStaff(node.staff, role)
      return await ApiClient.signIn(node.url!, role, TEST_STAFF_PASSWORD)
    }
    const reg = async (over: Parameters<typeof registration>[0]): Promise<string> =>
      (await (await as('registration-clerk')).post<{ patientId: string }>('/api/patients', registration(over)))
        .patientId
    const yesterday = await reg({ name: 'Budhri Kashyap', uhid: 'CHC-0100' })
    // 2026-12-04 in India from 2026-12-03T18:30Z: 00:15 IST is already "today".
    clock = new Date('2026-12-03T18:45:00.000Z')
    const first = await reg({ name: 'Somaru Markam', uhid: 'CHC-0101' })
    clock = new Date('2026-12-04T03:00:00.000Z')
    const second = await reg({ name: 'Kamla Netam', uhid: 'CHC-0102', sex: 'female' })
    clock = new Date('2026-12-04T04:00:00.000Z')
    await (
      await as('medical-officer')
    ).post(`/api/patients/${second}/encounters`, {
      complaints: ['Fever'],
      diagnoses: [{ coding: MALARIA, text: 'Malaria' }],
      labOrders: [HB]
    })
    // The patient from yesterday comes back today: a visit today puts her in the queue, third.
    clock = new Date('2026-12-04T05:00:00.000Z')
    await (await as('registration-clerk')).post(`/api/patients/${yesterday}/encounters`, { complaints: ['Follow-up'] })
    await (
      await as('medical-officer')
    ).post(`/api/patients/${yesterday}/encounters`, {
      complaints: ['Follow-up'],
      diagnoses: [{ coding: MALARIA, text: 'Malaria, improving' }]
    })

    const today = await (await as('registration-clerk')).get<TodayWork>('/api/today')
    expect(today.day).toBe('2026-12-04')
    expect(today.queue.map(q => [q.token, q.patientId, q.state, q.by])).toEqual([
      [1, first, 'waiting', 'Test registration-clerk'],
      [2, second, 'with-doctor', 'Test medical-officer'],
      [3, yesterday, 'done', 'Test medical-officer']
    ])
    expect(today.lab).toMatchObject([
      {
        patientId: second,
        name: 'Kamla Netam',
        uhid: 'CHC-0102',
        test: 'Haemoglobin',
        orderedBy: 'Test medical-officer'
      }
    ])

    // The same tokens after a restart (from the records, through the document index).
    await node.stop()
    running.splice(0)
    node = await open()
    const again = await (await as('lab-technician')).get<TodayWork>('/api/today')
    expect(again.queue.map(q => [q.token, q.patientId, q.state])).toEqual(
      today.queue.map(q => [q.token, q.patientId, q.state])
    )
    // The next day, the queue starts empty; the order still waits on the worklist.
    clock = new Date('2026-12-04T19:00:00.000Z')
    const next = await (await as('nurse')).get<TodayWork>('/api/today')
    expect(next.queue).toEqual([])
    expect(next.lab.map(l => l.patientId)).toEqual([second])
    expect(next.badges).toEqual({ newReferrals: 0, backReferrals: 0 })
  })
})
