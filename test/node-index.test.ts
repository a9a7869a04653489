/**
 * The persisted document index with real `pagdandi start` processes: a restart is served from the
 * index (the node says so), a kill -9 right after acknowledged writes loses none of them from
 * search or the record, and a damaged index is rebuilt from the log (the node says why).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FacilityNode, openStore } from '@pagdandi/node'
import { TEST_SECRET, makeNetwork, registration, tempDir } from '../packages/node/src/testing/fixtures.js'
import { exited, startNodeProcess } from './processes.js'

const ENV = { PAGDANDI_SECRET: TEST_SECRET }

async function stop(child: import('node:child_process').ChildProcess): Promise<void> {
  child.kill('SIGTERM')
  await exited(child)
}

describe('document index across real restarts', () => {
  it('restores from the index, survives kill -9 after acknowledged writes, and rebuilds a damaged index', async () => {
    const root = await tempDir('pagdandi-index-')
    const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC' }])
    const data = dirs[0]!
    const seeding = await FacilityNode.open({ data, secret: TEST_SECRET, http: false, openStore })
    await seeding.patients.seed(30, 5)
    await seeding.stop()

    let node = await startNodeProcess(data, ENV)
    expect(node.output()).toMatch(/document index: 30 documents restored, 0 log entries replayed/)
    // Acknowledged writes, then kill -9 at once: the index has not written them yet (it writes
    // within a second), so the restart must find them through the log after its watermark.
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const r = await node.staff.call(
        'POST',
        '/api/patients',
        registration({ name: `Sukmati Poyam ${i}`, uhid: `K-${i}` })
      )
      expect(r.status).toBe(201)
      ids.push((r.json as { patientId: string }).patientId)
    }
    const enc = await node.staff.call('POST', `/api/patients/${ids[0]}/encounters`, { complaints: ['fever 2 days'] })
    expect(enc.status).toBe(201)
    const { encounterId, heads } = enc.json as { encounterId: string; heads: string[] }
    node.child.kill('SIGKILL')
    await exited(node.child)

    node = await startNodeProcess(data, ENV)
    expect(node.output()).toMatch(/document index: (30|31|32|33|34|35) documents restored, \d+ log entries replayed/)
    for (let i = 0; i < 5; i++) {
      const hits = (
        await node.staff.get<{ patientId: string }[]>(`/api/patients?q=${encodeURIComponent(`K-${i}`)}`)
      ).map(h => h.patientId)
      expect(hits).toEqual([ids[i]])
    }
    const record = await node.staff.get<{ doc: { encounters: Record<string, unknown> } }>(`/api/patients/${ids[0]}`)
    expect(Object.keys(record.doc.encounters)).toContain(encounterId)
    expect((await node.staff.get<{ heads: string[] }>(`/api/patients/${ids[0]}/heads`)).heads).toEqual(heads)
    expect((await node.staff.get<{ patients: number }>('/api/status')).patients).toBe(35)
    await stop(node.child)

    // Damage one record of the index on disk: the next start does not trust it and rebuilds.
    const store = await openStore(join(data, 'items'))
    for await (const [k, v] of store.indexEntries!()) {
      if (!k.startsWith('d/')) continue
      await store.writeIndex!([[k, v.subarray(0, 20)]], []) // the raw record, cut short
      break
    }
    await store.close()
    node = await startNodeProcess(data, ENV)
    expect(node.output()).toMatch(
      /document index damaged \(index record d\/\S+ is truncated|does not open\): rebuilding it from the log/
    )
    expect((await node.staff.get<{ patients: number }>('/api/status')).patients).toBe(35)
    expect((await node.staff.get<unknown[]>('/api/patients?q=K-3')).length).toBe(1)
    await stop(node.child)
    node = await startNodeProcess(data, ENV)
    expect(node.output()).toMatch(/document index: 35 documents restored, 0 log entries replayed/)
    await stop(node.child)
  }, 300_000)
})
