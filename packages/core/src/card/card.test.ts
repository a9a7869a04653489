import nacl from 'tweetnacl'
import { describe, expect, it } from 'vitest'
import { computeAccess, currentHolders, isEntitled } from '../crypto/access.js'
import { BadSignatureError, ItemMovedError, UndecryptableItemError } from '../crypto/errors.js'
import { decodeItemHeader, itemId, type HeaderFields } from '../crypto/item.js'
import { newDocumentKey } from '../crypto/keys.js'
import { openGrant, openItem, verifyItem } from '../crypto/open.js'
import { tweetnaclScheme as scheme } from '../crypto/scheme.js'
import { finish, sealGrant, sealRotation } from '../crypto/seal.js'
import { entryFor, testDocId, testIdentity, testRoster } from '../crypto/test-fixtures.js'
import type { HeaderWithId } from '../crypto/types.js'
import { cardQrText, cardTypedCode, decodeCardBytes, encodeCardBytes, parseCardText, type CardCode } from './code.js'
import { MalformedCardCodeError } from './errors.js'
import { deriveCardKeys, openCard, sealCard, sealCardGrant, sealCardRevocation } from './keys.js'
import { judgeCard } from './rules.js'

const [chc, dh, thief] = [testIdentity(1), testIdentity(2), testIdentity(3)]
const roster = testRoster([chc, dh, thief], 1)
const docId = testDocId(7)
const h = (bytes: Uint8Array): HeaderWithId => ({ id: itemId(bytes), header: decodeItemHeader(bytes) })
const secret = nacl.hash(Uint8Array.of(42)).slice(0, 16)
const code: CardCode = { docId, home: chc.facility, secret }
const window = { notBefore: 1_700_000_000, notAfter: 1_900_000_000 }
const at = 1_800_000_000

describe('card code (QR text and typed code)', () => {
  it('is 40 bytes, 68 QR characters in the alphanumeric set, and reads back the same', () => {
    expect(encodeCardBytes(code)).toHaveLength(40)
    const qr = cardQrText(code)
    expect(qr).toMatch(/^PGD:[A-Z2-7]{64}$/)
    expect(parseCardText(qr)).toEqual(code)
    expect(decodeCardBytes(encodeCardBytes(code))).toEqual(code)
  })

  it('reads a typed code in lower case, with spaces, and with 0/1/8 typed for O/I/B', () => {
    const typed = cardTypedCode(code)
    expect(typed).toMatch(/^([A-Z2-7]{4}-){15}[A-Z2-7]{4}$/)
    const sloppy = ` ${typed.toLowerCase().replace(/-/g, ' ').replace(/o/g, '0').replace(/i/g, '1').replace(/b/g, '8')} `
    expect(parseCardText(sloppy)).toEqual(code)
  })

  it('refuses a mistyped character, a wrong length, a foreign character and another version by name', () => {
    const typed = cardTypedCode(code).replace(/-/g, '')
    const swapped = (typed[10] === 'A' ? 'B' : 'A') + ''
    const mistyped = typed.slice(0, 10) + swapped + typed.slice(11)
    expect(() => parseCardText(mistyped)).toThrow(MalformedCardCodeError)
    expect(() => parseCardText(typed.slice(1))).toThrow(MalformedCardCodeError)
    expect(() => parseCardText(`${typed.slice(1)}!`)).toThrow(MalformedCardCodeError)
    expect(() => parseCardText('x'.repeat(10_000))).toThrow(MalformedCardCodeError)
    const bytes = encodeCardBytes(code)
    bytes[0] = 2
    expect(() => decodeCardBytes(bytes)).toThrow(MalformedCardCodeError)
  })

  it('never throws anything but MalformedCardCodeError on random text or bytes', () => {
    for (let i = 0; i < 500; i++) {
      const b = nacl.randomBytes(40)
      expect(() => decodeCardBytes(b)).toThrow(MalformedCardCodeError)
      const t = Array.from(nacl.randomBytes(i % 80), x => String.fromCharCode(32 + (x % 95))).join('')
      expect(() => parseCardText(t)).toThrow(MalformedCardCodeError)
    }
  })
})

describe('card capability rules', () => {
  const k0 = newDocumentKey(docId, 0)
  const genesis = sealGrant(k0, chc, entryFor(chc), 1, scheme)
  const keys = deriveCardKeys(docId, secret)
  const card = sealCard(k0, keys, window, chc, 1, scheme)

  it('a carrier can read the card key and window, and only the secret opens the wrapped generation', () => {
    const header = verifyItem(card, roster, scheme)
    expect(header.kind).toBe('card')
    expect(header.card).toEqual({ key: keys.auth.publicKey, ...window })
    expect(openCard(card, keys, scheme)).toEqual(k0)
    const otherSecret = deriveCardKeys(docId, nacl.hash(Uint8Array.of(43)).slice(0, 16))
    expect(() => openCard(card, otherSecret, scheme)).toThrow(ItemMovedError)
    expect(() => openCard(card, { ...otherSecret, auth: keys.auth }, scheme)).toThrow(UndecryptableItemError)
    // The secret is bound to the document: the same secret for another record derives other keys.
    expect(deriveCardKeys(testDocId(8), secret).auth.publicKey).not.toEqual(keys.auth.publicKey)
  })

  it('a card grant by the scanning facility makes it a holder, opens for it, and entitles it', () => {
    const grant = sealCardGrant(openCard(card, keys, scheme), keys, at, dh, 1, scheme)
    expect(verifyItem(grant, roster, scheme).recipient).toBe(dh.facility)
    expect(openGrant(grant, dh, roster, { docId }, scheme)).toEqual(k0)
    const access = computeAccess(docId, [h(genesis), h(card), h(grant)])
    expect(currentHolders(access)).toEqual([chc.facility, dh.facility])
    expect(isEntitled(access, roster, dh.facility)).toBe(true)
    expect(judgeCard(access, keys.auth.publicKey, at)).toMatchObject({ ok: true })
  })

  it('a card grant without its card item, or outside the card window, entitles nobody', () => {
    const grant = sealCardGrant(k0, keys, at, dh, 1, scheme)
    expect(currentHolders(computeAccess(docId, [h(genesis), h(grant)]))).toEqual([chc.facility])
    const late = sealCardGrant(k0, keys, window.notAfter + 1, dh, 1, scheme)
    const access = computeAccess(docId, [h(genesis), h(card), h(late)])
    expect(currentHolders(access)).toEqual([chc.facility])
    expect(judgeCard(access, keys.auth.publicKey, window.notAfter + 1)).toEqual({ ok: false, reason: 'outside-window' })
  })

  it('a card sealed by a facility that does not hold the generation justifies nothing', () => {
    const forged = sealCard(k0, keys, window, thief, 1, scheme)
    const grant = sealCardGrant(k0, keys, at, dh, 1, scheme)
    const access = computeAccess(docId, [h(genesis), h(forged), h(grant)])
    expect(currentHolders(access)).toEqual([chc.facility])
    expect(judgeCard(access, keys.auth.publicKey, at)).toEqual({ ok: false, reason: 'unknown' })
  })

  it("a card grant whose proof is not the card key's signature fails verification", () => {
    // The thief signs its grant properly, but its proof was made for the DH (another grantee).
    const forDh = decodeItemHeader(sealCardGrant(k0, keys, at, dh, 1, scheme)).card!
    const fields: HeaderFields = {
      kind: 'card-grant',
      dictionaryVersion: 0,
      docId,
      generation: 0,
      rosterVersion: 1,
      author: thief.facility,
      card: forDh
    }
    const shared = nacl.box.before(thief.box.publicKey, thief.box.secretKey)
    const forged = finish(fields, k0.key, k0.key, nonce => nacl.box.after(k0.key, nonce, shared), thief, scheme)
    expect(() => verifyItem(forged, roster, scheme)).toThrow(BadSignatureError)
    expect(() => verifyItem(sealCardGrant(k0, keys, at, thief, 1, scheme), roster, scheme)).not.toThrow()
  })

  it('a revoked card: its grants count for nothing, a carrier refuses it, and the new generation is not its', () => {
    const grantBefore = sealCardGrant(k0, keys, at, dh, 1, scheme)
    const revocation = sealCardRevocation(k0, keys.auth.publicKey, chc, 1, scheme)
    expect(openItem(revocation, k0, { docId }, scheme).kind).toBe('card-revocation')
    const k1 = newDocumentKey(docId, 1)
    const rotation = sealRotation(k1, [k0], chc, 1, scheme)
    const regrant = sealGrant(k1, chc, entryFor(chc), 1, scheme)
    const items = [genesis, card, grantBefore, revocation, rotation, regrant].map(h)
    const access = computeAccess(docId, items)
    expect(judgeCard(access, keys.auth.publicKey, at)).toEqual({ ok: false, reason: 'revoked' })
    expect(access.holders.get(0)).toEqual(new Set([chc.facility]))
    expect(currentHolders(access)).toEqual([chc.facility])
    // A thief with the old card cannot make itself a holder of anything.
    const thiefGrant = sealCardGrant(k0, keys, at, thief, 1, scheme)
    expect(isEntitled(computeAccess(docId, [...items, h(thiefGrant)]), roster, thief.facility)).toBe(false)
    // The replacement card wraps generation 1 only.
    const fresh = deriveCardKeys(docId, nacl.hash(Uint8Array.of(44)).slice(0, 16))
    const replacement = sealCard(k1, fresh, window, chc, 1, scheme)
    expect(openCard(replacement, fresh, scheme)).toEqual(k1)
    const access2 = computeAccess(docId, [...items, h(replacement)])
    expect(judgeCard(access2, fresh.auth.publicKey, at)).toMatchObject({ ok: true })
  })

  it('a revocation by a facility that holds nothing revokes nothing', () => {
    const fake = sealCardRevocation(newDocumentKey(docId, 0), keys.auth.publicKey, thief, 1, scheme)
    const access = computeAccess(docId, [genesis, card, fake].map(h))
    expect(judgeCard(access, keys.auth.publicKey, at)).toMatchObject({ ok: true })
  })
})
