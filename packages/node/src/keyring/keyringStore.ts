/** Loading and saving the node's secrets, encrypted under the operator secret (node/crypto keyringFile). */
import { Keyring } from '@pagdandi/core/crypto'
import { readKeyringFile, writeKeyringFile } from '../crypto/index.js'
import type { DataDir } from '../datadir/DataDir.js'
import { KeyringMissingError } from './errors.js'
import { nodeKeysFrom, type NodeKeys } from './NodeKeys.js'

/** Decrypts the keyring file; WrongSecretError if the secret does not open it. */
export async function loadNodeKeys(dir: DataDir, secret: string): Promise<NodeKeys> {
  let keyring: Keyring
  try {
    keyring = await readKeyringFile(dir.keyringFile, secret)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new KeyringMissingError(dir.dir)
    throw err
  }
  return await nodeKeysFrom(keyring)
}

/**
 * Writes the identity only: document keys reach disk solely inside grant items, sealed to this
 * facility's box key and stored in the same batch as the changes they open (see ItemSealer).
 */
export async function saveNodeKeys(dir: DataDir, keys: NodeKeys, secret: string): Promise<void> {
  await writeKeyringFile(dir.keyringFile, new Keyring(keys.keyring.identity), secret)
}
