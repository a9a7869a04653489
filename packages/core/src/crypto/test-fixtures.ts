import nacl from 'tweetnacl'
import type { FacilityId, FacilityKind, PatientId } from '../record/types.js'
import { documentIdFromBytes } from './docId.js'
import { identityFromSecrets } from './identity.js'
import { signRoster, verifyRoster } from './roster.js'
import { tweetnaclScheme } from './scheme.js'
import type { FacilityIdentity, RosterBody, RosterEntry, VerifiedRoster } from './types.js'

/** Deterministic test material for crypto tests and the bench: no randomness, nothing from /work/shared. */

/** A 32-byte secret filled from a small seed (tests only). */
export function seeded(seed: number, salt = 0): Uint8Array {
  return nacl.hash(Uint8Array.of(seed & 0xff, (seed >> 8) & 0xff, salt)).slice(0, 32)
}

/** A facility identity derived from a seed. */
export function testIdentity(n: number): FacilityIdentity {
  return identityFromSecrets(`IN22100${String(n).padStart(5, '0')}` as FacilityId, seeded(n, 1), seeded(n, 2))
}

/** The roster entry matching a test identity. */
export function entryFor(id: FacilityIdentity, kind: FacilityKind = 'CHC', carriesFor: FacilityId[] = []): RosterEntry {
  return {
    facility: id.facility,
    name: `Test facility ${id.facility.slice(-3)}`,
    kind,
    district: 'Bastar',
    signingKey: id.signing.publicKey,
    boxKey: id.box.publicKey,
    peerId: `12D3KooTest${id.facility}`,
    addresses: [`/ip4/127.0.0.1/tcp/${4000 + Number(id.facility.slice(-3))}/ws`],
    carriesFor
  }
}

/** The network authority key pair for tests. */
export const testAuthority = nacl.sign.keyPair.fromSeed(seeded(999, 3))

/** A signed, verified roster of the given identities at `version`. */
export function testRoster(ids: FacilityIdentity[], version = 1, extra: Partial<RosterBody> = {}): VerifiedRoster {
  const body: RosterBody = {
    network: 'bastar-test',
    version,
    entries: ids.map(i => entryFor(i)),
    revocations: [],
    ...extra
  }
  return verifyRoster(
    signRoster(body, testAuthority.secretKey, tweetnaclScheme),
    testAuthority.publicKey,
    tweetnaclScheme
  )
}

/** Test document ids: real automerge-repo DocumentIds of 16 bytes derived from `n` (not from any patient data). */
export function testDocId(n: number): PatientId {
  return documentIdFromBytes(seeded(n, 4).subarray(0, 16))
}
