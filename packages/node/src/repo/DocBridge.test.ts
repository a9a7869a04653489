import { describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import { Repo } from '@automerge/automerge-repo'
import { DocBridge } from './DocBridge.js'
import { SealedStorage } from './SealedStorage.js'
import type { BridgeStore, DocSealer, OpenedItem, StoredItemLike } from './bridgePorts.js'

/** Items as `kind|docId|recipient|payload` text: enough to test the bridge's bookkeeping. */
class FakeSealer implements DocSealer {
  readonly keys = new Set<string>()
  constructor(readonly me: string) {}
  canOpen(docId: string): boolean {
    return this.keys.has(docId)
  }
  ensureKey(docId: string): Uint8Array[] {
    this.keys.add(docId)
    return [enc(['key', docId, this.me, ''])]
  }
  sealChange(docId: string, changes: Uint8Array): Uint8Array {
    return enc(['change', docId, '', Buffer.from(changes).toString('base64')])
  }
  grant(docId: string, to: string): Uint8Array {
    return enc(['key', docId, to, ''])
  }
  open(item: Uint8Array): OpenedItem {
    const [kind, docId, to, payload] = Buffer.from(item).toString('utf8').split('|') as [string, string, string, string]
    if (kind === 'key') {
      if (to !== this.me) return { kind: 'opaque', docId }
      this.keys.add(docId)
      return { kind: 'key', docId }
    }
    if (!this.keys.has(docId)) return { kind: 'opaque', docId }
    return { kind: 'change', docId, changes: new Uint8Array(Buffer.from(payload, 'base64')), facility: this.me }
  }
}
const enc = (parts: string[]): Uint8Array => new Uint8Array(Buffer.from(parts.join('|')))

/** Automerge change chunks in a sealed change item of the fake sealer (each chunk starts with the magic bytes). */
function changeChunks(item: StoredItemLike): number {
  const payload = Buffer.from(Buffer.from(item.bytes).toString('utf8').split('|')[3]!, 'base64')
  let n = 0
  for (let at = payload.indexOf(MAGIC); at >= 0; at = payload.indexOf(MAGIC, at + 1)) n++
  return n
}
const MAGIC = Buffer.from([0x85, 0x6f, 0x4a, 0x83])

class MemoryStore implements BridgeStore {
  readonly log: StoredItemLike[] = []
  readonly seen = new Set<string>()
  puts = 0
  async putItems(items: Uint8Array[]): Promise<StoredItemLike[]> {
    this.puts++
    const fresh: StoredItemLike[] = []
    for (const bytes of items) {
      const k = Buffer.from(bytes).toString('base64')
      if (this.seen.has(k)) continue
      this.seen.add(k)
      const item = { seq: this.log.length + 1, bytes }
      this.log.push(item)
      fresh.push(item)
    }
    return fresh
  }
  async logSince(seq: number, limit: number): Promise<StoredItemLike[]> {
    return this.log.filter(i => i.seq > seq).slice(0, limit)
  }
  async itemsForDoc(docId: string): Promise<StoredItemLike[]> {
    return this.log.filter(i => Buffer.from(i.bytes).toString().split('|')[1] === docId)
  }
}

interface Doc {
  name: string
  visits?: number
}

describe('DocBridge', () => {
  it('seals each local change once, durably, and rebuilds the same document from items', async () => {
    const store = new MemoryStore()
    const bridge = new DocBridge(new Repo({}), store, new FakeSealer('CHC'))
    const id = await bridge.create<Doc>({ name: 'x' })
    const after1 = store.log.length
    expect(after1).toBe(2) // self-grant + first change
    await bridge.change<Doc>(id, d => {
      d.visits = 1
    })
    await bridge.flush(id)
    await bridge.flush(id)
    expect(store.log.length).toBe(3)
    const heads = bridge.durableHeads(id)
    expect(heads).toEqual(A.getHeads((await bridge.open<Doc>(id))!))

    const again = new DocBridge(new Repo({}), store, new FakeSealer('CHC'))
    const seen: Array<[string, unknown]> = []
    again.on('doc', (docId, cold) => {
      seen.push([docId, cold === undefined ? undefined : { ...(cold as Doc) }])
    })
    await again.start()
    // Invariant 5: rebuilt cold. The start-up index saw the document; it is not held in memory.
    expect(seen).toEqual([[id, { name: 'x', visits: 1 }]])
    expect(again.doc<Doc>(id)).toBeUndefined()
    expect(again.knows(id)).toBe(true)
    expect(again.durableHeads(id)).toEqual(heads)
    await again.flush(id)
    expect(store.log.length).toBe(3)
    // Opened on demand, and a change to it is sealed once, on top of what was stored.
    expect(await again.open<Doc>(id)).toEqual({ name: 'x', visits: 1 })
    await again.change<Doc>(id, d => {
      d.visits = 2
    })
    expect(store.log.length).toBe(4)
    // Once: each later item holds only its own change, not the history sealed before it.
    expect([store.log[2]!, store.log[3]!].map(changeChunks)).toEqual([1, 1])
    const third = new DocBridge(new Repo({}), store, new FakeSealer('CHC'))
    await third.start()
    expect(await third.open<Doc>(id)).toEqual({ name: 'x', visits: 2 })
  })

  it('imports saved documents cold, in one durable batch, and indexes each once', async () => {
    const store = new MemoryStore()
    const bridge = new DocBridge(new Repo({}), store, new FakeSealer('CHC'))
    const saved = [1, 2, 3].map(n => A.save(A.from<Record<string, unknown>>({ name: `p${n}`, visits: n })))
    const seen: string[] = []
    bridge.on('doc', (_id, cold) => {
      seen.push((cold as Doc).name)
    })
    const ids = await bridge.importCold(saved)
    expect(seen).toEqual(['p1', 'p2', 'p3'])
    expect(store.log.length).toBe(6) // a self-grant and a change each
    expect(ids.map(id => bridge.doc(id))).toEqual([undefined, undefined, undefined])
    expect(await bridge.open<Doc>(ids[1]!)).toEqual({ name: 'p2', visits: 2 })
  })

  it('re-indexes a cold document when changes to it arrive, without loading it into the Repo', async () => {
    const chc = new MemoryStore()
    const chcBridge = new DocBridge(new Repo({}), chc, new FakeSealer('CHC'))
    const id = await chcBridge.create<Doc>({ name: 'z' })
    const grant = chcBridge.sealer.grant(id, 'DH')
    await chcBridge.flushWith(id, [grant])
    const dh = new MemoryStore()
    const dhBridge = new DocBridge(new Repo({}), dh, new FakeSealer('DH'))
    await dhBridge.start()
    await dh.putItems(chc.log.map(i => i.bytes))
    await dhBridge.applyReceived(chc.log.map(i => i.bytes))
    expect(dhBridge.doc(id)).toBeUndefined()
    const before = chc.log.length
    await chcBridge.change<Doc>(id, d => {
      d.visits = 7
    })
    const fresh = chc.log.slice(before).map(i => i.bytes)
    const seen: unknown[] = []
    dhBridge.on('doc', (_id, cold) => {
      seen.push(cold === undefined ? 'resident' : { ...(cold as Doc) })
    })
    await dh.putItems(fresh)
    await dhBridge.applyReceived(fresh)
    expect(seen).toEqual([{ name: 'z', visits: 7 }])
    expect(dhBridge.doc(id)).toBeUndefined()
  })

  it('applies received items once a grant arrives, and does not re-seal them', async () => {
    const chc = new MemoryStore()
    const chcBridge = new DocBridge(new Repo({}), chc, new FakeSealer('CHC'))
    const id = await chcBridge.create<Doc>({ name: 'y' })
    await chcBridge.change<Doc>(id, d => {
      d.visits = 2
    })

    const dh = new MemoryStore()
    const dhBridge = new DocBridge(new Repo({}), dh, new FakeSealer('DH'))
    await dhBridge.start()
    const changes = chc.log.map(i => i.bytes)
    await dh.putItems(changes)
    await dhBridge.applyReceived(changes)
    expect(await dhBridge.open(id)).toBeUndefined()

    const grant = chcBridge.sealer.grant(id, 'DH')
    await chcBridge.flushWith(id, [grant])
    await dh.putItems([grant])
    await dhBridge.applyReceived([grant])
    expect(await dhBridge.open<Doc>(id)).toEqual({ name: 'y', visits: 2 })
    const before = dh.log.length
    await dhBridge.flush(id)
    expect(dh.log.length).toBe(before)

    await dhBridge.change<Doc>(id, d => {
      d.visits = 3
    })
    expect(dh.log.length).toBe(before + 1) // its own change only: the grant it received already holds its key
  })

  it('a change that arrives while a browser loads the cold document reaches the browser (ui-referral conflict under load)', async () => {
    const chc = new MemoryStore()
    const chcBridge = new DocBridge(new Repo({}), chc, new FakeSealer('CHC'))
    const id = await chcBridge.create<Doc>({ name: 'w' })
    await chcBridge.flushWith(id, [chcBridge.sealer.grant(id, 'DH')])
    const storage = new SealedStorage()
    const dhRepo = new Repo({ storage })
    const dh = new MemoryStore()
    const dhBridge = new DocBridge(dhRepo, dh, new FakeSealer('DH'))
    // The Repo reads the stored changes, then the load takes its time (a loaded machine).
    let release!: () => void
    const slow = new Promise<void>(resolve => {
      release = resolve
    })
    let read!: () => void
    const hasRead = new Promise<void>(resolve => {
      read = resolve
    })
    storage.loader = async docId => {
      const changes = await dhBridge.storedChanges(docId)
      read()
      await slow
      return changes
    }
    await dhBridge.start()
    await dh.putItems(chc.log.map(i => i.bytes))
    await dhBridge.applyReceived(chc.log.map(i => i.bytes))
    // A browser asks for the cold document (the Repo loads it through SealedStorage); while that
    // load is slow, the CHC's next change arrives and the node's API makes the document resident.
    const found = dhRepo.find<Doc>(id as never)
    await hasRead
    const before = chc.log.length
    await chcBridge.change<Doc>(id, d => {
      d.visits = 9
    })
    const fresh = chc.log.slice(before).map(i => i.bytes)
    await dh.putItems(fresh)
    await dhBridge.applyReceived(fresh)
    const resident = dhBridge.resident<Doc>(id)
    release()
    const handle = await found
    expect(await resident).toBe(handle)
    expect(handle.doc().visits).toBe(9)
  })
})
