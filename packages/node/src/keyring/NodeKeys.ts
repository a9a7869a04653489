/**
 * The node's secrets as one unit: the facility identity (inside a core `Keyring`) and the libp2p
 * private key. Serialised to bytes here; encrypted under the operator secret before it touches disk.
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { Keyring, decodeKeyring, encodeKeyring, generateIdentity } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { DataDirError } from './errors.js'

/** Version byte of the node-secrets container. */
const NODE_KEYS_VERSION = 1

/** The facility identity and libp2p key, decrypted, in memory only. */
export interface NodeKeys {
  keyring: Keyring
  libp2pKey: PrivateKey
  peerId: string
}

/** Fresh secrets for a new facility. */
export async function createNodeKeys (facility: FacilityId): Promise<NodeKeys> {
  const libp2pKey = await generateKeyPair('Ed25519')
  return { keyring: new Keyring(generateIdentity(facility)), libp2pKey, peerId: peerIdFromPrivateKey(libp2pKey).toString() }
}

/**
 * Plaintext container: version, keyring length (u32 BE), keyring, libp2p key protobuf. Only the
 * identity is kept here: document keys are rebuilt from grant items at start (see ItemSealer).
 */
export function encodeNodeKeys (keys: NodeKeys): Uint8Array {
  const identityOnly = new Keyring(keys.keyring.identity)
  const kr = encodeKeyring(identityOnly)
  const p2p = privateKeyToProtobuf(keys.libp2pKey)
  const out = new Uint8Array(5 + kr.length + p2p.length)
  out[0] = NODE_KEYS_VERSION
  new DataView(out.buffer).setUint32(1, kr.length)
  out.set(kr, 5)
  out.set(p2p, 5 + kr.length)
  return out
}

/** Inverse of `encodeNodeKeys`. */
export function decodeNodeKeys (bytes: Uint8Array): NodeKeys {
  if (bytes.length < 5 || bytes[0] !== NODE_KEYS_VERSION) throw new DataDirError('the keyring has an unknown format version')
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1)
  if (5 + len > bytes.length) throw new DataDirError('the keyring is truncated')
  const keyring = decodeKeyring(bytes.subarray(5, 5 + len))
  const libp2pKey = privateKeyFromProtobuf(bytes.subarray(5 + len))
  return { keyring, libp2pKey, peerId: peerIdFromPrivateKey(libp2pKey).toString() }
}
