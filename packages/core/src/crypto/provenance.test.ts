import { describe, expect, it } from 'vitest'
import type { Author, PractitionerId } from '../record/types.js'
import { toHex, utf8Encode } from '../bytes.js'
import { BadSignatureError, MalformedItemError, UnsupportedVersionError } from './errors.js'
import { decodeItemHeader } from './item.js'
import { newDocumentKey } from './keys.js'
import { openItem, verifyItem } from './open.js'
import { decodeProvenance, encodeProvenance, type ChangeProvenance } from './provenance.js'
import { tweetnaclScheme as scheme } from './scheme.js'
import { sealChange } from './seal.js'
import { testDocId, testIdentity, testRoster } from './test-fixtures.js'

const chc = testIdentity(1)
const roster = testRoster([chc], 1)
const key = newDocumentKey(testDocId(1), 0)
const mo: Author = {
  staffId: 'st-mo-1',
  name: 'डॉ. मीना नेताम',
  role: 'medical-officer',
  hprId: '71123456789012' as PractitionerId
}
const clerk: Author = { staffId: 'st-clerk-1', name: 'Ramesh Kawasi', role: 'registration-clerk' }
const change = utf8Encode('three automerge changes, as saveSince gives them')
const provenance: ChangeProvenance = { authors: [mo, clerk], changes: [0, 1, undefined] }

describe('attributed change items (practitioner provenance)', () => {
  it('seal who made each change with the changes; the facility signs both, and opening gives both back', () => {
    const item = sealChange(change, key, chc, 1, scheme, undefined, provenance)
    expect(verifyItem(item, roster, scheme)).toMatchObject({ kind: 'change', attributed: true, author: chc.facility })
    const opened = openItem(item, key)
    expect(opened).toMatchObject({ kind: 'change', change, provenance })
  })

  it('keep older items without provenance readable, and say so', () => {
    const old = sealChange(change, key, chc, 1, scheme)
    expect(old[0]).toBe(0x31)
    expect(decodeItemHeader(old).attributed).toBeUndefined()
    const opened = openItem(old, key)
    expect(opened.kind === 'change' && opened.provenance).toBe(undefined)
    expect(sealChange(change, key, chc, 1, scheme, undefined, provenance)[0]).toBe(0x41)
  })

  it('tell a carrier nothing: no name, staff id or HPR id appears in the item bytes', () => {
    const item = sealChange(change, key, chc, 1, scheme, undefined, provenance)
    const hex = toHex(item)
    for (const s of [mo.name, mo.staffId, mo.hprId!, clerk.name])
      expect(hex.includes(toHex(utf8Encode(s))), s).toBe(false)
  })

  it('cannot be altered by anyone but the facility: a changed byte fails the signature', () => {
    const item = sealChange(change, key, chc, 1, scheme, undefined, provenance)
    for (const at of [0, 30, item.length - 80]) {
      const bad = item.slice()
      bad[at] ^= 1
      expect(() => verifyItem(bad, roster, scheme)).toThrow()
    }
    const bad = item.slice()
    bad[item.length - 70] ^= 1
    expect(() => verifyItem(bad, roster, scheme)).toThrow(BadSignatureError)
  })

  it('refuse malformed provenance bytes with a named error', () => {
    const good = encodeProvenance(provenance)
    expect(decodeProvenance(good)).toEqual(provenance)
    const cases: Array<[string, Uint8Array]> = [
      ['trailing byte', Uint8Array.from([...good, 0])],
      ['truncated', good.slice(0, good.length - 1)],
      ['no authors', Uint8Array.of(1, 0, 0)],
      ['author index beyond "no staff member"', Uint8Array.of(...good.slice(0, good.length - 4), 1, 3)],
      ['bad HPR flag', Uint8Array.of(1, 1, 1, 0x61, 0, 1, 0x62, 1, 0x63, 2, 0)],
      ['a huge change count', Uint8Array.of(1, 1, 1, 0x61, 0, 1, 0x62, 1, 0x63, 0, 0xff, 0xff, 0xff, 0xff, 0x0f)]
    ]
    for (const [name, bytes] of cases) expect(() => decodeProvenance(bytes), name).toThrow(MalformedItemError)
    expect(() => decodeProvenance(Uint8Array.of(2, ...good.slice(1)))).toThrow(UnsupportedVersionError)
  })
})
