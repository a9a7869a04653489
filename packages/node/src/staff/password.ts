/**
 * Password hashing: scrypt from `node:crypto`, with OWASP's listed parameters N=2^15, r=8, p=3
 * (32 MiB, about 0.25 s on one core of a 2-core machine; docs/design/0008-staff-sign-in.md). The
 * parameters are stored with each hash, so raising them later leaves old hashes verifiable.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** Cost parameters of new hashes. */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 3, keyLength: 32, saltLength: 16 } as const

const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/

/**
 * The most a stored hash may ask of one sign-in: about 5 times today's work (N·r·p) and 128 MiB
 * (128·N·r bytes). Room to raise the parameters later; a hostile or damaged staff.json asking for
 * more (N=2^20, r=16, p=16 is 2 GiB and minutes per attempt) is refused when the file is read.
 */
export const MAX_SCRYPT_WORK = 2 ** 22
export const MAX_SCRYPT_MEMORY = 128 * 2 ** 20

/** The cost parameters of a stored hash, if it has the format and they are within the bounds. */
export function hashParams(hash: string): { n: number; r: number; p: number } | undefined {
  const m = FORMAT.exec(hash)
  if (m === null) return undefined
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (n < 2 || (n & (n - 1)) !== 0 || r < 1 || p < 1) return undefined
  if (n * r * p > MAX_SCRYPT_WORK || 128 * n * r > MAX_SCRYPT_MEMORY) return undefined
  if (Buffer.from(m[5]!, 'base64').length < 16) return undefined
  return { n, r, p }
}

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
  // Bounds keep a hostile staff.json from asking for gigabytes of memory or minutes of work.
  const cost = hashParams(hash)
  const m = FORMAT.exec(hash)
  if (cost === undefined || m === null) return false
  const expected = Buffer.from(m[5]!, 'base64')
  const key = await derive(password, Buffer.from(m[4]!, 'base64'), cost.n, cost.r, cost.p, expected.length)
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
