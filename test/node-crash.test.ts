/**
 * Invariant 2 (no lost writes), with a real process: a `pagdandi start` child receives up to 1,000
 * registrations through the HTTP API and is killed with SIGKILL at a random point. Every write the
 * API acknowledged must be there after a restart.
 */
import { describe, expect, it } from 'vitest'
import { Prng } from '@pagdandi/core/testing'
import { readPatient, type PatientDoc } from '@pagdandi/core/record'
import { FacilityNode, openStore } from '@pagdandi/node'
import { TEST_SECRET, makeNetwork, registration, tempDir } from '../packages/node/src/testing/fixtures.js'
import { exited, startNodeProcess } from './processes.js'

const WRITES = 1000
const IN_FLIGHT = 8

describe('kill -9 during 1,000 writes', () => {
  it('loses no acknowledged write', async () => {
    const seed = Number(process.env.PAGDANDI_TEST_SEED ?? Date.now() % 1_000_000)
    console.log(`node-crash seed ${seed} (replay with PAGDANDI_TEST_SEED=${seed})`)
    const prng = new Prng(seed)
    const killAfter = prng.int(20, WRITES - 100)

    const root = await tempDir('pagdandi-crash-')
    const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }])
    const node = await startNodeProcess(dirs[0]!, { PAGDANDI_SECRET: TEST_SECRET })

    const acked = new Map<string, string>() // uhid → patientId
    let next = 0
    let killed = false
    const worker = async (): Promise<void> => {
      while (!killed && next < WRITES) {
        const uhid = `W-${String(next++).padStart(4, '0')}`
        try {
          const res = await node.staff.call(
            'POST',
            '/api/patients',
            registration({ uhid, name: `Test Patient ${uhid}` })
          )
          if (res.status === 201) acked.set(uhid, (res.json as { patientId: string }).patientId)
        } catch {
          // The connection died with the process: not acknowledged, so nothing is owed.
        }
        if (!killed && acked.size >= killAfter) {
          killed = true
          node.child.kill('SIGKILL')
        }
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
    await exited(node.child)
    expect(killed, `seed ${seed}: the kill point was reached`).toBe(true)

    const reopened = await FacilityNode.open({ data: dirs[0]!, secret: TEST_SECRET, http: false, openStore })
    try {
      const present = new Map<string, string>()
      for (const id of reopened.documents.docIds()) {
        const uhid = Object.values(readPatient((await reopened.documents.open<PatientDoc>(id))!).identifiers.uhid)[0]
        if (uhid !== undefined) present.set(uhid, id)
      }
      const lost = [...acked].filter(([uhid, id]) => present.get(uhid) !== id).map(([uhid]) => uhid)
      expect(lost, `seed ${seed}: acknowledged writes lost after kill -9 at ${killAfter}`).toEqual([])
      expect(present.size).toBeGreaterThanOrEqual(acked.size)
      console.log(
        `killed after ${acked.size} acknowledged writes (target ${killAfter}); ${present.size} present after restart`
      )
    } finally {
      await reopened.stop()
    }
  })
})
