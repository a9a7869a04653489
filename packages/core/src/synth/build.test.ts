import * as Automerge from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { currentStatus, readPatient, type RecordWarning } from '../record/index.js'
import { buildPatientBytes, buildPatientDoc, DEFAULT_GRANULARITY, type Granularity } from './build.js'
import { generateFacilities } from './facilities.js'
import { generateChcDay, generatePatients } from './generate.js'

const SEED = 7
const facilities = generateFacilities(SEED)
const patients = generatePatients({ seed: SEED, count: 3000, facilities })
// A sample rich in what can go wrong: referrals, later ABHA links, duplicates, alerts.
const sample = [
  ...patients.filter(p => p.visits.some(v => v.referral !== undefined)).slice(0, 25),
  ...patients.filter(p => p.abhaLinkedLater !== undefined).slice(0, 20),
  ...patients.filter(p => p.duplicateOf !== undefined).slice(0, 20),
  ...patients.filter(p => p.visits.some(v => v.alert !== undefined)).slice(0, 20),
  ...patients.slice(0, 20)
]

/** Paths of the strings an Automerge document holds as text CRDTs (toJS gives those as plain strings). */
function textPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return [path]
  if (typeof value !== 'object' || value === null || Automerge.isImmutableString(value)) return []
  return Object.entries(value).flatMap(([k, v]) => textPaths(v, `${path}/${k}`))
}

describe('buildPatientDoc', () => {
  it(`builds documents the record validators accept, with no warnings (seed ${SEED})`, { timeout: 60_000 }, () => {
    const warnings: RecordWarning[] = []
    for (const p of sample) {
      const doc = readPatient(buildPatientDoc(p, { seed: SEED, onWarning: w => warnings.push(w) }))
      const arrivals = p.visits.filter(v => v.referral?.arrival !== undefined).length
      expect(Object.keys(doc.encounters), p.key).toHaveLength(p.visits.length + arrivals)
      expect(doc.demographics.name).toBe(p.registration.name)
      expect(doc.identifiers.uhid[p.facility]).toBe(p.registration.uhid)
      if (p.abhaLinkedLater !== undefined) expect(doc.identifiers.abhaLinked?.by).toBe(p.abhaLinkedLater.by)
      for (const v of p.visits) {
        if (v.referral === undefined) continue
        const ref = Object.values(doc.referrals).find(r => r.createdAt >= v.at && r.to === v.referral!.input.to)!
        const outcome = v.referral.outcome
        // A discharge summary completes the referral; a back-referral marks it back-referred.
        const expected =
          outcome?.status === 'back-referred' && outcome.summary.kind === 'discharge'
            ? 'completed'
            : (outcome?.status ?? (v.referral.acceptedAt !== undefined ? 'accepted' : 'sent'))
        expect(currentStatus(ref), p.key).toBe(expected)
      }
    }
    expect(warnings).toEqual([])
  })

  it('gives byte-identical Automerge.save output for the same seed and actor', { timeout: 60_000 }, () => {
    const actor = '0123456789abcdef0123456789abcdef'
    for (const p of sample.slice(0, 30)) {
      const a = Automerge.save(buildPatientDoc(JSON.parse(JSON.stringify(p)) as typeof p, { seed: SEED, actor }))
      const b = Automerge.save(buildPatientDoc(JSON.parse(JSON.stringify(p)) as typeof p, { seed: SEED, actor }))
      expect(a, p.key).toEqual(b)
    }
    const p = sample[0]!
    expect(Automerge.getActorId(buildPatientDoc(p, { seed: SEED }))).toBe(
      Automerge.getActorId(buildPatientDoc(p, { seed: SEED }))
    )
  })

  it('builds every patient of a CHC day', { timeout: 60_000 }, () => {
    const chc = facilities.find(f => f.kind === 'CHC')!
    const day = generateChcDay({ seed: SEED, facility: chc, date: '2025-08-04', facilities })
    for (const p of day.patients.slice(0, 40))
      expect(readPatient(buildPatientDoc(p, { seed: SEED })).registeredBy).toBe(chc.id)
  })

  it(
    'gives the same clinical content at every granularity, in fewer changes when batched, every string immutable',
    { timeout: 120_000 },
    () => {
      const actor = 'fe'.repeat(16)
      // Freed at once: documents left to the garbage collector slow WebAssembly down (see buildPatientBytes).
      const build = (p: (typeof sample)[number], g: Granularity): { content: unknown; changes: number } => {
        const doc = buildPatientDoc(p, { seed: SEED, actor, granularity: g })
        const out = { content: Automerge.toJS(doc), changes: Automerge.getHistory(doc).length }
        Automerge.free(doc)
        return out
      }
      for (const p of sample) {
        const step = build(p, 'step')
        const visit = build(p, 'visit')
        const patient = build(p, 'patient')
        expect(visit.content, `${p.key} visit`).toEqual(step.content)
        expect(patient.content, `${p.key} patient`).toEqual(step.content)
        expect(visit.changes, p.key).toBeLessThanOrEqual(step.changes)
        expect(patient.changes, p.key).toBe(step.changes > 1 ? 2 : 1)
        for (const [g, built] of [
          ['step', step],
          ['visit', visit],
          ['patient', patient]
        ] as const) {
          expect(textPaths(built.content), `${p.key} ${g}`).toEqual([])
        }
      }
      expect(DEFAULT_GRANULARITY).toBe('visit')
    }
  )

  it('writes one change per sitting at visit granularity, stamped with data times', () => {
    const p = sample.find(
      x =>
        x.visits.length === 1 &&
        x.visits[0]!.referral?.outcome?.status === 'back-referred' &&
        x.abhaLinkedLater === undefined
    )!
    const times = Automerge.getHistory(buildPatientDoc(p, { seed: SEED, granularity: 'visit' })).map(h => h.change.time)
    const ref = p.visits[0]!.referral!
    // Registration; the CHC visit with its referral; the DH's receipt, acceptance and back-referral.
    expect(times).toEqual([p.registeredAt, p.visits[0]!.at, ref.outcome!.at].map(t => Math.floor(Date.parse(t) / 1000)))
  })

  it.each(['step', 'visit', 'patient'] as const)(
    'gives byte-identical output at %s granularity, as a document or as bytes',
    g => {
      const actor = '0123456789abcdef0123456789abcdef'
      for (const p of sample.slice(0, 15)) {
        const a = buildPatientBytes(JSON.parse(JSON.stringify(p)) as typeof p, { seed: SEED, actor, granularity: g })
        expect(Automerge.save(buildPatientDoc(p, { seed: SEED, actor, granularity: g })), p.key).toEqual(a)
        expect(buildPatientBytes(p, { seed: SEED, actor, granularity: g }), p.key).toEqual(a)
      }
      expect(() => buildPatientDoc(sample[0]!, { seed: SEED, granularity: 'day' as never })).toThrow(TypeError)
    }
  )
})
