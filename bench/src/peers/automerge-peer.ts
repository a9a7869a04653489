/**
 * Baseline peer: a plain automerge-repo `Repo` in its own process, synced over the stock
 * WebSocket adapter. `tuned` means what issue 4 calls the honest competitor: immutable strings for
 * non-prose fields, permessage-deflate on the socket, and a listening side that announces nothing
 * (`sharePolicy` false) so the asking side requests exactly the documents it wants.
 */
import '@pagdandi/node/polyfill'
import { readFileSync, writeFileSync } from 'node:fs'
import { WebSocketServer } from 'ws'
import * as Automerge from '@automerge/automerge'
import { Repo, type DocHandle, type DocumentId } from '@automerge/automerge-repo'
import { WebSocketClientAdapter, WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket'
import { readCorpus, newEncounter } from '../corpus.js'
import { servePeer } from './rpc.js'

type Json = Record<string, unknown>
const PROSE_KEYS = new Set(['notes', 'note', 'narrative', 'summary'])

/** Non-prose strings become immutable strings; prose stays a text CRDT. */
function immutableStrings(v: unknown, key = ''): unknown {
  if (typeof v === 'string') return PROSE_KEYS.has(key) ? v : new Automerge.ImmutableString(v)
  if (Array.isArray(v)) return v.map(x => immutableStrings(x))
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, immutableStrings(x, k)]))
  }
  return v
}

// The stock client adapter can emit a socket error with no listener while it redials (seen when
// the server's keep-alive drops a connection on a slow link). Log it and keep the peer alive so
// the adapter's own retry is what gets measured, not a crash.
process.on('uncaughtException', e => {
  console.error(`automerge peer: ${e.name}: ${e.message}`)
})

let repo: Repo | undefined
let tuned = false
let wss: WebSocketServer | undefined
const keyOf = new Map<DocumentId, string>()

function theRepo(): Repo {
  if (repo === undefined) throw new Error('no repo: call init first')
  return repo
}

function headsOf(h: DocHandle<unknown>): string {
  return Automerge.getHeads(h.doc() as Automerge.Doc<unknown>)
    .slice()
    .sort()
    .join(',')
}

servePeer({
  /** role 'source' announces unless tuned; 'sink' always announces what it holds. */
  init: ({ role, tuned: t }: { role: 'source' | 'sink'; tuned: boolean }) => {
    tuned = t
    repo = new Repo(role === 'source' && tuned ? { sharePolicy: async () => false } : {})
    return null
  },
  /** Create every document of a corpus file; returns nothing (ids via `export`). */
  load: ({ file }: { file: string }) => {
    for (const { key, doc } of readCorpus(file)) {
      const value = (tuned ? immutableStrings(doc) : doc) as Json
      const h = theRepo().create<Json>(value)
      keyOf.set(h.documentId, key)
    }
    return { docs: keyOf.size }
  },
  /** Write every document's id, key and bytes to `file`, so another Repo can hold identical ones. */
  export: ({ file }: { file: string }) => {
    const lines: string[] = []
    for (const [id, h] of Object.entries(theRepo().handles)) {
      lines.push(
        JSON.stringify({
          id,
          key: keyOf.get(id as DocumentId),
          bytes: Buffer.from(Automerge.save(h.doc() as Automerge.Doc<unknown>)).toString('base64')
        })
      )
    }
    writeFileSync(file, lines.join('\n') + '\n')
    return { docs: lines.length }
  },
  /** Hold the exported documents under the same ids (the state after an earlier full sync). */
  import: ({ file }: { file: string }) => {
    let n = 0
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.length === 0) continue
      const { id, key, bytes } = JSON.parse(line) as { id: DocumentId; key: string; bytes: string }
      theRepo().import(Buffer.from(bytes, 'base64'), { docId: id })
      keyOf.set(id, key)
      n++
    }
    return { docs: n }
  },
  /** Every document's heads, by id. */
  heads: () => Object.fromEntries(Object.entries(theRepo().handles).map(([id, h]) => [id, headsOf(h)])),
  /** Add a new encounter to each listed document. */
  mutate: ({ ids }: { ids: DocumentId[] }) => {
    for (const [i, id] of ids.entries()) {
      const h = theRepo().handles[id]
      if (h === undefined) throw new Error(`no document ${id}`)
      const enc = newEncounter(keyOf.get(id) ?? id, i)
      h.change((d: Json) => {
        const encounters = d.encounters as Json
        encounters[enc.id] = tuned ? immutableStrings(enc.value) : enc.value
      })
    }
    return { changed: ids.length }
  },
  listen: async ({ deflate }: { deflate: boolean }) => {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: deflate ? { threshold: 64 } : false
    })
    await new Promise<void>(resolve => server.once('listening', () => resolve()))
    wss = server
    // Tuned: a 60 s keep-alive. The stock 5 s one terminates a client whose pong waits behind
    // seconds of queued data on a 200 kbit/s link, and every reconnect restarts the sync.
    theRepo().networkSubsystem.addNetworkAdapter(
      new WebSocketServerAdapter(
        server as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0],
        tuned ? 60_000 : undefined
      )
    )
    return { port: (server.address() as { port: number }).port }
  },
  connect: ({ port }: { port: number }) => {
    theRepo().networkSubsystem.addNetworkAdapter(new WebSocketClientAdapter(`ws://127.0.0.1:${port}`))
    return null
  },
  /**
   * Wait until every listed document has the expected heads. With `request`, ask for each one
   * (the tuned source announces nothing); otherwise wait for the announcements.
   */
  await: async ({
    expected,
    request,
    timeoutMs
  }: {
    expected: Record<string, string>
    request: boolean
    timeoutMs: number
  }) => {
    const r = theRepo()
    const t0 = performance.now()
    if (request) {
      for (const id of Object.keys(expected)) void r.find(id as DocumentId).catch(() => {})
    }
    const ids = Object.keys(expected)
    let pending = ids
    while (pending.length > 0) {
      pending = pending.filter(id => {
        const h = r.handles[id as DocumentId]
        return h === undefined || !h.isReady() || headsOf(h) !== expected[id]
      })
      if (pending.length === 0) break
      if (performance.now() - t0 > timeoutMs)
        return { done: false, ms: performance.now() - t0, missing: pending.length }
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    return { done: true, ms: performance.now() - t0, missing: 0 }
  },
  close: () => {
    wss?.close()
    return null
  }
})
