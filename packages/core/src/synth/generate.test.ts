import { describe, expect, it } from 'vitest'
import { generateFacilities } from './facilities.js'
import { generateChcDay, generatePatients } from './generate.js'
import { addDays } from './calendar.js'
import type { DiagnosisGroup, SynthPatient } from './types.js'

const SEED = 7
const facilities = generateFacilities(SEED)
const chcs = facilities.filter(f => f.kind === 'CHC')

/** Every CHC's OPD over the given dates. */
function chcDays(from: string, days: number): SynthPatient[] {
  const out: SynthPatient[] = []
  for (let i = 0; i < days; i++) {
    const date = addDays(from, i)
    for (const [j, facility] of chcs.entries()) {
      if (j % 4 !== i % 4) continue
      out.push(...generateChcDay({ seed: SEED * 100_000 + i * 100 + j, facility, date, facilities }).patients)
    }
  }
  return out
}

function shares(patients: readonly SynthPatient[]): Record<DiagnosisGroup, number> {
  const counts: Partial<Record<DiagnosisGroup, number>> = {}
  for (const p of patients) for (const v of p.visits) counts[v.group] = (counts[v.group] ?? 0) + 1
  const total = patients.reduce((s, p) => s + p.visits.length, 0)
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n / total])) as Record<DiagnosisGroup, number>
}

describe('CHC OPD days', () => {
  const monsoon = chcDays('2025-07-01', 60)

  it(`has a monsoon diagnosis mix within the domain.md §7 bands (seed ${SEED})`, () => {
    expect(monsoon.length).toBeGreaterThan(30_000)
    const s = shares(monsoon)
    const bands: Record<DiagnosisGroup, [number, number]> = {
      'fever-malaria': [0.15, 0.25],
      ari: [0.12, 0.15],
      diarrhoea: [0.05, 0.08],
      skin: [0.04, 0.06],
      musculoskeletal: [0.05, 0.07],
      'acid-peptic': [0.05, 0.07],
      anaemia: [0.05, 0.1],
      anc: [0.08, 0.12],
      'tb-suspect': [0.01, 0.02],
      'htn-dm': [0.05, 0.08],
      'injury-bite': [0.03, 0.05],
      'sickle-cell': [0.004, 0.015],
      'symptom-only': [0.2, 0.3]
    }
    for (const [group, [lo, hi]] of Object.entries(bands)) {
      expect(s[group as DiagnosisGroup], `${group} (seed ${SEED})`).toBeGreaterThanOrEqual(lo)
      expect(s[group as DiagnosisGroup], `${group} (seed ${SEED})`).toBeLessThanOrEqual(hi)
    }
  })

  it('confirms most malaria as P. falciparum', () => {
    const malaria = monsoon.flatMap(p => p.visits).filter(v => v.condition.startsWith('malaria-'))
    const pf = malaria.filter(v => v.condition.startsWith('malaria-pf')).length
    expect(pf / malaria.length).toBeGreaterThan(0.8)
    expect(pf / malaria.length).toBeLessThan(0.92)
  })

  it(
    'refers 1–3% of CHC OPD to the hub DH, by 108/102 for a third to a half, with back-referrals for ~60%',
    { timeout: 60_000 },
    () => {
      const year = chcDays('2025-06-15', 100)
      const visits = year.flatMap(p => p.visits)
      const refs = visits.flatMap(v => (v.referral === undefined ? [] : [v.referral]))
      expect(refs.length / visits.length, `seed ${SEED}`).toBeGreaterThanOrEqual(0.01)
      expect(refs.length / visits.length, `seed ${SEED}`).toBeLessThanOrEqual(0.03)
      const ambulance = refs.filter(r => r.input.transport !== 'own').length / refs.length
      expect(ambulance).toBeGreaterThan(0.3)
      expect(ambulance).toBeLessThan(0.55)
      const back = refs.filter(r => r.outcome?.status === 'back-referred').length / refs.length
      expect(back).toBeGreaterThan(0.5)
      expect(back).toBeLessThan(0.7)
      for (const v of visits) {
        if (v.referral === undefined) continue
        expect(v.referral.input.to).toBe(chcs.find(c => c.id === v.facility)!.hub)
      }
    }
  )

  it('has 3–8% duplicate registrations and 20–40% ABHA-linked', () => {
    const dup = monsoon.filter(p => p.duplicateOf !== undefined).length / monsoon.length
    expect(dup).toBeGreaterThanOrEqual(0.03)
    expect(dup).toBeLessThanOrEqual(0.08)
    const abha =
      monsoon.filter(p => p.registration.abhaNumber !== undefined || p.abhaLinkedLater !== undefined).length /
      monsoon.length
    expect(abha).toBeGreaterThanOrEqual(0.2)
    expect(abha).toBeLessThanOrEqual(0.4)
  })

  it('sees more patients on Monday than Saturday and few on Sunday', () => {
    const chc = chcs[0]!
    const count = (date: string): number => generateChcDay({ seed: 1, facility: chc, date }).patients.length
    expect(count('2025-08-04')).toBeGreaterThan(count('2025-08-09'))
    expect(count('2025-08-10')).toBeLessThan(chc.opdPerDay * 0.4)
  })
})

describe('generatePatients', () => {
  const patients = generatePatients({ seed: SEED, count: 20_000, facilities })

  it('produces byte-identical JSON for the same seed', () => {
    const a = JSON.stringify(generatePatients({ seed: 7, count: 500, facilities: generateFacilities(7) }))
    const b = JSON.stringify(generatePatients({ seed: 7, count: 500, facilities: generateFacilities(7) }))
    expect(a).toBe(b)
    expect(JSON.stringify(generatePatients({ seed: 8, count: 500, facilities }))).not.toBe(a)
  })

  it('duplicates 3–8% of registrations: same person, another facility, a different spelling', () => {
    const byKey = new Map(patients.map(p => [p.key, p]))
    const dups = patients.filter(p => p.duplicateOf !== undefined)
    expect(dups.length / patients.length, `seed ${SEED}`).toBeGreaterThanOrEqual(0.03)
    expect(dups.length / patients.length, `seed ${SEED}`).toBeLessThanOrEqual(0.08)
    for (const d of dups) {
      const original = byKey.get(d.duplicateOf!)!
      expect(d.person).toBe(original.person)
      expect(d.facility).not.toBe(original.facility)
      expect(d.registration.name).not.toBe(original.registration.name)
    }
  })

  it('links an ABHA for 20–40% at CHCs and 40–55% at hospitals, some only at a later visit', () => {
    const kind = new Map(facilities.map(f => [f.id, f.kind]))
    const originals = patients.filter(p => p.duplicateOf === undefined)
    for (const [hospital, lo, hi] of [
      [false, 0.2, 0.4],
      [true, 0.4, 0.55]
    ] as const) {
      const group = originals.filter(p => (kind.get(p.facility) !== 'CHC') === hospital)
      const linked =
        group.filter(p => p.registration.abhaNumber !== undefined || p.abhaLinkedLater !== undefined).length /
        group.length
      expect(linked, `hospital=${String(hospital)} seed ${SEED}`).toBeGreaterThanOrEqual(lo)
      expect(linked, `hospital=${String(hospital)} seed ${SEED}`).toBeLessThanOrEqual(hi)
    }
    expect(originals.some(p => p.abhaLinkedLater !== undefined)).toBe(true)
  })

  it('has a young age pyramid, shared family phones and 20–40% without a phone', () => {
    const noPhone = patients.filter(p => p.registration.phone === undefined).length / patients.length
    expect(noPhone).toBeGreaterThanOrEqual(0.2)
    expect(noPhone).toBeLessThanOrEqual(0.4)
    const phones = new Map<string, number>()
    for (const p of patients)
      if (p.registration.phone !== undefined && p.duplicateOf === undefined)
        phones.set(p.registration.phone, (phones.get(p.registration.phone) ?? 0) + 1)
    expect([...phones.values()].filter(n => n > 1).length).toBeGreaterThan(100)
    const children = patients.filter(p => p.registration.guardian?.relation === 'father').length / patients.length
    expect(children).toBeGreaterThan(0.25)
  })

  it('rejects a negative count with a named error', () => {
    expect(() => generatePatients({ seed: 1, count: -1, facilities })).toThrow(
      expect.objectContaining({ name: 'InvalidSynthParameterError' })
    )
  })
})
