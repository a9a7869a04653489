import nacl from 'tweetnacl'
import type { FacilityId } from '../record/types.js'
import { isHfrId } from '../bytes.js'
import type { FacilityIdentity } from './types.js'

/** New identity with fresh Ed25519 and X25519 key pairs. */
export function generateIdentity(facility: FacilityId): FacilityIdentity {
  return identityFromSecrets(facility, nacl.randomBytes(32), nacl.randomBytes(32))
}

/** Identity from a 32-byte Ed25519 seed and a 32-byte X25519 secret key (deterministic tests, keyring load). */
export function identityFromSecrets(
  facility: FacilityId,
  signingSeed: Uint8Array,
  boxSecret: Uint8Array
): FacilityIdentity {
  if (!isHfrId(facility)) throw new TypeError(`not an HFR facility id: ${facility}`)
  if (signingSeed.length !== 32 || boxSecret.length !== 32)
    throw new TypeError('identity secrets must be 32 bytes each')
  const signing = nacl.sign.keyPair.fromSeed(signingSeed)
  const box = nacl.box.keyPair.fromSecretKey(boxSecret.slice())
  return {
    facility,
    signing: { publicKey: signing.publicKey, secretKey: signing.secretKey },
    box: { publicKey: box.publicKey, secretKey: box.secretKey }
  }
}
