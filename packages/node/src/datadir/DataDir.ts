/**
 * The files of a node's data directory. Public files are JSON; secrets live only in `keyring.bin`,
 * encrypted under the operator secret (Invariant 6).
 *
 *   facility.json   public: facility id, name, kind, district, public keys, peer id, listen address
 *   keyring.bin     encrypted: identity secret keys and the libp2p private key
 *   roster.json     public: the signed roster and the authority key it is pinned to
 *   items/          LevelDB: sealed items, log, cursors (LevelItemStore)
 *   routes.json     optional, local: addresses to dial for some facilities instead of the roster's
 */
import { mkdir, readFile, rename, stat, writeFile, open as openFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { FacilityId, FacilityKind } from '@pagdandi/core/record'
import { DataDirError, KeyringMissingError } from '../keyring/errors.js'

/** Public description of a facility, written by `pagdandi init` and read by `pagdandi roster add`. */
export interface FacilityFile {
  facility: FacilityId
  name: string
  kind: FacilityKind
  district: string
  /** Ed25519 public key, base64. */
  signingKey: string
  /** X25519 public key, base64. */
  boxKey: string
  peerId: string
  /** libp2p multiaddrs this node listens on and others dial. */
  addresses: string[]
}

/** A signed roster as stored and exported: the roster bytes and the authority key they are pinned to. */
export interface RosterFile {
  /** Ed25519 public key of the network authority, base64. */
  authorityKey: string
  /** Signed roster bytes, base64. */
  roster: string
}

/** Paths inside one data directory. */
export class DataDir {
  constructor(readonly dir: string) {}

  get facilityFile(): string {
    return join(this.dir, 'facility.json')
  }
  get keyringFile(): string {
    return join(this.dir, 'keyring.bin')
  }
  get rosterFile(): string {
    return join(this.dir, 'roster.json')
  }
  get itemsDir(): string {
    return join(this.dir, 'items')
  }
  get routesFile(): string {
    return join(this.dir, 'routes.json')
  }

  /** Whether `pagdandi init` has run here. */
  async initialised(): Promise<boolean> {
    return await exists(this.keyringFile)
  }

  /** Creates the directory (owner-only). */
  async create(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
  }

  async readFacility(): Promise<FacilityFile> {
    return await readJson<FacilityFile>(this.facilityFile, this.dir)
  }

  async writeFacility(f: FacilityFile): Promise<void> {
    await writeAtomic(this.facilityFile, new TextEncoder().encode(JSON.stringify(f, null, 2) + '\n'))
  }

  async readKeyring(): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.keyringFile))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new KeyringMissingError(this.dir)
      throw new DataDirError(`cannot read the keyring in ${this.dir}`, err)
    }
  }

  async writeKeyring(sealed: Uint8Array): Promise<void> {
    await writeAtomic(this.keyringFile, sealed, 0o600)
  }

  async readRoster(): Promise<RosterFile | undefined> {
    if (!(await exists(this.rosterFile))) return undefined
    return await readJson<RosterFile>(this.rosterFile, this.dir)
  }

  async writeRoster(r: RosterFile): Promise<void> {
    await writeAtomic(this.rosterFile, new TextEncoder().encode(JSON.stringify(r, null, 2) + '\n'))
  }

  /**
   * Local routes, if `routes.json` exists: `{ "routes": { "<facility id>": ["<multiaddr>", ...] } }`.
   * A listed facility is dialled at these addresses instead of the roster's; an empty list means it
   * is never dialled from here (a CHC that reaches only its hub). Anything else is a `DataDirError`.
   */
  async readRoutes(): Promise<Map<string, string[]> | undefined> {
    if (!(await exists(this.routesFile))) return undefined
    const file = await readJson<{ routes?: unknown }>(this.routesFile, this.dir)
    const routes = file?.routes
    if (typeof routes !== 'object' || routes === null || Array.isArray(routes)) {
      throw new DataDirError(`${this.routesFile} must be { "routes": { "<facility id>": ["<multiaddr>", ...] } }`)
    }
    const out = new Map<string, string[]>()
    for (const [facility, addrs] of Object.entries(routes)) {
      if (!Array.isArray(addrs) || !addrs.every(a => typeof a === 'string' && a.startsWith('/'))) {
        throw new DataDirError(
          `${this.routesFile}: the route for ${facility} must be a list of multiaddrs (e.g. "/ip4/10.0.0.5/tcp/7001/ws"), or [] for none`
        )
      }
      out.set(facility, addrs as string[])
    }
    return out
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

async function readJson<T>(path: string, dir: string): Promise<T> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DataDirError(`${path} is missing; is ${dir} a Pagdandi data directory? (run \`pagdandi init\`)`)
    throw new DataDirError(`cannot read ${path}`, err)
  }
  try {
    return JSON.parse(text) as T
  } catch (err) {
    throw new DataDirError(`${path} is not valid JSON`, err)
  }
}

/**
 * Write to a temp file, fsync, rename, fsync the directory: a crash leaves the old file or the new
 * one, never half of one, and once this resolves the rename itself survives a power cut.
 */
export async function writeAtomic(path: string, bytes: Uint8Array, mode = 0o644): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  const fh = await openFile(tmp, 'w', mode)
  try {
    await fh.writeFile(bytes)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
  const dir = await openFile(dirname(path), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

/** Base64 helpers for the JSON files. */
export const b64 = {
  encode: (b: Uint8Array): string => Buffer.from(b).toString('base64'),
  decode: (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'))
}

/** Reads a JSON file the user named (e.g. an exported roster). */
export async function readUserJson<T>(path: string): Promise<T> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new DataDirError(`cannot read ${path}`, err)
  }
  try {
    return JSON.parse(text) as T
  } catch (err) {
    throw new DataDirError(`${path} is not valid JSON`, err)
  }
}

/** Writes a file the user named. */
export async function writeUserFile(path: string, bytes: Uint8Array | string): Promise<void> {
  await writeFile(path, bytes)
}
