/** The per-member budget of refused items (issue 14, attack 1), on a manual clock. */
import nacl from 'tweetnacl'
import { describe, expect, it } from 'vitest'
import { documentIdFromBytes, generateIdentity, newDocumentKey, sealChange } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { AwaitingGrantError } from '@pagdandi/core/sync'
import { ManualClock } from '@pagdandi/core/testing'
import { nodeSignatureScheme } from '../crypto/index.js'
import { AdmissionBudget } from './AdmissionBudget.js'

const scheme = nodeSignatureScheme()
const [HONEST, POISONER, HUB] = (['IN2210000101', 'IN2210000666', 'IN2210000001'] as FacilityId[]).map(f =>
  generateIdentity(f)
) as [ReturnType<typeof generateIdentity>, ReturnType<typeof generateIdentity>, ReturnType<typeof generateIdentity>]
const items = (by: typeof HONEST, n: number): Uint8Array[] => {
  const key = newDocumentKey(documentIdFromBytes(nacl.randomBytes(16)), 0)
  return Array.from({ length: n }, () => sealChange(nacl.randomBytes(40), key, by, 1, scheme))
}
const refused = (n: number): Error[] => Array.from({ length: n }, () => new Error('UndecodableChangeError'))
const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false
  void p.then(() => (done = true))
  for (let i = 0; i < 5; i++) await Promise.resolve()
  return done
}

describe('AdmissionBudget', () => {
  it('holds the batches of the member whose items were refused until its bucket refills; accepted and waiting items cost nothing', async () => {
    const clock = new ManualClock()
    const budget = new AdmissionBudget(clock, { burst: 4, perSecond: 2 })
    const good = items(HONEST, 20)
    budget.spend(
      good,
      good.map(() => undefined)
    )
    budget.spend(good.slice(0, 1), [new AwaitingGrantError('doc')])
    const poison = items(POISONER, 8)
    budget.spend(poison, refused(8))
    expect(await settled(budget.ready(HONEST.facility, good))).toBe(true)
    const next = budget.ready(POISONER.facility, items(POISONER, 1))
    expect(await settled(next)).toBe(false)
    expect(budget.held).toEqual([POISONER.facility])
    // 4 tokens in debt at 2 a second: ready after 2 s, not before.
    clock.advance(1_999)
    expect(await settled(next)).toBe(false)
    clock.advance(1)
    expect(await settled(next)).toBe(true)
    expect(budget.held).toEqual([])
  })

  it('charges the author a relay carried the poison for: only the relay’s batches holding that author’s items wait', async () => {
    const clock = new ManualClock()
    const budget = new AdmissionBudget(clock, { burst: 4, perSecond: 2 })
    const relayed = items(POISONER, 8)
    budget.spend(relayed, refused(8))
    expect(await settled(budget.ready(HUB.facility, items(HONEST, 3)))).toBe(true)
    expect(await settled(budget.ready(HUB.facility, [...items(HONEST, 3), ...items(POISONER, 1)]))).toBe(false)
  })

  it('charges the items that came with a refused change in its document (its grants), not the author’s other documents', async () => {
    const clock = new ManualClock()
    const budget = new AdmissionBudget(clock, { burst: 4, perSecond: 1 })
    const poisoned = items(POISONER, 3)
    const other = items(POISONER, 3)
    // One refused change, two accepted items of its document, three accepted of another: 3 tokens.
    budget.spend(
      [...poisoned, ...other],
      [new Error('UndecodableChangeError'), undefined, undefined, undefined, undefined, undefined]
    )
    expect(await settled(budget.ready(POISONER.facility))).toBe(true)
    budget.spend(items(POISONER, 2), refused(2))
    // 4 - 3 - 2 = -1: one second in debt.
    const next = budget.ready(POISONER.facility)
    expect(await settled(next)).toBe(false)
    clock.advance(1_000)
    expect(await settled(next)).toBe(true)
  })
})
