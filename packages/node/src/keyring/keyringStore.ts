/** Loading and saving the node's secrets, encrypted under the operator secret. */
import { scryptSync, randomBytes } from 'node:crypto'
import nacl from 'tweetnacl'
import { DataDir } from './DataDir.js'
import { OperatorSecretError } from './errors.js'
import { decodeNodeKeys, encodeNodeKeys, type NodeKeys } from './NodeKeys.js'

// Interim envelope until packages/node/src/crypto exports the keyring file encryption:
// 'PGKR' ‖ salt(16) ‖ nonce(24) ‖ secretbox(scrypt(secret, salt), plaintext).
const MAGIC = new TextEncoder().encode('PGKR')

function deriveKey (secret: Uint8Array, salt: Uint8Array): Uint8Array {
  return new Uint8Array(scryptSync(secret, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 << 20 }))
}

/** Encrypts bytes under the operator secret. */
export function sealUnderSecret (plain: Uint8Array, secret: Uint8Array): Uint8Array {
  const salt = new Uint8Array(randomBytes(16))
  const nonce = new Uint8Array(randomBytes(24))
  const box = nacl.secretbox(plain, nonce, deriveKey(secret, salt))
  const out = new Uint8Array(4 + 16 + 24 + box.length)
  out.set(MAGIC, 0); out.set(salt, 4); out.set(nonce, 20); out.set(box, 44)
  return out
}

/** Decrypts bytes sealed by `sealUnderSecret`; OperatorSecretError on a wrong secret. */
export function openUnderSecret (bytes: Uint8Array, secret: Uint8Array): Uint8Array {
  if (bytes.length < 44 + 16 || !MAGIC.every((b, i) => bytes[i] === b)) throw new OperatorSecretError('the keyring file is not a Pagdandi keyring')
  const plain = nacl.secretbox.open(bytes.subarray(44), bytes.subarray(20, 44), deriveKey(secret, bytes.subarray(4, 20)))
  if (plain === null) throw new OperatorSecretError('the operator secret does not open this keyring')
  return plain
}

/** Decrypts and decodes the node's secrets. */
export async function loadNodeKeys (dir: DataDir, secret: Uint8Array): Promise<NodeKeys> {
  return decodeNodeKeys(openUnderSecret(await dir.readKeyring(), secret))
}

/** Encodes and encrypts the node's secrets, replacing the file atomically. */
export async function saveNodeKeys (dir: DataDir, keys: NodeKeys, secret: Uint8Array): Promise<void> {
  await dir.writeKeyring(sealUnderSecret(encodeNodeKeys(keys), secret))
}
