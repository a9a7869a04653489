/**
 * The certificate a node serves the facility LAN with, made at `pagdandi init` (or `pagdandi tls
 * create` when the LAN address changes): self-signed, EC P-256, naming the node's LAN host names and
 * addresses, in `DIR/tls/` (owner-only). Facilities install `cert.pem` on their PCs and tablets as a
 * trusted authority (README, "facility LAN"); it is a CA certificate so Android accepts it as one.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { generate } from 'selfsigned'
import { writeAtomic } from '../datadir/DataDir.js'
import { DataDirError } from '../keyring/errors.js'

/** A node's certificate, its key and the names it covers. */
export interface TlsFiles {
  cert: string
  key: string
  /** Host names and IP addresses in the certificate (its subjectAltName). */
  names: string[]
}

/** How long a certificate is valid: 825 days, the longest phones and browsers accept. */
export const TLS_VALID_DAYS = 825

const dirOf = (dataDir: string): string => join(dataDir, 'tls')

/** Makes and stores a certificate for `names` (plus localhost and 127.0.0.1). */
export async function createTls(dataDir: string, names: readonly string[], now: Date = new Date()): Promise<TlsFiles> {
  for (const n of names)
    if (isIP(n) === 0 && !/^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*$/i.test(n))
      throw new DataDirError(`"${n}" is neither an IP address nor a host name`)
  const all = [...new Set(['localhost', '127.0.0.1', ...names.map(n => n.toLowerCase())])]
  const pems = await generate([{ name: 'commonName', value: `Pagdandi node ${names[0] ?? 'localhost'}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + TLS_VALID_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: all.map(n => (isIP(n) !== 0 ? { type: 7, ip: n } : { type: 2, value: n })) }
    ]
  })
  const dir = dirOf(dataDir)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const enc = new TextEncoder()
  await writeAtomic(join(dir, 'key.pem'), enc.encode(pems.private), 0o600)
  await writeAtomic(join(dir, 'cert.pem'), enc.encode(pems.cert), 0o600)
  await writeAtomic(join(dir, 'names.json'), enc.encode(JSON.stringify(all) + '\n'), 0o600)
  return { cert: pems.cert, key: pems.private, names: all }
}

/** The stored certificate, if `init` or `tls create` made one. */
export async function readTls(dataDir: string): Promise<TlsFiles | undefined> {
  const dir = dirOf(dataDir)
  let cert: string
  try {
    cert = await readFile(join(dir, 'cert.pem'), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new DataDirError(`cannot read ${join(dir, 'cert.pem')}`, err)
  }
  try {
    const key = await readFile(join(dir, 'key.pem'), 'utf8')
    const names = JSON.parse(await readFile(join(dir, 'names.json'), 'utf8')) as unknown
    if (!Array.isArray(names) || !names.every(n => typeof n === 'string')) throw new TypeError('names.json')
    return { cert, key, names }
  } catch (err) {
    throw new DataDirError(`${dir} is incomplete; run \`pagdandi tls create\` again`, err)
  }
}
