/**
 * The node's secrets: the facility identity (inside a core `Keyring`) and the libp2p private key.
 *
 * The libp2p key is derived from the identity's Ed25519 seed through a labelled SHA-512, so the
 * keyring file (one encrypted identity, packages/node/src/crypto/keyringFile.ts) is the only secret
 * on disk, and the two keys stay independent: no signature made for libp2p is an item signature.
 */
import { createHash } from 'node:crypto'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { Keyring, generateIdentity } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'

/** Domain label of the libp2p key derivation; changing it changes every peer id. */
const LIBP2P_KEY_LABEL = 'pagdandi/libp2p-identity/v1'

/** Domain label of the audit log's MAC key derivation (staff/AuditLog.ts). */
const AUDIT_KEY_LABEL = 'pagdandi/audit-log-mac/v1'

/**
 * The key the audit log's chain is keyed with (HMAC-SHA-256), derived from the identity's seed like
 * the libp2p key: only someone who can decrypt the keyring (the operator secret) can write an entry
 * or a whole chain that verifies.
 */
export function auditKeyFrom(keyring: Keyring): Uint8Array {
  const seed = keyring.identity.signing.secretKey.subarray(0, 32)
  return new Uint8Array(createHash('sha512').update(AUDIT_KEY_LABEL).update(seed).digest().subarray(0, 32))
}

/** The facility identity and libp2p key, decrypted, in memory only. */
export interface NodeKeys {
  keyring: Keyring
  libp2pKey: PrivateKey
  peerId: string
}

/** Fresh secrets for a new facility. */
export async function createNodeKeys(facility: FacilityId): Promise<NodeKeys> {
  return await nodeKeysFrom(new Keyring(generateIdentity(facility)))
}

/** Completes a keyring read from disk with its derived libp2p key. */
export async function nodeKeysFrom(keyring: Keyring): Promise<NodeKeys> {
  const seed = keyring.identity.signing.secretKey.subarray(0, 32)
  const derived = createHash('sha512').update(LIBP2P_KEY_LABEL).update(seed).digest().subarray(0, 32)
  const libp2pKey = await generateKeyPairFromSeed('Ed25519', new Uint8Array(derived))
  derived.fill(0)
  return { keyring, libp2pKey, peerId: peerIdFromPrivateKey(libp2pKey).toString() }
}
