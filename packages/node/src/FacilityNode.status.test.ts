/**
 * Status that claims nothing it does not know (issue 15): with no sync session with a peer since
 * the node started, `GET /api/status` answers its counts as not known (null), never a 0 that reads
 * as "nothing waiting" while a registration made here has not reached it.
 */
import { describe, expect, it } from 'vitest'
import { makeNetwork, memoryStore, registration, staffClient, startHttpNode, tempDir } from './testing/fixtures.js'
import { stopAfterEach } from './testing/runningNodes.js'

const { running } = stopAfterEach()

describe('peer status from acknowledgements', () => {
  it('says "not known" for what waits each way with a peer not heard from since start', async () => {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' },
      { facility: 'IN2210000002', name: 'DH Jagdalpur', kind: 'DH', carriesFor: ['IN2210000001'] }
    ])
    const store = await memoryStore()
    const node = await startHttpNode(dirs[0]!, running, store)
    const mo = await staffClient(node, 'medical-officer')
    expect((await mo.call('POST', '/api/patients', registration())).status).toBe(201)
    const status = (await mo.call('GET', '/api/status')).json as { peers: unknown[] }
    expect(status.peers).toEqual([
      { facility: 'IN2210000002', name: 'DH Jagdalpur', connected: false, itemsToSend: null, itemsToReceive: null }
    ])
  })
})
