/**
 * Search in both scripts: a Devanagari and a Latin spelling of one name find each other, and the
 * usual Latin spellings of Hindi names do too, marked approximate. The seeded part writes synthetic
 * names (core/synth) in Devanagari with sanscript's ITRANS reading, as a clerk typing Hindi would.
 */
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { PatientDoc, PatientId } from '@pagdandi/core/record'
import { generateFacilities, generatePatients } from '@pagdandi/core/synth'
import { testSeed } from '@pagdandi/core/testing'
import { romanize, soundKey, wordKeys } from './nameKeys.js'
import { PatientIndex } from './PatientIndex.js'
import { indexedPatient } from '../testing/fixtures.js'

const FACILITY = 'IN2210000001'

const doc = (r: Parameters<typeof indexedPatient>[0]): PatientDoc => indexedPatient(r, FACILITY)

// Test-only: Latin → Devanagari, the way a clerk typing Hindi on a phonetic keyboard writes a name.
const sanscript = createRequire(import.meta.url)('@indic-transliteration/sanscript') as {
  t(data: string, from: string, to: string): string
}
const toDevanagari = (latin: string): string => sanscript.t(latin.toLowerCase(), 'itrans', 'devanagari')

describe('romanising Devanagari names the way they are written in Latin letters', () => {
  it.each([
    ['सुनीता', 'sunita'],
    ['कश्यप', 'kashyap'],
    ['कमला', 'kamla'],
    ['राजेश', 'rajesh'],
    ['मरकाम', 'markam'],
    ['शंकर', 'shankar'],
    ['लक्ष्मी', 'lakshmi'],
    ['कृष्ण', 'krishn'],
    ['रामेश्वर', 'rameshvar'],
    ['सोमारू', 'somaru'],
    ['बसंती', 'basanti'],
    ['ज़ैनब', 'jainab'],
    ['सुनयना', 'sunayna'],
    ['ज्ञान', 'gyan']
  ])('%s → %s', (devanagari, latin) => {
    expect(romanize(devanagari)).toBe(latin)
  })

  it('gives the usual Latin spellings of one Hindi name one sound key', () => {
    for (const [a, b] of [
      ['suneeta', 'sunita'],
      ['rameshwar', 'rameshvar'],
      ['laxmi', 'lakshmi'],
      ['shamkar', 'shankar'],
      ['bheema', 'bhima'],
      ['kawasee', 'kawasi']
    ] as const)
      expect(soundKey(a), `${a} ~ ${b}`).toBe(soundKey(b))
    expect(soundKey('sunita')).not.toBe(soundKey('sumitra'))
    expect(wordKeys('सुनीता').latin).toBe(wordKeys('Sunita').latin)
  })
})

describe('search in both scripts', () => {
  it('"सुनीता" finds the 36 Sunitas stored in Latin letters, and "Sunita" finds the one stored in Devanagari', () => {
    const index = new PatientIndex()
    const surnames = ['Kashyap', 'Baghel', 'Markam', 'Netam', 'Kawasi', 'Poyam']
    for (let i = 0; i < 36; i++)
      index.upsert(`s${i}` as PatientId, doc({ name: `Sunita ${surnames[i % 6]!}`, village: 'Kilepal' }), FACILITY)
    index.upsert('dev' as PatientId, doc({ name: 'सुनीता कश्यप', village: 'किलेपाल' }), FACILITY)
    index.upsert('other' as PatientId, doc({ name: 'Sumitra Kashyap', village: 'Kilepal' }), FACILITY)

    const hits = index.search('सुनीता', 100)
    expect(hits.filter(h => h.patientId.startsWith('s')).length).toBe(36)
    expect(hits.map(h => h.patientId)).toContain('dev')
    expect(hits.map(h => h.patientId)).not.toContain('other')
    expect(hits.every(h => h.match === 'exact')).toBe(true)

    for (const q of ['Sunita Kashyap', 'सुनीता कश्यप', 'कश्यप सुनीता'])
      expect(
        index.search(q, 100).map(h => h.patientId),
        q
      ).toContain('dev')
    const [first] = index.search('सुनीता कश्यप')
    expect(first?.patientId).toBe('dev')
    // A spelling that differs in its letters is still found, and marked approximate.
    const suneeta = index.search('Suneeta Kashyap', 100).find(h => h.patientId === 'dev')
    expect(suneeta?.match).toBe('approximate')
    // The village in Devanagari is found by its Latin spelling, with the name.
    expect(index.search('Sunita Kilepal', 100).map(h => h.patientId)).toContain('dev')
  })

  it('says how many it would give: at most the limit', () => {
    const index = new PatientIndex()
    for (let i = 0; i < 60; i++)
      index.upsert(`s${i}` as PatientId, doc({ name: `Sunita ${i}`, village: 'X' }), FACILITY)
    expect(index.search('Sunita').length).toBe(50)
    expect(index.search('Sunita', 51).length).toBe(51)
  })

  it('finds every synthetic name typed in Devanagari, and every Devanagari record by its Latin name (seeded)', () => {
    const seed = testSeed('PAGDANDI_NAME_SEED', 15)
    const facilities = generateFacilities(seed)
      .filter(f => f.kind === 'CHC')
      .slice(0, 1)
    const people = generatePatients({ seed, count: 300, facilities, duplicateRate: 0 })
    const latin = new PatientIndex()
    const devanagari = new PatientIndex()
    for (const p of people) {
      latin.upsert(p.key as PatientId, doc({ name: p.registration.name, village: 'Kilepal' }), FACILITY)
      devanagari.upsert(
        p.key as PatientId,
        doc({ name: toDevanagari(p.registration.name), village: 'Kilepal' }),
        FACILITY
      )
    }
    const missed: string[] = []
    for (const p of people) {
      const name = p.registration.name
      if (!latin.search(toDevanagari(name), 300).some(h => h.patientId === p.key))
        missed.push(`${name} (Devanagari query)`)
      if (!devanagari.search(name, 300).some(h => h.patientId === p.key)) missed.push(`${name} (Latin query)`)
    }
    expect(missed, `seed ${seed}`).toEqual([])
  })
})

describe('possible duplicates before a registration is saved', () => {
  it('lists a registered patient whose name matches in either script and whose age, village or guardian agrees', () => {
    const index = new PatientIndex()
    index.upsert(
      'p1' as PatientId,
      doc({
        name: 'सुनीता कश्यप',
        village: 'Kilepal',
        guardian: { name: 'Ramesh Kashyap', relation: 'husband' },
        birth: { kind: 'approx-age', years: 28, asOf: '2026-01-01' }
      }),
      FACILITY,
      new Date('2026-06-01T00:00:00Z')
    )
    index.upsert('p2' as PatientId, doc({ name: 'Sunita Kashyap', village: 'Darbha' }), FACILITY)
    index.upsert('p3' as PatientId, doc({ name: 'Sunita Kashyap', village: 'Kilepal', sex: 'male' }), FACILITY)
    const found = index.possibleMatches({
      name: 'Suneeta Kashyap',
      sex: 'female',
      age: 29,
      village: 'Kilepaal',
      guardian: 'Ramesh'
    })
    expect(found.map(m => m.patient.patientId)).toEqual(['p1', 'p2'])
    expect(found[0]!.reasons).toEqual(['name', 'age', 'village', 'guardian'])
    // A name alone is not enough: one of age, village, guardian or phone must agree too.
    expect(index.possibleMatches({ name: 'Sunita Kashyap', age: 70, village: 'Bastar' })).toEqual([])
  })

  it('finds the patient this facility registered under a UHID, or anyone with an ABHA number', () => {
    const index = new PatientIndex()
    index.upsert(
      'p1' as PatientId,
      doc({ name: 'Hidme Kawasi', village: 'Dilmili', uhid: 'TKP-0042', abhaNumber: '91123456789012' }),
      FACILITY
    )
    expect(index.findByIdentifier({ uhid: 'tkp-0042 ' }).map(s => s.field)).toEqual(['uhid'])
    expect(index.findByIdentifier({ abhaNumber: '91-1234-5678-9012' }).map(s => s.patient.patientId)).toEqual(['p1'])
    expect(index.findByIdentifier({ uhid: 'TKP-0043', abhaNumber: '91123456789013' })).toEqual([])
  })
})
