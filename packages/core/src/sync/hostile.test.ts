import { describe, expect, it } from 'vitest'
import type { FacilityId } from '../record/types.js'
import { Prng } from '../testing/prng.js'
import { inspectTestItem, makeTestItem, verifyTestItem } from '../testing/testItems.js'
import {
  BATCH_TARGET_BYTES,
  MAX_ITEM_BYTES,
  MAX_RANGES_PER_REQUEST,
  MAX_REPAIR_RANGES,
  SEND_WINDOW_BYTES
} from './constants.js'
import { decodeFrame, encodeFrame, type Frame, type Range, type SummaryRange } from './frames.js'
import { MemoryItemStore } from './MemoryItemStore.js'
import { SyncSession } from './SyncSession.js'
import type { ItemId } from './types.js'

// A node (A) under test against a hand-driven peer (B) that speaks the frame codec but not the protocol's
// good faith. Each test asserts what an operator would notice: the session ends with a named error after
// a bounded number of frames, and the bytes held for the peer stay under the documented cap.

const A = 'IN2210000001' as FacilityId
const B = 'IN2210000002' as FacilityId

/** Per-peer cap of sessionSend.ts invariants 2 and 4: the send window, one overshooting batch, one read ahead. */
const BUFFER_CAP = SEND_WINDOW_BYTES + 2 * (BATCH_TARGET_BYTES + MAX_ITEM_BYTES)

interface Harness {
  node: SyncSession
  out: Frame[]
  ended: () => Error | undefined | 'open'
  send: (f: Frame) => Promise<void>
}

async function harness(store: MemoryItemStore): Promise<Harness> {
  const out: Frame[] = []
  let end: Error | undefined | 'open' = 'open'
  const node = new SyncSession({
    store,
    me: A,
    peer: B,
    rosterVersion: 1,
    entitled: async () => true,
    verify: verifyTestItem,
    inspect: inspectTestItem,
    channel: {
      send: async bytes => {
        out.push(decodeFrame(bytes))
      },
      close: () => {}
    },
    onClose: err => {
      end = err
    }
  })
  await node.start()
  return {
    node,
    out,
    ended: () => end,
    send: async f => {
      await node.receive(encodeFrame(f))
    }
  }
}

/** The peer's hello; it claims to hold items (lastSeq 1), so a node without its cursor repairs. */
function hello(cursor?: { seq: number; token: Uint8Array }): Frame {
  const f: Frame = { type: 'hello', facility: B, rosterVersion: 1, epoch: new Uint8Array(16), lastSeq: 1 }
  if (cursor !== undefined) f.cursor = cursor
  return f
}

/** Sixteen sub-ranges strictly inside `r` that always narrow but never end (ids just grow). */
function splitForever(r: Range, prng: Prng): SummaryRange[] {
  const parts: SummaryRange[] = []
  for (let i = 0; i < 16; i++) {
    const fp = Uint8Array.from({ length: 16 }, () => prng.int(0, 255))
    parts.push({
      lo: r.lo + String.fromCharCode(0x61 + i),
      hi: r.lo + String.fromCharCode(0x62 + i),
      kind: 'fp',
      fp,
      count: 1
    })
  }
  return parts
}

async function storeWithDoc(prng: Prng, items: number, size: number): Promise<MemoryItemStore> {
  const store = new MemoryItemStore(inspectTestItem)
  await store.putItems(
    Array.from({ length: items }, () =>
      makeTestItem({ docId: 'doc-big', author: A, payload: Uint8Array.from({ length: size }, () => prng.int(0, 255)) })
    )
  )
  return store
}

describe('sync session against a hostile peer', () => {
  it('a repair peer whose answers narrow forever ends with ProtocolViolationError within a bounded number of frames', async () => {
    const seed = 8101
    const prng = new Prng(seed)
    const h = await harness(new MemoryItemStore(inspectTestItem))
    await h.send(hello())
    await h.send({ type: 'repair' })
    let answered = 0
    let seen = 0
    // Answer every summary request the node makes, with fingerprints that never match.
    while (h.ended() === 'open' && seen < h.out.length) {
      const f = h.out[seen++] as Frame
      if (f.type !== 'summary-request') continue
      await h.send({ type: 'summary', ranges: f.ranges.flatMap(r => splitForever(r, prng)) })
      answered++
      if (answered > MAX_REPAIR_RANGES) break
    }
    const err = h.ended()
    expect(err, `seed ${seed}`).toMatchObject({
      name: 'ProtocolViolationError',
      message: expect.stringContaining('does not converge')
    })
    expect(answered).toBeLessThanOrEqual(MAX_REPAIR_RANGES / MAX_RANGES_PER_REQUEST)
    expect(h.out.filter(f => f.type === 'summary-request').length).toBeLessThanOrEqual(
      MAX_REPAIR_RANGES / MAX_RANGES_PER_REQUEST + 1
    )
  })

  it('a repair answer that does not split, or strays outside the request, ends the session at once', async () => {
    const h1 = await harness(new MemoryItemStore(inspectTestItem))
    await h1.send(hello())
    await h1.send({ type: 'repair' })
    await h1.send({ type: 'summary', ranges: [{ lo: '', kind: 'fp', fp: new Uint8Array(16).fill(7), count: 500 }] })
    expect(h1.ended()).toMatchObject({
      name: 'ProtocolViolationError',
      message: expect.stringContaining('did not split')
    })

    const h2 = await harness(new MemoryItemStore(inspectTestItem))
    await h2.send(hello())
    await h2.send({ type: 'repair' })
    await h2.send({ type: 'summary', ranges: [{ lo: 'a', kind: 'fp', fp: new Uint8Array(16), count: 1 }] })
    await h2.send({ type: 'summary', ranges: [{ lo: 'a', kind: 'fp', fp: new Uint8Array(16), count: 1 }] })
    expect(h2.ended()).toMatchObject({ name: 'ProtocolViolationError' })
  })

  it('unrequested summaries, oversized summary requests and requests outside repair end the session by name', async () => {
    const flood = await harness(new MemoryItemStore(inspectTestItem))
    await flood.send(hello())
    for (let i = 0; i < 100 && flood.ended() === 'open'; i++) await flood.send({ type: 'summary', ranges: [] })
    expect(flood.ended()).toMatchObject({
      name: 'ProtocolViolationError',
      message: expect.stringContaining('unrequested summary')
    })

    // No cursor in the hello, and both logs hold items: the node repairs its flow to the peer, so
    // summary requests are allowed.
    const wide = await harness(await storeWithDoc(new Prng(8104), 1, 16))
    await wide.send(hello())
    expect(wide.out.some(f => f.type === 'repair')).toBe(true)
    const ranges = Array.from({ length: MAX_RANGES_PER_REQUEST + 1 }, (_, i) => ({
      lo: `d${String(i).padStart(3, '0')}`
    }))
    await wide.send({ type: 'summary-request', ranges })
    expect(wide.ended()).toMatchObject({
      name: 'ProtocolViolationError',
      message: expect.stringContaining('summary request of')
    })

    // Too many ranges for the codec: refused while decoding, before anything is allocated for them.
    const huge = await harness(new MemoryItemStore(inspectTestItem))
    await huge.send(hello())
    await huge.node.receive(
      encodeFrame({ type: 'summary-request', ranges: Array.from({ length: 300 }, (_, i) => ({ lo: `d${i}` })) })
    )
    expect(huge.ended()).toMatchObject({ name: 'MalformedFrameError' })

    const after = await harness(await storeWithDoc(new Prng(8105), 1, 16))
    await after.send(hello())
    await after.send({ type: 'repair-fin' })
    await after.send({ type: 'summary-request', ranges: [{ lo: '' }] })
    expect(after.ended()).toMatchObject({
      name: 'ProtocolViolationError',
      message: expect.stringContaining('outside repair')
    })
  })

  it('a peer that keeps requesting summaries and never finishes repair is stopped after the repair range cap', async () => {
    const prng = new Prng(8102)
    const store = new MemoryItemStore(inspectTestItem)
    await store.putItems([
      makeTestItem({ docId: 'doc-1', author: A, payload: Uint8Array.from({ length: 16 }, () => prng.int(0, 255)) })
    ])
    const h = await harness(store)
    await h.send(hello())
    const request: Frame = {
      type: 'summary-request',
      ranges: Array.from({ length: MAX_RANGES_PER_REQUEST }, () => ({ lo: '' }))
    }
    let sent = 0
    while (h.ended() === 'open' && sent <= MAX_REPAIR_RANGES) {
      await h.send(request)
      sent++
    }
    expect(h.ended()).toMatchObject({
      name: 'ProtocolViolationError',
      message: expect.stringContaining('does not converge')
    })
    expect(sent).toBeLessThanOrEqual(MAX_REPAIR_RANGES / MAX_RANGES_PER_REQUEST + 1)
  }, 30_000)

  it('a peer that floods HAVE frames and never acknowledges cannot make the node hold more than the send window', async () => {
    const prng = new Prng(8103)
    // One document of 200 items of 1 KB: each HAVE naming it with no ids asks for all 200 KB again.
    const store = await storeWithDoc(prng, 200, 1024)
    const h = await harness(store)
    await h.send(hello())
    let most = 0
    for (let i = 0; i < 60 && h.ended() === 'open'; i++) {
      await h.send({ type: 'have', docId: 'doc-big' as never, ids: [] as ItemId[] })
      most = Math.max(most, h.node.status().bufferedBytes)
    }
    // Either it stays open within the cap, or it ended by name; it never buffers 60 × 200 KB.
    expect(most).toBeLessThanOrEqual(BUFFER_CAP)
    const end = h.ended()
    if (end !== 'open') expect(end).toMatchObject({ name: 'ProtocolViolationError' })
  })

  it('a peer that stops acknowledging catch-up stops the node at the send window', async () => {
    const prng = new Prng(8104)
    const store = await storeWithDoc(prng, 3000, 1024)
    const h = await harness(store)
    const epoch = await store.epoch()
    const { cursorToken } = await import('./fingerprint.js')
    await h.send(hello({ seq: 0, token: cursorToken(epoch, 0, undefined) }))
    await h.node.idle()
    const batches = h.out.filter(f => f.type === 'batch')
    expect(batches.length).toBeGreaterThan(0)
    expect(h.node.status().bufferedBytes).toBeLessThanOrEqual(BUFFER_CAP)
    const itemBytes = batches.reduce(
      (n, f) => n + (f.type === 'batch' ? f.items.reduce((m, it) => m + it.length, 0) : 0),
      0
    )
    expect(itemBytes).toBeLessThanOrEqual(SEND_WINDOW_BYTES + BATCH_TARGET_BYTES + MAX_ITEM_BYTES)
    expect(h.ended()).toBe('open')
  })
})
