/**
 * The division harness's own logic, without processes: the ledger's accounting, the lost-write and
 * convergence checks, latency counted from link-up, and schedule compression.
 */
import { describe, expect, it } from 'vitest'
import type { FacilityId } from '@pagdandi/core/record'
import { generateFacilities } from '@pagdandi/core/synth'
import {
  Ledger,
  checkConvergence,
  latencyFromLinkUp,
  linkUpFrom,
  lostWrites,
  quantile,
  windowsFromTransitions,
  type Holding
} from './ledger.js'
import { chooseFacilities, compressWindows, planDivision } from './plan.js'

const CHC = 'IN2210000101' as FacilityId
const DH = 'IN2210000001' as FacilityId
const OTHER = 'IN2210000102' as FacilityId

/** A CHC registers a patient, adds an encounter and refers them to the DH; one more write is refused. */
function ledgerOfOneReferral(): Ledger {
  const l = new Ledger()
  const reg = l.attempt({ facility: CHC, kind: 'registration', patientKey: 'p1', dueMs: 0 })
  l.ack(reg, 10, { patientId: 'doc1' })
  const enc = l.attempt({ facility: CHC, kind: 'encounter', patientKey: 'p1', dueMs: 20, patientId: 'doc1' })
  l.ack(enc, 30, { entryId: 'enc1' })
  const ref = l.attempt({ facility: CHC, kind: 'referral', patientKey: 'p1', dueMs: 40, patientId: 'doc1', to: DH })
  l.ack(ref, 50, { entryId: 'ref1' })
  const refused = l.attempt({ facility: CHC, kind: 'registration', patientKey: 'p2', dueMs: 60 })
  l.refuse(refused, 70, '409 DuplicateIdentifierError')
  return l
}

const sees = (ids: string[]) => ({ entryIds: new Set(ids) })

describe('the acknowledged-write ledger', () => {
  it('counts attempted, acknowledged and refused writes by kind', () => {
    const c = ledgerOfOneReferral().counts()
    expect(c).toEqual({
      attempted: 4,
      acknowledged: 3,
      refused: 1,
      byKind: { registration: 1, encounter: 1, referral: 1 }
    })
  })

  it('finds no loss when every facility that must show a write shows it', () => {
    const l = ledgerOfOneReferral()
    const all = sees(['enc1', 'ref1'])
    expect(lostWrites(l, () => all)).toEqual([])
  })

  it('counts a write lost when the referral target lacks it, and a refused write never', () => {
    const l = ledgerOfOneReferral()
    const lost = lostWrites(l, f => (f === DH ? sees(['ref1']) : sees(['enc1', 'ref1'])))
    expect(lost.map(x => [x.entry.kind, x.at])).toEqual([['encounter', DH]])
  })

  it('counts every write of a patient lost where the patient is missing altogether', () => {
    const l = ledgerOfOneReferral()
    const lost = lostWrites(l, f => (f === CHC ? undefined : sees(['enc1', 'ref1'])))
    expect(lost.map(x => x.entry.kind)).toEqual(['registration', 'encounter', 'referral'])
  })

  it('does not judge the writes of a revoked facility', () => {
    const l = ledgerOfOneReferral()
    expect(lostWrites(l, () => undefined, new Set([CHC]))).toEqual([])
  })

  it('expects a document at its author, every referral target and their carriers', () => {
    const l = ledgerOfOneReferral()
    const carriers = (f: FacilityId): FacilityId[] => (f === CHC ? [DH] : [])
    expect([...l.expectedHolders(carriers).get('doc1')!].sort()).toEqual([DH, CHC].sort())
    expect(l.expectedHolders(carriers, new Set([CHC])).has('doc1')).toBe(false)
  })
})

describe('the convergence check', () => {
  const h = (count: number, fp: string): Holding => ({ count, fp })
  const expected = new Map([['doc1', new Set([CHC, DH])]])

  it('passes when every holder has the same items and nobody else has any', () => {
    const holdings = new Map([
      [CHC, new Map([['doc1', h(3, 'ab')]])],
      [DH, new Map([['doc1', h(3, 'ab')]])],
      [OTHER, new Map<string, Holding>()]
    ])
    expect(checkConvergence(expected, holdings)).toEqual({ documents: 1, missing: [], extra: [], diverged: [] })
  })

  it('names a missing holder, a holder behind the others, and a facility holding what it may not', () => {
    const holdings = new Map([
      [CHC, new Map([['doc1', h(3, 'ab')]])],
      [DH, new Map([['doc1', h(2, 'cd')]])],
      [OTHER, new Map([['doc1', h(3, 'ab')]])]
    ])
    const c = checkConvergence(expected, holdings)
    expect(c.diverged.map(d => d.doc)).toEqual(['doc1'])
    expect(c.extra).toEqual([{ doc: 'doc1', facility: OTHER }])
    const without = checkConvergence(expected, new Map([[CHC, new Map([['doc1', h(3, 'ab')]])]]))
    expect(without.missing).toEqual([{ doc: 'doc1', facility: DH }])
  })

  it('skips the stores of facilities it is told not to judge', () => {
    const holdings = new Map([
      [CHC, new Map([['doc1', h(3, 'ab')]])],
      [DH, new Map([['doc1', h(3, 'ab')]])],
      [OTHER, new Map([['doc1', h(1, 'ef')]])]
    ])
    expect(checkConvergence(expected, holdings, new Set([OTHER])).extra).toEqual([])
  })
})

describe('latency from link-up', () => {
  const down = [
    { atMs: 100, forMs: 50 },
    { atMs: 150, forMs: 100 },
    { atMs: 400, forMs: 10 }
  ]

  it('counts from creation when the link was up, else from the end of the outage (chained windows too)', () => {
    expect(linkUpFrom(50, down)).toBe(50)
    expect(linkUpFrom(120, down)).toBe(250)
    expect(latencyFromLinkUp(50, 80, down)).toBe(30)
    expect(latencyFromLinkUp(120, 300, down)).toBe(50)
    expect(latencyFromLinkUp(405, 420, [...down].reverse())).toBe(10)
  })

  it('turns link transitions into down windows, closing one still open', () => {
    const t = [
      { at: 10, up: false },
      { at: 30, up: true },
      { at: 70, up: false }
    ]
    expect(windowsFromTransitions(t, 100)).toEqual([
      { atMs: 10, forMs: 20 },
      { atMs: 70, forMs: 30 }
    ])
  })

  it('takes quantiles by nearest rank', () => {
    expect(quantile([5, 1, 4, 2, 3], 0.5)).toBe(3)
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 0.95)).toBe(19)
    expect(quantile([], 0.5)).toBeNaN()
  })
})

describe('the plan', () => {
  it('compresses outage windows by the stated factor, start and length alike', () => {
    expect(compressWindows([{ atMs: 3_600_000, forMs: 7_200_000 }], 180)).toEqual([{ atMs: 20_000, forMs: 40_000 }])
    expect(() => compressWindows([], 0.5)).toThrow(RangeError)
  })

  it('builds the 49 facilities with a link each to a DH, a DH mesh, and each DH carrying for its own', () => {
    const all = generateFacilities(1)
    const plan = planDivision({ seed: 1, facilities: all, factor: 180, horizonMs: 12 * 3_600_000 })
    expect(plan.facilities.length).toBe(49)
    const dhs = plan.facilities.filter(f => f.kind === 'DH').map(f => f.id)
    expect(plan.links.length).toBe(43 + (dhs.length * (dhs.length - 1)) / 2)
    for (const f of plan.facilities.filter(x => x.kind === 'CHC')) {
      expect(plan.carries.get(f.hub!)).toContain(f.id)
    }
    // Every compressed outage lies within the compressed horizon.
    for (const l of plan.links) for (const w of l.outages) expect(w.atMs).toBeLessThan((12 * 3_600_000) / 180)
  })

  it('keeps, for a small run, only CHCs whose hub runs', () => {
    const kept = chooseFacilities(generateFacilities(1), 6)
    const ids = new Set(kept.map(f => f.id))
    expect(kept.length).toBe(6)
    for (const f of kept) if (f.kind === 'CHC') expect(ids.has(f.hub!)).toBe(true)
  })
})
