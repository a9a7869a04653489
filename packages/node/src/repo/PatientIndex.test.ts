import { describe, expect, it } from 'vitest'
import type { PatientDoc, PatientId } from '@pagdandi/core/record'
import { PatientIndex } from './PatientIndex.js'
import { indexedPatient } from '../testing/fixtures.js'
import { skeleton } from './transliteration.js'

function doc(
  name: string,
  village: string,
  extra: Partial<{ phone: string; abha: string; uhid: string }> = {}
): PatientDoc {
  return indexedPatient({
    name,
    village,
    ...(extra.phone !== undefined ? { phone: extra.phone } : {}),
    ...(extra.uhid !== undefined ? { uhid: extra.uhid } : {}),
    ...(extra.abha !== undefined ? { abhaNumber: extra.abha } : {})
  })
}

describe('transliteration-tolerant search', () => {
  it('gives the usual spelling variants one key', () => {
    expect(skeleton('Somaru')).toBe(skeleton('Somru'))
    expect(skeleton('Markam')).toBe(skeleton('Markaam'))
    expect(skeleton('Kawasi')).toBe(skeleton('Kawasee'))
    expect(skeleton('Bhima')).toBe(skeleton('Beema'))
    expect(skeleton('Kawasi')).not.toBe(skeleton('Markam'))
  })

  it('finds a patient by a variant spelling, ABHA number, phone, village and UHID', () => {
    const index = new PatientIndex()
    index.upsert(
      'p1' as PatientId,
      doc('Somaru Markam', 'Kilepal', { phone: '+91 98261 23456', abha: '91123456789012', uhid: 'CHC-0042' }),
      'IN2210000001'
    )
    index.upsert('p2' as PatientId, doc('Hidme Kawasi', 'Dilmili'), 'IN2210000001')
    expect(index.search('somru markaam').map(p => p.patientId)).toEqual(['p1'])
    expect(index.search('Kawasee').map(p => p.patientId)).toEqual(['p2'])
    expect(index.search('91-1234-5678-9012').map(p => p.patientId)).toEqual(['p1'])
    expect(index.search('9826123456').map(p => p.patientId)).toEqual(['p1'])
    expect(index.search('Dilmili').map(p => p.patientId)).toEqual(['p2'])
    expect(index.search('chc-0042').map(p => p.patientId)).toEqual(['p1'])
    expect(index.search('Podiyami')).toEqual([])
  })
})

describe('a patient whose birth date and village nobody knows', () => {
  it('has no age and says so, and no village (never an age from a made-up year)', () => {
    const index = new PatientIndex()
    const d = doc('Sunita Kashyap', 'Kilepal')
    d.demographics.birth = { kind: 'unknown' }
    d.demographics.address = {}
    index.upsert('p1' as PatientId, d, 'IN2210000001')
    const [hit] = index.search('Sunita')
    expect(hit).toMatchObject({ patientId: 'p1', birthUnknown: true })
    expect(hit).not.toHaveProperty('age', expect.any(Number))
    expect(hit).not.toHaveProperty('village')
    index.upsert('p2' as PatientId, doc('Hidme Kawasi', 'Dilmili'), 'IN2210000001')
    expect(index.search('Hidme')[0]).not.toHaveProperty('birthUnknown')
  })
})
