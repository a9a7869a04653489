/**
 * The audit log shares the data directory's disk (Invariant 10): an audit append that fails stops
 * the node's writes as a failed store write does, so nothing is written unaudited after it, and it
 * is answered as `StoreFaultedError` naming the cause, never a bare error.
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeNetwork, registration, tempDir } from './testing/fixtures.js'
import { openOnLevel } from './testing/runningNodes.js'

describe('a failed audit append', () => {
  it('is StoreFaultedError and latches the item store: the next registration is refused, nothing stored', async () => {
    const { dirs } = await makeNetwork(await tempDir(), [
      { facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }
    ])
    const { node, store } = await openOnLevel(dirs[0]!)
    try {
      await node.start()
      await node.patients.register(registration())
      await node.staff.audit.record({ event: 'sign-in', actor: 'staff-1' as never })
      // The audit log's file cannot be appended to (here a directory in its place: EISDIR).
      await rm(join(dirs[0]!, 'audit.log'), { force: true })
      await mkdir(join(dirs[0]!, 'audit.log'))
      await expect(node.staff.audit.record({ event: 'sign-in', actor: 'staff-1' as never })).rejects.toMatchObject({
        name: 'StoreFaultedError',
        status: 503
      })
      const before = await store().lastSeq()
      await expect(
        node.patients.register(registration({ name: 'Budhri Kawasi', uhid: 'CHC-0002' }))
      ).rejects.toMatchObject({
        name: 'StoreFaultedError'
      })
      expect(store().fault?.()).toMatchObject({ name: 'StoreFaultedError' })
      expect(await store().lastSeq()).toBe(before)
    } finally {
      await node.stop()
    }
  })
})
