import { describe, expect, it } from 'vitest'
import { ManualClock } from '@pagdandi/core/testing'
import { entry, eventually, heldIds, roster, sealedDoc, useTestNetwork } from './testNetwork.js'

const net = useTestNetwork()

describe('Replicator dialling on an injected clock', () => {
  it('redials a peer that was down exactly when the clock passes the jittered backoff, however long it is', async () => {
    const [chc, dh] = await net.facilities(2)
    const r = roster([entry(chc), entry(dh)])
    const clock = new ManualClock(1_000_000)
    const backoff = { initialMs: 10 * 60_000, maxMs: 60 * 60_000 }
    // Jitter draws 0.5: the retry falls at three quarters of the backoff.
    const rc = await net.startNode(chc, r, { backoff, clock, random: () => 0.5 })
    const doc = sealedDoc(chc, r, 5, [dh])
    await chc.store!.putItems(doc.items)
    rc.notifyLocalItems()
    // The DH is down: the first dial fails and backs off.
    await eventually(() => rc.metrics().dialsFailed === 1, 20_000, 'the first dial to fail')
    expect(rc.metrics().dials).toBe(1)
    // The DH comes up but never dials the CHC (no route to it): only the CHC's redial can connect.
    await net.startNode(dh, r, { routes: new Map([[chc.id.facility, []]]) })
    const retry = backoff.initialMs * 0.75
    clock.advance(retry - 1)
    expect(rc.metrics().dials).toBe(1)
    clock.advance(1)
    expect(rc.metrics().dials).toBe(2)
    await eventually(async () => (await heldIds(dh.store!)).size === doc.items.length, 20_000, 'the DH receives')
    expect(rc.status()[0]).toMatchObject({ connected: true, lastSeen: clock.now() })
  })
})
