/**
 * Staff accounts of one facility, in `DIR/staff.json` (owner-only, written atomically). The node is
 * the one writer while it runs; the CLI writes only while it is stopped (like the item store).
 * Every field read back is validated: a hand-edited file is refused by name, never half-used.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { validateHprId, type FacilityId, type PractitionerId } from '@pagdandi/core/record'
import { hprRule, isRole, type Role, type StaffId, type StaffSession } from '@pagdandi/core/staff'
import { writeAtomic } from '../datadir/DataDir.js'
import { InvalidStaffError, LastAdminError, StaffExistsError, StaffFileError, StaffNotFoundError } from './errors.js'
import { decoyHash, hashParams, hashPassword, verifyPassword } from './password.js'

/** One account as stored. */
export interface StaffAccount {
  staffId: StaffId
  username: string
  name: string
  role: Role
  hprId?: PractitionerId
  /** `scrypt$…` (password.ts); never leaves this module. */
  passwordHash: string
  disabled: boolean
  createdAt: string
  passwordSetAt: string
}

/** An account as listed: everything but the hash. */
export type StaffListing = Omit<StaffAccount, 'passwordHash'>

/** What `staff add` takes. */
export interface NewStaff {
  username: string
  name: string
  role: string
  hprId?: string
  password: string
}

/** Shortest password or PIN accepted; lock-out (SessionStore) bounds guessing of the rest. */
export const MIN_PASSWORD_LENGTH = 8
const USERNAME = /^[a-z][a-z0-9._-]{2,31}$/

interface StaffFile {
  version: 1
  staff: StaffAccount[]
}

/** The staff accounts in one data directory. */
export class StaffStore {
  readonly file: string
  readonly #facility: FacilityId
  readonly #now: () => Date
  #queue: Promise<unknown> = Promise.resolve()

  constructor(dir: string, facility: FacilityId, now: () => Date = () => new Date()) {
    this.file = join(dir, 'staff.json')
    this.#facility = facility
    this.#now = now
  }

  /** Every account, without hashes. */
  async list(): Promise<StaffListing[]> {
    return (await this.#read()).map(listing)
  }

  /** One account by id, if it exists. */
  async get(staffId: StaffId): Promise<StaffListing | undefined> {
    const a = (await this.#read()).find(s => s.staffId === staffId)
    return a === undefined ? undefined : listing(a)
  }

  /** Adds an account; the username must be new. */
  async add(input: NewStaff): Promise<StaffListing> {
    const role = input.role
    if (!isRole(role)) throw new InvalidStaffError('role: one of the roles in docs/ROLES.md')
    const hprId = checkHpr(role, input.hprId)
    const fields = { username: checkUsername(input.username), name: checkName(input.name), role }
    const passwordHash = await hashPassword(checkPassword(input.password))
    return await this.#update(all => {
      if (all.some(s => s.username === fields.username)) throw new StaffExistsError(fields.username)
      const at = this.#now().toISOString()
      const account: StaffAccount = {
        staffId: randomBytes(12).toString('hex') as StaffId,
        ...fields,
        ...(hprId !== undefined ? { hprId } : {}),
        passwordHash,
        disabled: false,
        createdAt: at,
        passwordSetAt: at
      }
      all.push(account)
      return account
    })
  }

  /** Disables an account (its sessions end: see SessionStore.endFor). The last admin stays. */
  async disable(username: string): Promise<StaffListing> {
    return await this.#update(all => {
      const a = find(all, username)
      if (
        a.role === 'facility-admin' &&
        !a.disabled &&
        all.filter(s => s.role === 'facility-admin' && !s.disabled).length === 1
      )
        throw new LastAdminError()
      a.disabled = true
      return a
    })
  }

  /** Sets a new password and enables the account. */
  async reset(username: string, password: string): Promise<StaffListing> {
    const passwordHash = await hashPassword(checkPassword(password))
    return await this.#update(all => {
      const a = find(all, username)
      a.passwordHash = passwordHash
      a.passwordSetAt = this.#now().toISOString()
      a.disabled = false
      return a
    })
  }

  /** The account if the password is right and the account enabled; unknown usernames cost the same. */
  async verify(username: string, password: string): Promise<StaffListing | undefined> {
    const a = (await this.#read()).find(s => s.username === username)
    const ok = await verifyPassword(password, a?.passwordHash ?? (await decoyHash()))
    return ok && a !== undefined && !a.disabled ? listing(a) : undefined
  }

  /** The session shape of an account at this facility. */
  sessionOf(a: StaffListing): StaffSession {
    return {
      staffId: a.staffId,
      username: a.username,
      name: a.name,
      role: a.role,
      ...(a.hprId !== undefined ? { hprId: a.hprId } : {}),
      facility: this.#facility
    }
  }

  async #read(): Promise<StaffAccount[]> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new StaffFileError(`cannot read ${this.file}`, err)
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (err) {
      throw new StaffFileError(`${this.file} is not valid JSON`, err)
    }
    return parseFile(json, this.file)
  }

  async #update(fn: (all: StaffAccount[]) => StaffAccount): Promise<StaffListing> {
    const run = this.#queue.then(async () => {
      const all = await this.#read()
      const changed = fn(all)
      const file: StaffFile = { version: 1, staff: all }
      await writeAtomic(this.file, new TextEncoder().encode(JSON.stringify(file, null, 2) + '\n'), 0o600)
      return listing(changed)
    })
    this.#queue = run.catch(() => {})
    return await run
  }
}

function listing(a: StaffAccount): StaffListing {
  const { passwordHash: _hash, ...rest } = a
  return rest
}

function find(all: StaffAccount[], username: string): StaffAccount {
  const a = all.find(s => s.username === username)
  if (a === undefined) throw new StaffNotFoundError(username)
  return a
}

function checkUsername(v: unknown): string {
  if (typeof v !== 'string' || !USERNAME.test(v))
    throw new InvalidStaffError('username: 3 to 32 of a-z, 0-9, ".", "_", "-", starting with a letter')
  return v
}

function checkName(v: unknown): string {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > 100 || /\p{Cc}/u.test(v))
    throw new InvalidStaffError('name: required text, up to 100 characters')
  return v.trim()
}

function checkPassword(v: unknown): string {
  if (typeof v !== 'string' || [...v].length < MIN_PASSWORD_LENGTH || v.length > 256)
    throw new InvalidStaffError(`password: at least ${MIN_PASSWORD_LENGTH} characters`)
  return v
}

function checkHpr(role: Role, v: unknown): PractitionerId | undefined {
  const rule = hprRule(role)
  if (v === undefined || v === '') {
    if (rule === 'required') throw new InvalidStaffError(`hprId: required for the ${role} role`)
    return undefined
  }
  if (rule === 'none') throw new InvalidStaffError(`hprId: the ${role} role has none`)
  try {
    return validateHprId(v, 'hprId')
  } catch {
    throw new InvalidStaffError('hprId: 14 digits, bare or as 71-1234-5678-9012')
  }
}

function parseFile(json: unknown, path: string): StaffAccount[] {
  const bad = (what: string): never => {
    throw new StaffFileError(`${path}: ${what}`)
  }
  if (typeof json !== 'object' || json === null || (json as { version?: unknown }).version !== 1)
    bad('not a version 1 staff file')
  const list = (json as { staff?: unknown }).staff
  if (!Array.isArray(list)) return bad('staff: expected a list')
  const seen = new Set<string>()
  return list.map((raw: unknown, i): StaffAccount => {
    const s = (typeof raw === 'object' && raw !== null ? raw : bad(`entry ${i} is not an object`)) as Record<
      string,
      unknown
    >
    for (const f of ['staffId', 'username', 'name', 'passwordHash', 'createdAt', 'passwordSetAt'] as const)
      if (typeof s[f] !== 'string') bad(`entry ${i}: ${f} missing`)
    if (hashParams(s.passwordHash as string) === undefined) bad(`entry ${i}: passwordHash malformed or too costly`)
    if (!isRole(s.role)) bad(`entry ${i}: unknown role`)
    if (typeof s.disabled !== 'boolean') bad(`entry ${i}: disabled missing`)
    if (s.hprId !== undefined && (typeof s.hprId !== 'string' || !/^\d{14}$/.test(s.hprId)))
      bad(`entry ${i}: hprId malformed`)
    if (!USERNAME.test(s.username as string) || seen.has(s.username as string))
      bad(`entry ${i}: username malformed or repeated`)
    seen.add(s.username as string)
    return {
      staffId: s.staffId as StaffId,
      username: s.username as string,
      name: s.name as string,
      role: s.role as Role,
      ...(typeof s.hprId === 'string' ? { hprId: s.hprId as PractitionerId } : {}),
      passwordHash: s.passwordHash as string,
      disabled: s.disabled as boolean,
      createdAt: s.createdAt as string,
      passwordSetAt: s.passwordSetAt as string
    }
  })
}
