/**
 * The shared key of a NaCl `box` between two X25519 keys (`nacl.box.before`), computed once per
 * pair: every grant between the same two facilities (a self-grant per new document above all) uses
 * the same one, and its scalar multiplication was the largest cost of registering and of opening
 * grants. The bytes of a box are unchanged (`box(m) = box.after(m, before(pk, sk))`).
 */
import nacl from 'tweetnacl'

/** Per secret key (the object held by an identity), the shared key with each public key (hex). */
const cache = new WeakMap<Uint8Array, Map<string, Uint8Array>>()
/** Public keys remembered per secret key; a roster has tens of facilities, so this is never reached in use. */
const MAX_PEERS = 4096

function hex(b: Uint8Array): string {
  let s = ''
  for (const x of b) s += x.toString(16).padStart(2, '0')
  return s
}

/** `nacl.box.before(publicKey, secretKey)`, remembered. */
export function boxSharedKey(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  let peers = cache.get(secretKey)
  if (peers === undefined) cache.set(secretKey, (peers = new Map()))
  const k = hex(publicKey)
  let shared = peers.get(k)
  if (shared === undefined) {
    shared = nacl.box.before(publicKey, secretKey)
    if (peers.size >= MAX_PEERS) peers.clear()
    peers.set(k, shared)
  }
  return shared
}
