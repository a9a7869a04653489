/**
 * Baseline peer: PouchDB (in-memory adapter) in its own process. The source serves its database
 * over CouchDB's HTTP replication protocol (express-pouchdb); the sink replicates from it.
 */
import { createRequire } from 'node:module'
import { readFileSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { readCorpus, newEncounter } from '../corpus.js'
import { servePeer } from './rpc.js'

const require = createRequire(import.meta.url)

interface PouchDoc {
  _id: string
  _rev?: string
  [k: string]: unknown
}
interface PouchDb {
  bulkDocs(docs: PouchDoc[], opts?: { new_edits?: boolean }): Promise<unknown[]>
  allDocs(opts: {
    include_docs?: boolean
  }): Promise<{ rows: Array<{ id: string; value: { rev: string }; doc?: PouchDoc }> }>
  get(id: string): Promise<PouchDoc>
  put(doc: PouchDoc): Promise<unknown>
  replicate: {
    from(src: PouchDb, opts?: Record<string, unknown>): Promise<{ docs_written: number }> & { cancel(): void }
  }
}
type PouchCtor = (new (name: string) => PouchDb) & { defaults(o: object): PouchCtor; plugin(p: unknown): PouchCtor }

const PouchDB = (require('pouchdb-core') as PouchCtor)
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-adapter-http'))
  .plugin(require('pouchdb-replication'))
const MemPouch = PouchDB.defaults({ adapter: 'memory' })

let db: PouchDb | undefined
let server: Server | undefined
let liveRep: (Promise<unknown> & { cancel(): void }) | undefined

/** The source's database over HTTP. The base constructor, because the memory default would shadow the URL. */
function remote(port: number | undefined): PouchDb {
  return new PouchDB(`http://127.0.0.1:${port}/corpus`)
}

function theDb(): PouchDb {
  db ??= new MemPouch('corpus')
  return db
}

servePeer({
  init: () => {
    theDb()
    return null
  },
  load: async ({ file }: { file: string }) => {
    const docs = readCorpus(file).map(({ key, doc }) => ({ _id: key, ...doc }))
    for (let i = 0; i < docs.length; i += 1000) await theDb().bulkDocs(docs.slice(i, i + 1000))
    return { docs: docs.length }
  },
  export: async ({ file }: { file: string }) => {
    const { rows } = await theDb().allDocs({ include_docs: true })
    writeFileSync(file, rows.map(r => JSON.stringify(r.doc)).join('\n') + '\n')
    return { docs: rows.length }
  },
  heads: async () => {
    const { rows } = await theDb().allDocs({})
    return Object.fromEntries(rows.map(r => [r.id, r.value.rev]))
  },
  mutate: async ({ ids }: { ids: string[] }) => {
    for (const [i, id] of ids.entries()) {
      const doc = await theDb().get(id)
      const enc = newEncounter(id, i)
      ;(doc.encounters as Record<string, unknown>)[enc.id] = enc.value
      await theDb().put(doc)
    }
    return { changed: ids.length }
  },
  listen: async () => {
    const express = require('express') as () => {
      use(path: string, h: unknown): void
      listen(port: number, host: string, cb: () => void): Server
    }
    const expressPouch = require('express-pouchdb') as (p: PouchCtor, o: object) => unknown
    const app = express()
    app.use('/', expressPouch(MemPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true, logPath: '/dev/null' }))
    theDb()
    const s = await new Promise<Server>(resolve => {
      const x = app.listen(0, '127.0.0.1', () => resolve(x))
    })
    server = s
    return { port: (s.address() as { port: number }).port }
  },
  /**
   * Pull replication from the source behind `port`. One-shot: resolves when complete. Live (with
   * `expected` revisions): a continuous, retrying replication, resolved once the revisions are here.
   */
  await: async ({
    port,
    timeoutMs,
    live,
    expected
  }: {
    port: number
    timeoutMs: number
    live?: boolean
    expected?: Record<string, string>
  }) => {
    const t0 = performance.now()
    if (live === true) {
      liveRep ??= theDb().replicate.from(remote(port), { live: true, retry: true })
      liveRep.catch(() => {})
      const want = Object.entries(expected ?? {})
      while (performance.now() - t0 < timeoutMs) {
        const { rows } = await theDb().allDocs({})
        const have = new Map(rows.map(r => [r.id, r.value.rev]))
        const missing = want.filter(([id, rev]) => have.get(id) !== rev).length
        if (missing === 0) return { done: true, ms: performance.now() - t0, missing: 0 }
        await new Promise(resolve => setTimeout(resolve, 50))
      }
      return { done: false, ms: performance.now() - t0 }
    }
    const rep = theDb().replicate.from(remote(port))
    const timeout = new Promise<'timeout'>(resolve => setTimeout(() => resolve('timeout'), timeoutMs).unref())
    const r = await Promise.race([rep, timeout])
    return r === 'timeout'
      ? { done: false, ms: performance.now() - t0 }
      : { done: true, ms: performance.now() - t0, written: r.docs_written }
  },
  import: async ({ file }: { file: string }) => {
    const docs = readFileSync(file, 'utf8')
      .split('\n')
      .filter(l => l.length > 0)
      .map(l => JSON.parse(l) as PouchDoc)
    for (let i = 0; i < docs.length; i += 1000) await theDb().bulkDocs(docs.slice(i, i + 1000), { new_edits: false })
    return { docs: docs.length }
  },
  close: () => {
    liveRep?.cancel()
    server?.close()
    return null
  }
})
