import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '@pagdandi/core/testing'
import { LevelItemStore } from '../store/LevelItemStore.js'
import { cryptoInspector } from './items.js'
import { Replicator } from './Replicator.js'
import {
  cleanup,
  entry,
  eventually,
  facilities,
  heldIds,
  roster,
  scheme,
  sealedDoc,
  startNode,
  type Fac
} from './testNetwork.js'

let fs: Fac[] = []
afterEach(async () => {
  await cleanup(fs)
  fs = []
})

describe('Replicator dialling on an injected clock', () => {
  it('redials a peer that was down exactly when the clock passes the jittered backoff, however long it is', async () => {
    fs = await facilities(2)
    const [chc, dh] = fs as [Fac, Fac]
    const r = roster([entry(chc), entry(dh)])
    const clock = new ManualClock(1_000_000)
    const backoff = { initialMs: 10 * 60_000, maxMs: 60 * 60_000 }
    chc.store = await LevelItemStore.open(chc.dir, cryptoInspector(scheme))
    // Jitter draws 0.5: the retry falls at three quarters of the backoff.
    const rc = new Replicator({
      store: chc.store,
      facility: chc.id.facility,
      roster: r,
      signatures: scheme,
      privateKey: chc.key,
      listen: [`/ip4/127.0.0.1/tcp/${chc.port}/ws`],
      backoff,
      clock,
      random: () => 0.5
    })
    chc.rep = rc
    await rc.start()
    const doc = sealedDoc(chc, r, 5, [dh])
    await chc.store.putItems(doc.items)
    rc.notifyLocalItems()
    // The DH is down: the first dial fails and backs off.
    await eventually(() => rc.metrics().dialsFailed === 1, 20_000, 'the first dial to fail')
    expect(rc.metrics().dials).toBe(1)
    // The DH comes up but never dials the CHC (no route to it): only the CHC's redial can connect.
    await startNode(dh, r, new Map([[chc.id.facility, []]]))
    const retry = backoff.initialMs * 0.75
    clock.advance(retry - 1)
    expect(rc.metrics().dials).toBe(1)
    clock.advance(1)
    expect(rc.metrics().dials).toBe(2)
    await eventually(async () => (await heldIds(dh.store!)).size === doc.items.length, 20_000, 'the DH receives')
    expect(rc.status()[0]).toMatchObject({ connected: true, lastSeen: clock.now() })
  })
})
