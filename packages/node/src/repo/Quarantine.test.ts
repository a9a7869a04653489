/** The quarantine's writes (issue 14, attack 1): many refusals at once cost few synced writes, and all are kept. */
import nacl from 'tweetnacl'
import { describe, expect, it } from 'vitest'
import { documentIdFromBytes, generateIdentity, newDocumentKey, sealChange } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { nodeSignatureScheme } from '../crypto/index.js'
import { createLogger } from '../log.js'
import { MAX_PER_AUTHOR, Quarantine, type KvStore } from './Quarantine.js'

/** A key/value store in memory that counts its durable writes. */
function countingKv(): Required<KvStore> & { writes: number } {
  const m = new Map<string, Uint8Array>()
  const kv = {
    writes: 0,
    getKv: async (k: string) => m.get(k),
    putKv: async (k: string, v: Uint8Array) => kv.putKvs([[k, v]]),
    putKvs: async (entries: readonly (readonly [string, Uint8Array])[]) => {
      kv.writes++
      await Promise.resolve()
      for (const [k, v] of entries) m.set(k, v)
    }
  }
  return kv
}

describe('Quarantine', () => {
  it('keeps refusals that arrive together in one durable write each time, and every one is listed after a reload', async () => {
    const by = generateIdentity('IN2210000666' as FacilityId)
    const key = newDocumentKey(documentIdFromBytes(nacl.randomBytes(16)), 0)
    const items = Array.from({ length: 40 }, () => sealChange(nacl.randomBytes(40), key, by, 1, nodeSignatureScheme()))
    const kv = countingKv()
    const q = new Quarantine(kv, () => new Date(0), createLogger('quarantine'))
    await Promise.all(items.map(b => q.add(b, new Error('UndecodableChangeError'))))
    // The first refusal is written alone; the 39 that arrived meanwhile go together in the next write.
    expect(kv.writes).toBeLessThanOrEqual(2)
    const again = new Quarantine(kv)
    await again.load()
    expect(again.list()).toHaveLength(Math.min(40, MAX_PER_AUTHOR))
    expect(again.count).toBe(40)
  })
})
