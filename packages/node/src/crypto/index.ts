/** Node-side crypto: the fast node:crypto Ed25519 scheme, node:zlib compression and the keyring file under an operator secret. */
export { nodeSignatureScheme } from './NodeSignatureScheme.js'
export { nodeCompression } from './NodeCompression.js'
export { sealKeyring, openKeyring, writeKeyringFile, readKeyringFile, DEFAULT_SCRYPT } from './keyringFile.js'
export { WrongSecretError } from './errors.js'
