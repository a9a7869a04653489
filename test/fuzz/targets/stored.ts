/**
 * Stored bytes read back: a real LevelDB item store (LevelItemStore over classic-level) holding
 * items of every kind, a received item, a peer's cursor, an erased document, a quarantine index and
 * a revocation freeze. Each run overwrites (or deletes, or adds) one record with mutated bytes,
 * as a damaged disk would, then reads everything the node reads at start-up and while it runs:
 * either through the open store, or by closing and reopening it (the schema, epoch, lastSeq and
 * log-tail checks; the damage marker). Every read must return or throw a named error; what the
 * quarantine lists must be well-formed entries.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import type { PatientId } from '@pagdandi/core/record'
import { LevelItemStore } from '../../../packages/node/src/store/LevelItemStore.js'
import type { StoreLevel } from '../../../packages/node/src/store/schema.js'
import { FaultyLevel } from '../../../packages/node/src/store/FaultyLevel.js'
import { damageMarkerOf } from '../../../packages/node/src/store/openCheck.js'
import { itemInspector } from '../../../packages/node/src/keyring/inspect.js'
import { Quarantine } from '../../../packages/node/src/repo/Quarantine.js'
import { RevocationFreeze } from '../../../packages/node/src/keyring/RevocationFreeze.js'
import { testRoster, testDocId } from '../../../packages/core/src/crypto/test-fixtures.js'
import { MalformedItemError } from '@pagdandi/core/crypto'
import { b64, expectThat, FuzzFailure, namedOnlyAsync, unb64, type FuzzTarget } from '../harness.js'
import { mutatedBytes } from '../mutate.js'
import * as m from './material.js'

const SUBS = ['log', 'id', 'doc', 'acc', 'fp', 'cur', 'meta', 'kv', 'era'] as const
type Sub = (typeof SUBS)[number]
const PEER = m.bob.facility
const inspect = itemInspector(m.scheme)
/** A roster that revokes the seed items' author, so the freeze of that facility is read back. */
const revoking = testRoster([m.bob], 4, {
  revocations: [{ facility: m.alice.facility, atVersion: 4, signingKey: m.alice.signing.publicKey }]
})

/** One damaged record: `value` undefined deletes it. */
export interface StoredInput {
  sub: Sub
  key: string
  value?: Uint8Array
  /** Close and reopen the store after the damage, so its open-time checks read it. */
  reopen: boolean
  /** Text of a damage marker left beside the store, if any. */
  marker?: string
}

interface Seeded {
  root: string
  dir: string
  db: StoreLevel
  store: LevelItemStore
  records: { sub: Sub; key: string; value: Uint8Array }[]
}
let seeded: Seeded | undefined

/** classic-level (FaultyLevel with no fault set is classic-level as the node opens it). */
const levelOf = (dir: string): StoreLevel => new FaultyLevel(dir)

async function openSeeded(dir: string): Promise<{ db: StoreLevel; store: LevelItemStore }> {
  let db: StoreLevel | undefined
  const store = await LevelItemStore.open(dir, inspect, { level: d => (db = levelOf(d)) })
  return { db: db!, store }
}

async function build(): Promise<Seeded> {
  const root = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'pagdandi-fuzz-stored-'))
  const dir = join(root, 'store')
  const { db, store } = await openSeeded(dir)
  await store.putItems([m.change, m.grant, m.rotation])
  await store.putItems([m.change1], {
    from: PEER,
    cursor: { peer: PEER, cursor: { seq: 7, token: new Uint8Array(16).fill(4) } }
  })
  const quarantine = new Quarantine(store, () => new Date(0))
  await quarantine.add(m.change1, new MalformedItemError('seed refusal'), PEER)
  await new RevocationFreeze(store).apply(revoking)
  // An erased document (no items of it remain; the record that says so does).
  await db
    .sublevel<string, Uint8Array>('era', { keyEncoding: 'utf8', valueEncoding: 'view' })
    .put(testDocId(9), new Uint8Array(0))
  const records: Seeded['records'] = []
  for (const sub of SUBS)
    for await (const [key, value] of sublevel(db, sub).iterator())
      records.push({ sub, key, value: new Uint8Array(value) })
  return { root, dir, db, store, records }
}

const sublevel = (db: StoreLevel, sub: Sub) =>
  db.sublevel<string, Uint8Array>(sub, { keyEncoding: 'utf8', valueEncoding: 'view' })

async function write(db: StoreLevel, x: { sub: Sub; key: string; value?: Uint8Array | undefined }): Promise<void> {
  if (x.value === undefined) await sublevel(db, x.sub).del(x.key)
  else await sublevel(db, x.sub).put(x.key, x.value)
}

const QUARANTINE_FIELDS = ['itemId', 'docId', 'author', 'reason', 'detail', 'at'] as const

/** Everything the node reads from its store; each a value or a named error. */
async function readAll(store: LevelItemStore): Promise<void> {
  await namedOnlyAsync(() => store.lastSeq())
  await namedOnlyAsync(() => store.epoch())
  await namedOnlyAsync(() => store.logSince(0, 100))
  for (const doc of [testDocId(1), testDocId(9)] as PatientId[]) {
    await namedOnlyAsync(() => store.itemsForDoc(doc))
    await namedOnlyAsync(() => store.accessItems(doc))
  }
  await namedOnlyAsync(() => store.getCursor(PEER))
  await namedOnlyAsync(() => store.getCursor(m.alice.facility))
  await namedOnlyAsync(() => store.docSummaries())
  await namedOnlyAsync(() => store.erasedDocs())
  await namedOnlyAsync(() => store.hasItems([]))
  const q = new Quarantine(store)
  const loaded = await namedOnlyAsync(() => q.load())
  if (!(loaded instanceof Error))
    for (const e of q.list()) {
      const fields = e as unknown as Record<string, unknown>
      for (const f of QUARANTINE_FIELDS)
        expectThat(typeof fields[f] === 'string', `the quarantine lists an entry whose ${f} is not text`)
      expectThat(Number.isSafeInteger(e.bytes) && e.bytes >= 0, 'the quarantine lists an entry with a bad size')
    }
  await namedOnlyAsync(() => new RevocationFreeze(store).apply(revoking))
}

async function clearDamageLeftovers(s: Seeded): Promise<void> {
  for (const name of await readdir(s.root))
    if (name !== 'store') await rm(join(s.root, name), { recursive: true, force: true })
}

async function check(x: StoredInput): Promise<void> {
  const s = (seeded ??= await build())
  const original = s.records.find(r => r.sub === x.sub && r.key === x.key)
  if (!x.reopen) {
    await write(s.db, x)
    try {
      await readAll(s.store)
    } finally {
      await write(s.db, { sub: x.sub, key: x.key, value: original?.value })
    }
    return
  }
  await s.store.close()
  const raw = levelOf(s.dir)
  await write(raw, x)
  await raw.close()
  if (x.marker !== undefined) await writeFile(damageMarkerOf(s.dir), x.marker)
  try {
    const opened = await namedOnlyAsync(() => LevelItemStore.open(s.dir, inspect))
    if (!(opened instanceof Error)) {
      try {
        await readAll(opened)
      } finally {
        await opened.close()
      }
    }
  } finally {
    await clearDamageLeftovers(s)
    const back = levelOf(s.dir)
    await write(back, { sub: x.sub, key: x.key, value: original?.value })
    await back.close()
    const again = await openSeeded(s.dir).catch((err: unknown) => {
      throw new FuzzFailure(`the seed store no longer opens after restoring the record: ${String(err)}`)
    })
    s.db = again.db
    s.store = again.store
  }
}

function inputs(): fc.Arbitrary<StoredInput> {
  const s = seeded!
  const values = s.records.map(r => r.value).filter(v => v.length > 0)
  const existing = fc.nat(s.records.length - 1).map(i => s.records[i]!)
  const damaged = fc.oneof(
    { weight: 6, arbitrary: mutatedBytes([...values, ...m.items]).map(v => v as Uint8Array | undefined) },
    { weight: 1, arbitrary: fc.constant(undefined) }
  )
  const changed = fc.tuple(existing, damaged).map(([r, value]) => ({ sub: r.sub, key: r.key, value }))
  const added = fc.record({
    sub: fc.constantFrom(...SUBS),
    key: fc.oneof(
      fc.constantFrom('000000000000099', 'epoch', 'schema', 'lastSeq', 'seqFloor', 'quarantine/index'),
      fc.string({ maxLength: 20 })
    ),
    value: mutatedBytes(values)
  })
  const marker = fc.oneof(
    { weight: 8, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('null', '[]', '{"detail":3}', '"x"', '{') },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }
  )
  return fc
    .tuple(fc.oneof({ weight: 4, arbitrary: changed }, { weight: 1, arbitrary: added }), fc.nat(9), marker)
    .map(([r, n, mk]) => {
      const reopen = n === 0
      const out: StoredInput = { ...r, reopen }
      if (reopen && mk !== undefined) out.marker = mk
      if (r.value === undefined) delete out.value
      return out
    })
}

/** The stored-records target. */
export const storedTarget: FuzzTarget<StoredInput> = {
  name: 'stored',
  what: 'every record of a real LevelDB item store damaged in turn, then read back open and at reopen',
  arbitrary: () => {
    if (seeded === undefined) throw new Error('stored target not open')
    return inputs()
  },
  check,
  toFixture: x => ({ ...x, value: x.value === undefined ? undefined : b64(x.value) }),
  fromFixture: v => {
    const o = v as StoredInput & { value?: string }
    const out: StoredInput = { sub: o.sub, key: o.key, reopen: o.reopen === true }
    if (o.value !== undefined) out.value = unb64(o.value)
    if (o.marker !== undefined) out.marker = o.marker
    return out
  },
  open: async () => {
    seeded ??= await build()
  },
  close: async () => {
    if (seeded === undefined) return
    await seeded.store.close()
    await rm(seeded.root, { recursive: true, force: true })
    seeded = undefined
  }
}
