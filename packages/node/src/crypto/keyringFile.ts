import { open } from 'node:fs/promises'
import { randomBytes, scryptSync } from 'node:crypto'
import nacl from 'tweetnacl'
import {
  decodeKeyring,
  encodeKeyring,
  type Keyring,
  MalformedItemError,
  UnsupportedVersionError
} from '@pagdandi/core/crypto'
import { writeAtomic } from '../datadir/DataDir.js'
import { WrongSecretError } from './errors.js'

/**
 * The keyring on disk: always encrypted under the operator secret. The key derivation (scrypt) lives
 * here in the node, because core has no I/O and no KDF; the cipher is tweetnacl secretbox.
 *
 *   "PGKR" | u8 version=1 | u8 log2(N) | u8 r | u8 p | 16 salt | 24 nonce | secretbox(plaintext keyring)
 */
const MAGIC = Buffer.from('PGKR')
const VERSION = 1
const HEADER_BYTES = 4 + 1 + 3 + 16 + 24
/**
 * Default scrypt cost: N = 2^15, r = 8, p = 1 (≈ 32 MiB, ≈ 0.1 s). That is below OWASP's password-storage
 * minimum (N = 2^17, r = 8, p = 1, or an equivalent such as 2^15 / 8 / 3); the cost is stored in the
 * file header, so raising it later leaves existing keyrings readable.
 */
export const DEFAULT_SCRYPT = { log2N: 15, r: 8, p: 1 }
const MAX_LOG2N = 20
/**
 * Cap on the memory scrypt may take (128·N·r bytes): 8 × the default's 32 MiB. The cost is read from
 * the file, so without it a damaged or planted header (N = 2^20, r = 32) makes start-up allocate 4 GiB.
 */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024

function derive(secret: string, salt: Uint8Array, log2N: number, r: number, p: number): Uint8Array {
  const N = 2 ** log2N
  return new Uint8Array(scryptSync(secret.normalize('NFC'), salt, 32, { N, r, p, maxmem: 256 * N * r + (1 << 20) }))
}

/** Encrypt a keyring under the operator secret: the bytes to write to disk. */
export function sealKeyring(keyring: Keyring, secret: string, cost = DEFAULT_SCRYPT): Uint8Array {
  if (secret.length < 8) throw new TypeError('operator secret must be at least 8 characters')
  const salt = randomBytes(16)
  const nonce = randomBytes(24)
  const key = derive(secret, salt, cost.log2N, cost.r, cost.p)
  const plain = encodeKeyring(keyring)
  const box = nacl.secretbox(plain, nonce, key)
  plain.fill(0)
  key.fill(0)
  return new Uint8Array(Buffer.concat([MAGIC, Buffer.from([VERSION, cost.log2N, cost.r, cost.p]), salt, nonce, box]))
}

/** Decrypt keyring file bytes; WrongSecretError, MalformedItemError or UnsupportedVersionError. */
export function openKeyring(bytes: Uint8Array, secret: string): Keyring {
  if (bytes.length < HEADER_BYTES + nacl.secretbox.overheadLength)
    throw new MalformedItemError('keyring file: truncated')
  if (!Buffer.from(bytes.subarray(0, 4)).equals(MAGIC)) throw new MalformedItemError('keyring file: bad magic')
  if (bytes[4] !== VERSION) throw new UnsupportedVersionError(`keyring file version ${bytes[4]}`)
  const [log2N, r, p] = [bytes[5]!, bytes[6]!, bytes[7]!]
  if (log2N < 10 || log2N > MAX_LOG2N || r < 1 || r > 32 || p < 1 || p > 4)
    throw new MalformedItemError('keyring file: scrypt parameters out of range')
  if (128 * 2 ** log2N * r > MAX_SCRYPT_MEMORY) throw new MalformedItemError('keyring file: scrypt cost over the cap')
  const key = derive(secret, bytes.subarray(8, 24), log2N, r, p)
  const plain = nacl.secretbox.open(bytes.subarray(HEADER_BYTES), bytes.subarray(24, HEADER_BYTES), key)
  key.fill(0)
  if (plain === null) throw new WrongSecretError('keyring file does not open with this operator secret')
  try {
    return decodeKeyring(plain)
  } finally {
    plain.fill(0)
  }
}

/** Write the encrypted keyring atomically and durably: temp file, fsync, rename, fsync the directory. */
export async function writeKeyringFile(
  path: string,
  keyring: Keyring,
  secret: string,
  cost = DEFAULT_SCRYPT
): Promise<void> {
  await writeAtomic(path, sealKeyring(keyring, secret, cost), 0o600)
}

/** Read and decrypt the keyring file. */
export async function readKeyringFile(path: string, secret: string): Promise<Keyring> {
  const fh = await open(path, 'r')
  try {
    return openKeyring(new Uint8Array(await fh.readFile()), secret)
  } finally {
    await fh.close()
  }
}
