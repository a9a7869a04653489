/**
 * An I/O error under the store of a node serving its HTTP API (Invariant 10): the registration is
 * answered 503 `StoreFaultedError` naming the cause, later ones too once the disk works again, the
 * status says the store refuses writes, and after a reopen the acknowledged patient is there and
 * the refused ones are not.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openStore } from './cli/storeFactory.js'
import { nodeSignatureScheme } from './crypto/index.js'
import { FacilityNode } from './FacilityNode.js'
import { itemInspector } from './keyring/inspect.js'
import { FaultyLevel, levelIoError } from './store/FaultyLevel.js'
import { LevelItemStore } from './store/LevelItemStore.js'
import { TEST_SECRET, makeNetwork, registration, staffClient, tempDir } from './testing/fixtures.js'

const running: FacilityNode[] = []
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop()
})

/** A POST as a medical officer signed in over HTTP. */
async function post(node: FacilityNode, path: string, body: unknown): Promise<{ status: number; json: any }> {
  return await (await staffClient(node)).call('POST', path, body)
}

/** A GET as a medical officer signed in over HTTP. */
async function get(node: FacilityNode, path: string): Promise<{ status: number; json: any }> {
  return await (await staffClient(node)).call('GET', path)
}

describe('a node whose disk reports an I/O error', () => {
  it('answers 503 StoreFaultedError, keeps refusing once the disk works, and loses nothing it acknowledged', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }])
    let disk: FaultyLevel | undefined
    const node = await FacilityNode.open({
      data: dirs[0]!,
      secret: TEST_SECRET,
      http: { port: 0 },
      openStore: async dir =>
        await LevelItemStore.open(dir, itemInspector(nodeSignatureScheme()), {
          level: d => (disk = new FaultyLevel(d))
        })
    })
    running.push(node)
    await node.start()
    const first = await post(node, '/api/patients', registration({ uhid: 'CHC-1' }))
    expect(first.status).toBe(201)

    disk!.failWith = levelIoError('Input/output error')
    const failed = await post(node, '/api/patients', registration({ uhid: 'CHC-2', name: 'Budhri Kawasi' }))
    expect(failed.status).toBe(503)
    expect(failed.json.error.name).toBe('StoreFaultedError')
    expect(failed.json.error.message).toMatch(/I\/O error/)
    // Not stored, so not shown: search does not list the refused registration.
    expect((await get(node, '/api/patients?q=Kawasi')).json).toEqual([])
    disk!.failWith = undefined
    const after = await post(node, '/api/patients', registration({ uhid: 'CHC-3', name: 'Sukhiya Nag' }))
    expect(after.status).toBe(503)
    expect((await get(node, '/api/status')).json.store).toMatchObject({ writable: false, fault: 'io-error' })
    await node.stop()

    const again = await FacilityNode.open({ data: dirs[0]!, secret: TEST_SECRET, http: { port: 0 }, openStore })
    running.push(again)
    await again.start()
    expect((await get(again, `/api/patients/${first.json.patientId}`)).status).toBe(200)
    expect((await get(again, '/api/patients?q=Kawasi')).json).toEqual([])
    expect((await get(again, '/api/patients?q=Sukhiya')).json).toEqual([])
    expect((await get(again, '/api/status')).json.store).toEqual({ writable: true })
  })
})
