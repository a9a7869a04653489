import { describe, expect, it } from 'vitest'
import { computeAccess, currentHolders, isEntitled, mayGrant } from './access.js'
import { GrantConflictError } from './errors.js'
import { decodeItemHeader, itemId } from './item.js'
import { Keyring, decodeKeyring, encodeKeyring } from './keyring.js'
import { newDocumentKey } from './keys.js'
import { openGrant, openItem, verifyItem } from './open.js'
import { addToRoster, revokeFromRoster, signRoster, verifyRoster } from './roster.js'
import { tweetnaclScheme as scheme } from './scheme.js'
import { sealChange, sealGrant, sealRotation } from './seal.js'
import { entryFor, testAuthority, testDocId, testIdentity, testRoster } from './test-fixtures.js'
import type { HeaderWithId } from './types.js'

const [chc, dh, other, hub] = [testIdentity(1), testIdentity(2), testIdentity(3), testIdentity(4)]
const roster = testRoster([chc, dh, other], 1)
const withHub = verifyRoster(
  signRoster(addToRoster(roster.body, entryFor(hub, 'DH', [dh.facility])), testAuthority.secretKey, scheme),
  testAuthority.publicKey,
  scheme
)
const docId = testDocId(7)
const h = (bytes: Uint8Array): HeaderWithId => ({ id: itemId(bytes), header: decodeItemHeader(bytes) })

describe('grants: who may grant', () => {
  const k0 = newDocumentKey(docId, 0)
  const genesis = sealGrant(k0, chc, entryFor(chc), 1, scheme)
  const referral = sealGrant(k0, chc, entryFor(dh), 1, scheme)

  it('the creator and the facilities it granted hold the key; they may grant onward', () => {
    const access = computeAccess(docId, [h(referral), h(genesis)])
    expect(access.creator).toBe(chc.facility)
    expect(currentHolders(access)).toEqual([chc.facility, dh.facility])
    expect(mayGrant(access, dh.facility, 0)).toBe(true)
    expect(isEntitled(access, roster, dh.facility)).toBe(true)
    expect(isEntitled(access, roster, other.facility)).toBe(false)
    expect(isEntitled(access, withHub, hub.facility)).toBe(true)
  })

  it('rejects a grant signed by a facility that does not hold the key', () => {
    // `other` never received generation 0 but mints a key and "grants" it to itself and to dh.
    const forgedKey = newDocumentKey(docId, 0)
    const forged = sealGrant(forgedKey, other, entryFor(dh), 1, scheme)
    expect(verifyItem(forged, roster, scheme).author).toBe(other.facility) // signature itself is valid
    const access = computeAccess(docId, [h(genesis), h(forged)])
    expect(access.rejected).toEqual([{ id: itemId(forged), reason: 'unauthorised' }])
    expect(mayGrant(access, other.facility, 0)).toBe(false)
    expect(currentHolders(access)).toEqual([chc.facility])
  })

  it('two facilities claiming to have created one document is a GrantConflictError', () => {
    const rival = sealGrant(newDocumentKey(docId, 0), other, entryFor(other), 1, scheme)
    expect(() => computeAccess(docId, [h(genesis), h(rival)])).toThrow(GrantConflictError)
  })

  it('does not depend on arrival order', () => {
    const onward = sealGrant(k0, dh, entryFor(other), 1, scheme)
    const x = computeAccess(docId, [h(onward), h(referral), h(genesis)])
    const y = computeAccess(docId, [h(genesis), h(referral), h(onward)])
    expect(x).toEqual(y)
    expect(currentHolders(x)).toEqual([chc.facility, dh.facility, other.facility].sort())
  })
})

describe('rotation on revocation and erasure', () => {
  it('after revoking a holder, the new generation reaches only the remaining holders and opens the old history', () => {
    const k0 = newDocumentKey(docId, 0)
    const items = [
      sealGrant(k0, chc, entryFor(chc), 1, scheme),
      sealGrant(k0, chc, entryFor(dh), 1, scheme),
      sealGrant(k0, chc, entryFor(other), 1, scheme)
    ]
    const old = sealChange(Uint8Array.of(1, 2, 3), k0, chc, 1, scheme)
    const r2 = verifyRoster(
      signRoster(revokeFromRoster(roster.body, other.facility), testAuthority.secretKey, scheme),
      testAuthority.publicKey,
      scheme
    )
    const k1 = newDocumentKey(docId, 1)
    const remaining = currentHolders(computeAccess(docId, items.map(h))).filter(f =>
      r2.body.entries.some(e => e.facility === f)
    )
    const rot = sealRotation(k1, [k0], chc, 2, scheme)
    const grants = remaining.map(f =>
      sealGrant(
        k1,
        chc,
        r2.body.entries.find(e => e.facility === f)!,
        2,
        scheme
      )
    )
    const access = computeAccess(docId, [...items, rot, ...grants].map(h))
    expect(access.latestGeneration).toBe(1)
    expect(currentHolders(access)).toEqual([chc.facility, dh.facility])
    // dh: grant of generation 1 → rotation → generation 0 → old change.
    const dhK1 = openGrant(grants[remaining.indexOf(dh.facility)]!, dh, r2)
    const rotated = openItem(rot, dhK1)
    const dhK0 = rotated.kind === 'rotation' ? rotated.previous[0]! : undefined
    expect(openItem(old, dhK0!).kind).toBe('change')
    // The revoked facility cannot connect its old key to anything new: no grant names it, and
    // changes sealed with generation 1 do not open with generation 0.
    expect(grants.map(g => decodeItemHeader(g).recipient)).not.toContain(other.facility)
    expect(() => openItem(sealChange(Uint8Array.of(9), k1, chc, 2, scheme), k0)).toThrow()
  })

  it('erasure destroys every generation; the keyring no longer holds or serialises them', () => {
    const ring = new Keyring(chc)
    const keys = [0, 1, 2].map(g => newDocumentKey(docId, g))
    for (const k of keys) ring.put(k)
    ring.put(newDocumentKey(testDocId(99), 0))
    const sealed = sealChange(Uint8Array.of(5), ring.get(docId, 2)!, chc, 1, scheme)
    // The key bytes the keyring held, as any other part of the process that was handed them sees them.
    const held = [0, 1, 2].map(g => ring.get(docId, g)!.key)
    expect(held.every(b => b.some(x => x !== 0))).toBe(true)
    expect(ring.erase(docId)).toBe(3)
    // Destroyed in memory too: every byte of every generation is zero.
    expect(held.every(b => b.every(x => x === 0))).toBe(true)
    expect(ring.generations(docId)).toEqual([])
    const bytes = encodeKeyring(ring)
    expect(decodeKeyring(bytes).documents()).toEqual([testDocId(99)])
    expect(ring.latest(docId)).toBeUndefined()
    expect(sealed.length).toBeGreaterThan(0)
  })

  it('a keyring round-trips identity and every generation', () => {
    const ring = new Keyring(chc)
    for (const g of [0, 3]) ring.put(newDocumentKey(docId, g))
    const back = decodeKeyring(encodeKeyring(ring))
    expect(back.identity).toEqual(chc)
    expect(back.generations(docId)).toEqual([0, 3])
    expect(back.get(docId, 3)!.key).toEqual(ring.get(docId, 3)!.key)
  })
})
