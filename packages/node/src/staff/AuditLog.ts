/**
 * The node's audit log, `DIR/audit.log`: one JSON line per event, append-only, each line keyed to the
 * one before (HMAC-SHA-256, under a key derived from the facility identity in the encrypted keyring,
 * over the previous entry's MAC and the entry), and `DIR/audit.head` naming the last entry written.
 * An edited byte breaks a MAC; removed entries leave the log short of its head or ending mid-line; a
 * whole chain rewritten consistently by someone without the key (file access, no operator secret)
 * fails at its first entry. Entries hold staff ids, patient ids, facility ids and counts, never a name or a
 * clinical value (docs/THREAT_MODEL.md).
 */
import { createHmac } from 'node:crypto'
import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeAtomic } from '../datadir/DataDir.js'
import { StoreFaultedError, faultCause } from '../store/errors.js'
import { AuditLogTamperedError, AuditLogTruncatedError } from './errors.js'

/** What an entry records. */
export type AuditEvent =
  | 'sign-in'
  | 'sign-in.failed'
  | 'sign-in.locked'
  | 'sign-out'
  | 'record.search'
  | 'record.open'
  | 'record.register'
  | 'record.change'
  | 'record.change.refused'
  | 'referral.create'
  | 'record.export'
  | 'record.import'
  | 'record.erase'
  | 'record.merge'
  | 'record.unmerge'
  | 'card.print'
  | 'card.open'
  | 'card.revoke'
  | 'record.share'
  | 'roster.update'
  | 'staff.add'
  | 'staff.disable'
  | 'staff.reset'
  | 'staff.sign-out'
  | 'audit.view'
  | 'audit.export'
  | 'request.refused'
  | 'audit.repaired'

/** What a caller records: who, what, which record; ids only. */
export interface AuditInput {
  event: AuditEvent
  /** Staff id of who did it; omitted when nobody is known (a failed sign-in for an unknown name). */
  actor?: string
  patient?: string
  /** Further ids and counts: a referral id, the receiving facility, a route, a number of hits. */
  detail?: Record<string, string | number>
}

/** One line of the log. */
export interface AuditEntry extends AuditInput {
  seq: number
  at: string
  /** MAC of the previous entry (64 zeros for the first). */
  prev: string
  /** HMAC-SHA-256 of this entry (hex), under the facility's audit key. */
  hash: string
}

/** `verify`'s answer for an intact log. */
export interface AuditVerified {
  entries: number
  head: string
}

const GENESIS = '0'.repeat(64)
const ID = /^[A-Za-z0-9._:/@-]{1,120}$/

/** The audit service the node, `/sync` and the CLI write through. */
export class AuditLog {
  readonly file: string
  readonly headFile: string
  readonly #now: () => Date
  readonly #key: Uint8Array
  #queue: Promise<unknown> = Promise.resolve()
  #last: { seq: number; hash: string } | undefined

  /** `key`: the facility's audit key (keyring/NodeKeys.ts `auditKeyFrom`), 32 bytes. */
  constructor(dir: string, key: Uint8Array, now: () => Date = () => new Date()) {
    if (key.length !== 32) throw new TypeError('the audit key is 32 bytes')
    this.file = join(dir, 'audit.log')
    this.headFile = join(dir, 'audit.head')
    this.#key = key
    this.#now = now
  }

  /**
   * What a failed append answers: by default `StoreFaultedError` naming the cause (disk full,
   * read-only, I/O). The node sets it to latch its item store too, so that nothing is written
   * unaudited on a disk that failed.
   */
  onWriteFault: (err: unknown) => Error = err => new StoreFaultedError(faultCause(err), err)

  /** Appends one entry, durably, before resolving. Values that are not ids are refused (TypeError). */
  async record(input: AuditInput): Promise<AuditEntry> {
    checkIds(input)
    const run = this.#queue.then(async () => {
      if (this.#last === undefined) {
        const { last, torn } = await this.#tail()
        this.#last = last
        // A crash mid-append leaves a partial last line: cut it and say so in the log itself.
        if (torn > 0) await this.#append({ event: 'audit.repaired', detail: { droppedBytes: torn } }, torn)
      }
      return await this.#append(input, 0)
    })
    this.#queue = run.catch(() => {})
    return await run
  }

  async #append(input: AuditInput, cut: number): Promise<AuditEntry> {
    const last = this.#last!
    const body = {
      seq: last.seq + 1,
      at: this.#now().toISOString(),
      event: input.event,
      ...(input.actor !== undefined ? { actor: input.actor } : {}),
      ...(input.patient !== undefined ? { patient: input.patient } : {}),
      ...(input.detail !== undefined ? { detail: input.detail } : {}),
      prev: last.hash
    }
    const entry: AuditEntry = { ...body, hash: macOf(this.#key, body) }
    try {
      const fh = await open(this.file, 'a+', 0o600)
      try {
        if (cut > 0) await fh.truncate((await fh.stat()).size - cut)
        await fh.appendFile(JSON.stringify(entry) + '\n')
        await fh.datasync()
      } finally {
        await fh.close()
      }
      const head = JSON.stringify({ seq: entry.seq, hash: entry.hash }) + '\n'
      await writeAtomic(this.headFile, new TextEncoder().encode(head), 0o600)
    } catch (err) {
      // A full or failing disk: a named 503 (never a bare 500), and the node's writes stop with it.
      throw this.onWriteFault(err)
    }
    this.#last = { seq: entry.seq, hash: entry.hash }
    return entry
  }

  /** Every entry, checked; throws `AuditLogTamperedError` or `AuditLogTruncatedError` naming the break. */
  async entries(): Promise<AuditEntry[]> {
    const text = await readOrEmpty(this.file)
    const head = await this.#head()
    if (text.length > 0 && !text.endsWith('\n'))
      throw new AuditLogTruncatedError(`audit log ends mid-entry after ${text.split('\n').length - 1} entries`)
    const lines = text.length === 0 ? [] : text.slice(0, -1).split('\n')
    const out: AuditEntry[] = []
    let prev = GENESIS
    for (const [i, line] of lines.entries()) {
      const seq = i + 1
      let e: AuditEntry
      try {
        e = JSON.parse(line) as AuditEntry
      } catch {
        throw new AuditLogTamperedError(seq, 'is not valid JSON')
      }
      if (typeof e !== 'object' || e === null || e.seq !== seq)
        throw new AuditLogTamperedError(seq, 'is out of sequence')
      if (e.prev !== prev) throw new AuditLogTamperedError(seq, 'does not link to the entry before it')
      const { hash, ...body } = e
      if (hash !== macOf(this.#key, body))
        throw new AuditLogTamperedError(seq, "does not match its MAC under this facility's audit key")
      prev = hash
      out.push(e)
    }
    if (head !== undefined) {
      // The log may be one entry ahead of its head (a crash between the two writes), never behind.
      if (out.length < head.seq)
        throw new AuditLogTruncatedError(`audit log has ${out.length} entries; its head names entry ${head.seq}`)
      if (out[head.seq - 1]?.hash !== head.hash)
        throw new AuditLogTamperedError(head.seq, 'does not match the recorded head')
    } else if (out.length > 0) {
      throw new AuditLogTruncatedError('audit.head is missing')
    }
    return out
  }

  /** Checks the whole chain and the head. */
  async verify(): Promise<AuditVerified> {
    const all = await this.entries()
    return { entries: all.length, head: all.at(-1)?.hash ?? GENESIS }
  }

  /** The last whole entry to chain onto (even if something before it is broken) and the bytes of a torn last line. */
  async #tail(): Promise<{ last: { seq: number; hash: string }; torn: number }> {
    const text = await readOrEmpty(this.file)
    const whole = text.slice(0, text.lastIndexOf('\n') + 1)
    const torn = Buffer.byteLength(text) - Buffer.byteLength(whole)
    const lines = whole.split('\n').filter(l => l.length > 0)
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const e = JSON.parse(lines[i]!) as AuditEntry
        if (typeof e.seq === 'number' && typeof e.hash === 'string')
          return { last: { seq: Math.max(e.seq, lines.length), hash: e.hash }, torn }
      } catch {
        // an edited line: chain onto the one before it; `verify` still reports the edit
      }
    }
    return { last: { seq: lines.length, hash: GENESIS }, torn }
  }

  async #head(): Promise<{ seq: number; hash: string } | undefined> {
    const text = await readOrEmpty(this.headFile)
    if (text.length === 0) return undefined
    try {
      const h = JSON.parse(text) as { seq?: unknown; hash?: unknown }
      if (typeof h.seq === 'number' && typeof h.hash === 'string') return { seq: h.seq, hash: h.hash }
    } catch {
      // fall through
    }
    throw new AuditLogTamperedError(0, '(audit.head) is malformed')
  }
}

function macOf(key: Uint8Array, body: Omit<AuditEntry, 'hash'>): string {
  return createHmac('sha256', key).update(body.prev).update('\n').update(JSON.stringify(body)).digest('hex')
}

function checkIds(input: AuditInput): void {
  const values = [input.actor, input.patient, ...Object.values(input.detail ?? {})]
  for (const v of values)
    if (v !== undefined && typeof v !== 'number' && !ID.test(v))
      throw new TypeError('audit entries hold ids and counts only')
  for (const k of Object.keys(input.detail ?? {}))
    if (!/^[a-zA-Z]{1,32}$/.test(k)) throw new TypeError('audit detail keys are words')
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw err
  }
}
