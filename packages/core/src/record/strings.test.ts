import * as Automerge from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { compressChange, CURRENT_DICTIONARY_VERSION } from '../crypto/compress.js'
import { addEncounter } from './encounter.js'
import { createReferral } from './referral.js'
import { createPatientDoc, newPatientDoc, setUhid } from './registration.js'
import { put, readPatient, str, wrap } from './strings.js'
import type { EntryId, PatientDoc } from './types.js'
import { CHC, DH, feverEncounter, referralSlip, registration, testContext } from './test-fixtures.js'

type Doc = Automerge.Doc<PatientDoc>
const ACTOR = 'ab'.repeat(16)
const T0 = 1_763_630_000

/** Every value in `value` that is not a plain string, number, boolean, list or plain object, by path. */
function notPlain(value: unknown, path = ''): string[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return []
  if (Array.isArray(value)) return value.flatMap((v, i) => notPlain(v, `${path}/${i}`))
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flatMap(([k, v]) => notPlain(v, `${path}/${k}`))
  }
  return [path]
}

/** A patient registered at the CHC, seen for fever and referred to the DH: three changes, with the record functions. */
function withRecordFunctions(): { doc: Doc; encounter: EntryId; referral: EntryId } {
  let doc = createPatientDoc(registration(), testContext(CHC, 'r'), { actor: ACTOR, time: T0 })
  let encounter = '' as EntryId
  let referral = '' as EntryId
  doc = Automerge.change(doc, { time: T0 + 60 }, d => {
    encounter = addEncounter(d, feverEncounter(), testContext(CHC, 'e'))
  })
  doc = Automerge.change(doc, { time: T0 + 120 }, d => {
    referral = createReferral(d, referralSlip({ encounterId: encounter }), testContext(CHC, 'f'))
  })
  return { doc, encounter, referral }
}

/** The same content in the same three changes, every string a plain JS string (Automerge stores those as text). */
function asText(encounter: EntryId, referral: EntryId): Doc {
  const plain = newPatientDoc(registration(), testContext(CHC, 'r'))
  addEncounter(plain, feverEncounter(), testContext(CHC, 'e'))
  createReferral(plain, referralSlip({ encounterId: encounter }), testContext(CHC, 'f'))
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
  const registered = { ...copy(plain), encounters: {}, referrals: {} }
  let doc = Automerge.change(Automerge.init<PatientDoc>({ actor: ACTOR }), { time: T0 }, d => {
    Object.assign(d, registered)
  })
  doc = Automerge.change(doc, { time: T0 + 60 }, d => {
    d.encounters[encounter] = copy(plain.encounters[encounter]!)
  })
  doc = Automerge.change(doc, { time: T0 + 120 }, d => {
    d.referrals[referral] = copy(plain.referrals[referral]!)
  })
  return doc
}

const sealedBytes = (doc: Doc): number =>
  Automerge.getAllChanges(doc).reduce((n, c) => n + compressChange(c, CURRENT_DICTIONARY_VERSION).byteLength, 0)

describe('immutable strings', () => {
  it('saves a registered, treated and referred patient in fewer bytes than the same content as text', () => {
    const { doc, encounter, referral } = withRecordFunctions()
    const text = asText(encounter, referral)
    expect(readPatient(doc)).toEqual(readPatient(text))
    expect(Automerge.save(doc).byteLength).toBeLessThan(Automerge.save(text).byteLength)
    // What the node seals: each change deflated with the shared dictionary.
    expect(sealedBytes(doc)).toBeLessThan(sealedBytes(text))
  })

  it('readPatient gives plain strings only, from an Automerge document, a change proxy or a plain object', () => {
    const { doc } = withRecordFunctions()
    const plain = readPatient(doc)
    expect(notPlain(plain)).toEqual([])
    expect(plain.demographics.name).toBe('Sukmati Kashyap')
    Automerge.change(doc, d => {
      expect(notPlain(readPatient(d))).toEqual([])
    })
    expect(readPatient(plain)).toEqual(plain)
    expect(readPatient(plain)).not.toBe(plain)
  })

  it('writes immutable strings into a proxy and plain strings into a plain object, and reads both alike', () => {
    const plain = newPatientDoc(registration(), testContext(CHC, 'r'))
    put(plain.identifiers.uhid, DH, 'DH-1')
    expect(plain.identifiers.uhid[DH]).toBe('DH-1')
    const doc = Automerge.change(createPatientDoc(registration(), testContext(CHC, 'r')), d => {
      put(d.identifiers.uhid, DH, 'DH-1')
      expect(Automerge.isImmutableString(d.identifiers.uhid[DH])).toBe(true)
      expect(str(d.identifiers.uhid[DH])).toBe('DH-1')
      // A string field written as text by an older writer still reads as a string.
      ;(d.demographics as { name: string }).name = 'Sukmati K.'
      expect(str(d.demographics.name)).toBe('Sukmati K.')
    })
    expect(Automerge.isImmutableString(doc.demographics.address.village)).toBe(true)
    expect(readPatient(doc).identifiers.uhid[DH]).toBe('DH-1')
    // setUhid compares through str: writing the same UHID again changes nothing.
    const again = Automerge.change(doc, d => {
      setUhid(d, 'DH-1', testContext(DH))
    })
    expect(Automerge.getHeads(again)).toEqual(Automerge.getHeads(doc))
    expect(wrap(['a', { b: 'c', n: 1 }])).toEqual([
      new Automerge.ImmutableString('a'),
      { b: new Automerge.ImmutableString('c'), n: 1 }
    ])
  })
})
