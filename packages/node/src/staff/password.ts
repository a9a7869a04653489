/**
 * Password hashing: scrypt from `node:crypto`, with OWASP's listed parameters N=2^15, r=8, p=3
 * (32 MiB, about 0.25 s on one core of a 2-core machine; docs/design/0008-staff-sign-in.md). The
 * parameters are stored with each hash, so raising them later leaves old hashes verifiable.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** Cost parameters of new hashes. */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 3, keyLength: 32, saltLength: 16 } as const

const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/

async function derive(password: string, salt: Buffer, n: number, r: number, p: number, len: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }
  return await new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, len, opts, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

/** A new hash of `password`: `scrypt$N$r$p$salt$key`, base64 fields. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength)
  const key = await derive(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keyLength)
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

/** Whether `password` matches `hash`, compared in constant time; a malformed hash matches nothing. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = FORMAT.exec(hash)
  if (m === null) return false
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  // Bounds keep a hostile staff.json from asking for gigabytes of memory.
  if (n < 2 || n > 2 ** 20 || (n & (n - 1)) !== 0 || r < 1 || r > 16 || p < 1 || p > 16) return false
  const expected = Buffer.from(m[5]!, 'base64')
  if (expected.length < 16) return false
  const key = await derive(password, Buffer.from(m[4]!, 'base64'), n, r, p, expected.length)
  return timingSafeEqual(key, expected)
}

let decoy: Promise<string> | undefined

/** A hash of a random password, verified against when the username is unknown so timing tells nothing. */
export async function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'))
  return await decoy
}

/** A random password for a new or reset account: 16 characters, read aloud easily (no 0/O, 1/l). */
export function randomPassword(random: (n: number) => Uint8Array = randomBytes): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  const bytes = random(32)
  let out = ''
  // Rejection sampling keeps every character equally likely.
  for (const b of bytes) {
    if (b >= 248) continue
    out += alphabet[b % alphabet.length]
    if (out.length === 16) break
  }
  if (out.length < 16) return randomPassword(random)
  return out.replace(/(.{4})(?=.)/g, '$1-')
}
