/**
 * The item store's schema version and the migrations between versions (docs/PROTOCOL.md, "Item
 * store layout"). A store records its version in `meta` `schema`; a store written before versions
 * existed (it has an `epoch` but no `schema`) is version 1. Opening an older store runs every step
 * from its version to `STORE_SCHEMA`, each in one synced batch that also records the new version,
 * so a crash between steps leaves a store at a version some step starts from.
 */
import type { Level } from 'level'
import { StoreSchemaError } from './errors.js'

/** The schema version this code writes. */
export const STORE_SCHEMA = 4

/** One write of a migration step: a put or del in a named sub-level. */
export type SchemaOp =
  { type: 'put'; sub: string; key: string; value: Uint8Array } | { type: 'del'; sub: string; key: string }

/** What a migration step reads: one record, or the last key of a sub-level. */
export interface SchemaReader {
  get(sub: string, key: string): Promise<Uint8Array | undefined>
  lastKey(sub: string): Promise<string | undefined>
}

/** A step from `from` to `from + 1`: the writes it makes (the version record is added to them). */
export interface Migration {
  from: number
  summary: string
  plan(read: SchemaReader): Promise<SchemaOp[]>
}

const enc = new TextEncoder()
const dec = new TextDecoder()

/** Every step, in order. v1 is the layout before versions; see docs/PROTOCOL.md for each. */
export const MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    summary: 'meta lastSeq (the highest log position ever used) replaces meta seqFloor',
    async plan(read) {
      const last = Number((await read.lastKey('log')) ?? '0')
      const floor = await read.get('meta', 'seqFloor')
      const lastSeq = Math.max(last, floor === undefined ? 0 : Number(dec.decode(floor)))
      return [
        { type: 'put', sub: 'meta', key: 'lastSeq', value: enc.encode(String(lastSeq)) },
        { type: 'del', sub: 'meta', key: 'seqFloor' }
      ]
    }
  },
  {
    from: 2,
    summary:
      'log entries written from now on carry their header view and a CRC-32 (logEntry.ts); v2 entries stay and still read',
    async plan() {
      // Nothing is rewritten (a million entries would be one huge batch); the version stops older
      // code, which would misread a v3 entry, from opening the store.
      return []
    }
  },
  {
    from: 3,
    summary:
      'each log position written from now on records the log digest through it in `chn` (cursor tokens bind it); earlier positions have none and their tokens bind only their item',
    async plan() {
      // Nothing is rewritten; the version stops older code, which would give tokens a newer peer's
      // cursor never matches, from opening the store.
      return []
    }
  }
]

/** Reads the version a store records: undefined for a new (empty) store. */
export async function schemaOf(read: SchemaReader): Promise<number | undefined> {
  const raw = await read.get('meta', 'schema')
  if (raw === undefined) return (await read.get('meta', 'epoch')) === undefined ? undefined : 1
  const text = dec.decode(raw)
  const version = Number(text)
  if (!/^[1-9][0-9]{0,5}$/.test(text)) throw new StoreSchemaError(JSON.stringify(text.slice(0, 12)), STORE_SCHEMA)
  return version
}

/**
 * Brings a store at `version` up to `STORE_SCHEMA`; refuses a newer one by name. `write` commits
 * one step's writes durably and atomically. Returns the steps run.
 */
export async function migrate(
  version: number,
  read: SchemaReader,
  write: (ops: SchemaOp[]) => Promise<void>,
  steps: readonly Migration[] = MIGRATIONS
): Promise<Migration[]> {
  if (version > STORE_SCHEMA) throw new StoreSchemaError(String(version), STORE_SCHEMA)
  const ran: Migration[] = []
  for (let v = version; v < STORE_SCHEMA; v++) {
    const step = steps.find(s => s.from === v)
    if (step === undefined) throw new TypeError(`no store migration from schema ${v}`)
    const ops = await step.plan(read)
    await write([...ops, { type: 'put', sub: 'meta', key: 'schema', value: enc.encode(String(v + 1)) }])
    ran.push(step)
  }
  return ran
}

/** The `level` database type the store opens (classic-level on Node). */
export type StoreLevel = Level<string, Uint8Array>
