import nacl from 'tweetnacl'
import type { SignatureScheme } from './types.js'

/** tweetnacl Ed25519: isomorphic, verify ≈ 6 ms; the node injects node:crypto instead (0003-signatures). */
export const tweetnaclScheme: SignatureScheme = {
  sign: (message, secretKey64) => nacl.sign.detached(message, secretKey64),
  verify: (message, signature, publicKey32) =>
    signature.length === 64 && publicKey32.length === 32 && nacl.sign.detached.verify(message, signature, publicKey32)
}

/** SHA-512 through the scheme's fast path when it has one, else tweetnacl's. */
export function sha512(data: Uint8Array, scheme?: Pick<SignatureScheme, 'sha512'>): Uint8Array {
  return scheme?.sha512 !== undefined ? scheme.sha512(data) : nacl.hash(data)
}

/** `n` cryptographically random bytes (tweetnacl uses crypto.getRandomValues). */
export function randomBytes(n: number): Uint8Array {
  return nacl.randomBytes(n)
}
