import { describe, expect, it } from 'vitest'
import { BadSignatureError, RosterRollbackError, RosterUpdateError } from './errors.js'
import {
  acceptRoster,
  addToRoster,
  compareRosters,
  revokedAt,
  revokeFromRoster,
  rosterEntry,
  signRoster,
  verifyRoster
} from './roster.js'
import { tweetnaclScheme as scheme } from './scheme.js'
import { entryFor, testAuthority, testIdentity, testRoster } from './test-fixtures.js'
import nacl from 'tweetnacl'

const [a, b, c] = [testIdentity(1), testIdentity(2), testIdentity(3)]
const sign = (body: Parameters<typeof signRoster>[0]): Uint8Array => signRoster(body, testAuthority.secretKey, scheme)

describe('roster', () => {
  const v1 = testRoster([a, b], 1)

  it('round-trips every field through the signed encoding', () => {
    const hub = {
      ...entryFor(c, 'DH', [a.facility, b.facility]),
      addresses: ['/ip4/127.0.0.1/tcp/1/ws', '/dns4/dh.example/tcp/443/wss']
    }
    const body = addToRoster(v1.body, hub)
    const back = verifyRoster(sign(body), testAuthority.publicKey, scheme)
    expect(back.body).toEqual(body)
    expect(rosterEntry(back, c.facility)?.carriesFor).toEqual([a.facility, b.facility])
  })

  it('encodes canonically: entry order does not change the signed bytes', () => {
    const body = { ...v1.body, entries: [...v1.body.entries].reverse() }
    expect(sign(body)).toEqual(sign(v1.body))
  })

  it('rejects a roster signed by another authority or altered after signing', () => {
    const other = nacl.sign.keyPair()
    expect(() => verifyRoster(signRoster(v1.body, other.secretKey, scheme), testAuthority.publicKey, scheme)).toThrow(
      BadSignatureError
    )
    const bytes = v1.bytes.slice()
    bytes[10] ^= 1
    expect(() => verifyRoster(bytes, testAuthority.publicKey, scheme)).toThrow()
  })

  it('replaces an older roster with a newer one, and never accepts the older one back (rollback)', () => {
    const v2bytes = sign(addToRoster(v1.body, entryFor(c)))
    const v2 = acceptRoster(v1, v2bytes, testAuthority.publicKey, scheme)
    expect(v2.body.version).toBe(2)
    expect(compareRosters(v2.body, v1.body)).toBeGreaterThan(0)
    expect(() => acceptRoster(v2, v1.bytes, testAuthority.publicKey, scheme)).toThrow(RosterRollbackError)
    expect(acceptRoster(v2, v2bytes, testAuthority.publicKey, scheme)).toBe(v2)
  })

  it('rejects a fork (same version, different content) and a newer roster that drops a revocation', () => {
    const fork = sign({ ...v1.body, entries: [entryFor(a)] })
    expect(() => acceptRoster(v1, fork, testAuthority.publicKey, scheme)).toThrow(RosterRollbackError)
    const revoked = verifyRoster(sign(revokeFromRoster(v1.body, b.facility)), testAuthority.publicKey, scheme)
    const unrevoke = sign({ ...v1.body, version: 3 })
    expect(() => acceptRoster(revoked, unrevoke, testAuthority.publicKey, scheme)).toThrow(RosterRollbackError)
  })

  it('revocation removes the member, keeps its key for old items, and forbids re-adding it', () => {
    const body = revokeFromRoster(v1.body, b.facility)
    expect(body.version).toBe(2)
    expect(rosterEntry(body, b.facility)).toBeUndefined()
    expect(revokedAt(body, b.facility)).toBe(2)
    expect(() => addToRoster(body, entryFor(b))).toThrow(RosterUpdateError)
    expect(() => addToRoster(v1.body, entryFor(a))).toThrow(RosterUpdateError)
    expect(() => revokeFromRoster(body, b.facility)).toThrow(RosterUpdateError)
  })
})
