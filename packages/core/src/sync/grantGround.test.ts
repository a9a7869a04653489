/**
 * A grant travels with the access items it rests on (simulation seeds 2379 and 4430): a session cut
 * after the grant, before the offered document follows, must not leave the peer holding a grant it
 * cannot trace to the document's creator, as the author may lose its store or its standing next.
 */
import { describe, expect, it } from 'vitest'
import type { PatientId } from '../record/types.js'
import { PAIR_A, PAIR_B, connectPair, settlePair } from '../testing/sessionPair.js'
import { inspectTestItem, makeTestItem } from '../testing/testItems.js'
import { MemoryItemStore } from './MemoryItemStore.js'
import type { Entitlement } from './types.js'

const A = PAIR_A
const B = PAIR_B
const DOC = 'doc-referred' as PatientId

/** `peer` may hold DOC once `store` holds a grant of it to `peer`. */
const granted =
  (store: MemoryItemStore): Entitlement =>
  async (peer, docId) =>
    (await store.accessItems(docId)).some(i => i.grantRecipient === peer)

describe('a grant and what it rests on', () => {
  it('goes ahead of the offered document with the earlier access items, so a session cut after it leaves the peer able to trace it', async () => {
    const sa = new MemoryItemStore(inspectTestItem)
    const sb = new MemoryItemStore(inspectTestItem)
    const genesis = makeTestItem({ docId: DOC, author: A, grantRecipient: A, payload: Uint8Array.of(1) })
    const change = makeTestItem({ docId: DOC, author: A, payload: Uint8Array.of(2) })
    await sa.putItems([genesis, change])
    // First session: B may not hold the document; its cursor of A moves past it.
    const first = connectPair(sa, sb, granted(sa), granted(sb))
    await settlePair(first)
    first.a.close()
    first.b.close()
    expect((await sb.itemsForDoc(DOC)).length).toBe(0)
    // A refers the patient to B: a grant to B and a new change. A's flow to B stops after its
    // first batch, before the offered document's other items follow.
    const referral = makeTestItem({ docId: DOC, author: A, grantRecipient: B, payload: Uint8Array.of(3) })
    const visit = makeTestItem({ docId: DOC, author: A, payload: Uint8Array.of(4) })
    await sa.putItems([referral, visit])
    let batches = 0
    const cut = connectPair(sa, sb, granted(sa), granted(sb), {}, {}, (from, f) => {
      if (from !== A || f.type !== 'batch' || f.items.length === 0) return false
      return ++batches > 1
    })
    await settlePair(cut)
    cut.a.close()
    cut.b.close()
    const held = new Set((await sb.itemsForDoc(DOC)).map(i => i.id))
    expect(held.has(inspectTestItem(referral).id)).toBe(true)
    // The self-grant came with the referral; the earlier change waits for the offer's answer.
    expect(held.has(inspectTestItem(genesis).id)).toBe(true)
    expect(held.has(inspectTestItem(change).id)).toBe(false)
  })
})
