import { afterEach, describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import { Repo, type DocumentId } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { readPatient, wrapStrings, type PatientDoc } from '@pagdandi/core/record'
import { FacilityNode } from '../FacilityNode.js'
import type { NodeStore } from '../ports.js'
import { TEST_SECRET, makeNetwork, memoryStore, registration, staffClient, tempDir } from '../testing/fixtures.js'
import { signedInProxy } from '../testing/headerProxy.js'
import { ApiClient } from '../cli/ApiClient.js'
import { SESSION_ENDED_CLOSE } from './HttpServer.js'
import { SESSION_IDLE_MS } from '../staff/SessionStore.js'

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function startNode(dir: string, store: NodeStore, now?: () => Date): Promise<FacilityNode> {
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: { port: 0 },
    openStore: async () => store,
    ...(now === undefined ? {} : { now })
  })
  await node.start()
  cleanup.push(async () => {
    await node.stop()
  })
  return node
}

/** A browser signed in (a medical officer unless told), with its cookie and its page's Origin on the upgrade. */
async function browser(node: FacilityNode, client?: ApiClient): Promise<Repo> {
  return (await browserAndProxy(node, client)).repo
}

async function browserAndProxy(
  node: FacilityNode,
  client?: ApiClient
): Promise<{ repo: Repo; proxy: Awaited<ReturnType<typeof signedInProxy>> }> {
  const proxy = await signedInProxy(node.url!, client ?? (await staffClient(node)))
  const repo = new Repo({ network: [new WebSocketClientAdapter(proxy.syncUrl)] })
  cleanup.push(async () => {
    await repo.shutdown()
    await proxy.close()
  })
  return { repo, proxy }
}

const sameHeads = (a: string[] | undefined, b: string[]): boolean =>
  a !== undefined && a.length === b.length && a.every(h => b.includes(h))

/** A CHC node with one registered patient, on an in-memory store that outlives restarts. */
async function nodeWithPatient(
  now?: () => Date
): Promise<{ dir: string; store: NodeStore; node: FacilityNode; patientId: string }> {
  const root = await tempDir()
  const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }])
  const store = await memoryStore()
  const node = await startNode(dirs[0]!, store, now)
  const { patientId } = await node.patients.register(registration())
  return { dir: dirs[0]!, store, node, patientId }
}

/** A browser's edit of the patient's name variants; resolves once the node has sealed it. */
async function editAndAwaitSealed(
  node: FacilityNode,
  store: NodeStore,
  patientId: string,
  handle: { change: (fn: (d: PatientDoc) => void) => void; doc: () => PatientDoc }
): Promise<void> {
  const itemsBefore = await store.lastSeq()
  handle.change(d => {
    d.demographics.nameVariants.push(wrapStrings('Somru Markaam'))
  })
  const edited = A.getHeads(handle.doc())
  await expect
    .poll(async () => sameHeads(await node.patients.durableHeads(patientId as never), edited), { timeout: 10_000 })
    .toBe(true)
  expect(await store.lastSeq()).toBe(itemsBefore + 1)
}

describe('browsers over the automerge-repo WebSocket at /sync', () => {
  it('seal a browser edit durably, and a second browser sees it', async () => {
    const { dir, store, node, patientId } = await nodeWithPatient()
    const one = await browser(node)
    const handle = await one.find<PatientDoc>(patientId as unknown as DocumentId)
    expect(readPatient(handle.doc()).demographics.name).toBe('Somaru Markam')
    await editAndAwaitSealed(node, store, patientId, handle)

    const two = await browser(node)
    const seen = await two.find<PatientDoc>(patientId as unknown as DocumentId)
    await expect
      .poll(() => readPatient(seen.doc()).demographics.nameVariants, { timeout: 10_000 })
      .toEqual(['Somru Markaam'])

    // The edit survives a restart: it is in the sealed items, not in any plaintext storage.
    await node.stop()
    const again = await startNode(dir, store)
    expect(readPatient((await again.documents.open<PatientDoc>(patientId))!).demographics.nameVariants).toEqual([
      'Somru Markaam'
    ])
  })

  it('a browser asking for a cold record by id gets it from the sealed items, and its edit is sealed once', async () => {
    const { dir, store, node: first, patientId } = await nodeWithPatient()
    await first.stop()
    const node = await startNode(dir, store)
    expect(node.documents.doc(patientId)).toBeUndefined() // cold after the restart

    const handle = await (
      await browser(node)
    ).find<PatientDoc>(patientId as unknown as DocumentId, {
      signal: AbortSignal.timeout(10_000)
    })
    expect(readPatient(handle.doc()).demographics.name).toBe('Somaru Markam')
    await editAndAwaitSealed(node, store, patientId, handle)
  })
})

describe('the /sync gate of a node started as in production (no test hooks)', () => {
  it('judges each change as the signed-in member of the cookie: a lab technician may not rename, a medical officer may, and the audit log names who', async () => {
    const { node, store, patientId } = await nodeWithPatient()
    const lab = await (
      await browser(node, await staffClient(node, 'lab-technician'))
    ).find<PatientDoc>(patientId as unknown as DocumentId, { signal: AbortSignal.timeout(10_000) })
    const refused = new Promise<string>(resolve => {
      lab.on('ephemeral-message', ({ message }) => {
        const name = (message as { refused?: { name?: string } }).refused?.name
        if (name !== undefined) resolve(name)
      })
    })
    const before = await store.lastSeq()
    lab.change(d => {
      d.demographics.nameVariants.push(wrapStrings('Somru'))
    })
    expect(await refused).toBe('RoleForbiddenError')
    expect(await store.lastSeq()).toBe(before)

    const mo = await (await browser(node)).find<PatientDoc>(patientId as unknown as DocumentId)
    await editAndAwaitSealed(node, store, patientId, mo)
    const audit = await node.staff.audit.entries()
    const mine = (await node.staff.accounts.list()).find(a => a.username === 'medical-officer')!
    expect(audit.filter(e => e.event === 'record.change').map(e => e.actor)).toEqual([mine.staffId])
    expect(audit.filter(e => e.event === 'record.change.refused').map(e => e.detail?.reason)).toEqual([
      'RoleForbiddenError'
    ])
  })
})

describe('a /sync socket does not outlive its session', () => {
  /** A browser of `username` holding the patient, and a promise of the close code of its socket at the node. */
  async function opened(
    node: FacilityNode,
    patientId: string,
    username: string
  ): Promise<{ client: ApiClient; closed: Promise<number> }> {
    const client = await staffClient(node, 'medical-officer', username)
    const before = new Set(node.http!.wss.clients)
    const { repo, proxy } = await browserAndProxy(node, client)
    await repo.find<PatientDoc>(patientId as unknown as DocumentId, { signal: AbortSignal.timeout(10_000) })
    const mine = [...node.http!.wss.clients].filter(ws => !before.has(ws))
    expect(mine).toHaveLength(1)
    // Once the node closed the socket, the way to it goes (the browser's retries would only hear 401).
    const closed = new Promise<number>(resolve => mine[0]!.once('close', code => resolve(code))).then(async code => {
      await proxy.close()
      return code
    })
    return { client, closed }
  }

  it('closes it when the session idles out (the sweep, on the injected clock), when its user signs out, and when an admin disables or signs them out', async () => {
    let t = Date.parse('2026-12-04T09:00:00Z')
    const { node, patientId } = await nodeWithPatient(() => new Date(t))

    const idle = await opened(node, patientId, 'idle.mo')
    const busy = await opened(node, patientId, 'busy.mo')
    t += SESSION_IDLE_MS - 60_000
    expect((await busy.client.call('GET', '/api/status')).status).toBe(200) // used: its timer restarts
    t += 2 * 60_000
    node.staff.sessions.sweep() // what the node's timer runs every SWEEP_MS
    expect(await idle.closed).toBe(SESSION_ENDED_CLOSE)
    expect((await idle.client.call('GET', '/api/session')).status).toBe(401)
    // The socket of the session still in use stays open: it closes on its own sign-out.
    expect(node.http!.wss.clients.size).toBe(1)
    expect((await busy.client.call('DELETE', '/api/session')).status).toBe(200)
    expect(await busy.closed).toBe(SESSION_ENDED_CLOSE)

    const admin = await staffClient(node, 'facility-admin')
    const disabled = await opened(node, patientId, 'gone.mo')
    expect((await admin.call('POST', '/api/staff/gone.mo/disable', {})).status).toBe(200)
    expect(await disabled.closed).toBe(SESSION_ENDED_CLOSE)

    const ended = await opened(node, patientId, 'tablet.mo')
    const out = await admin.call('POST', '/api/staff/tablet.mo/sign-out', {})
    expect(out.json).toMatchObject({ sessionsEnded: 1 })
    expect(await ended.closed).toBe(SESSION_ENDED_CLOSE)
    expect((await ended.client.call('GET', '/api/session')).status).toBe(401)
  })

  it('status polling marked as background keeps no session alive', async () => {
    let t = Date.parse('2026-12-04T09:00:00Z')
    const { node, patientId } = await nodeWithPatient(() => new Date(t))
    const tab = await opened(node, patientId, 'tab.mo')
    for (let i = 0; i < 40; i++) {
      t += 60_000
      const a = await tab.client.call('GET', '/api/status', undefined, { headers: { 'x-pagdandi-background': '1' } })
      if (a.status !== 200) break
    }
    expect(await tab.closed).toBe(SESSION_ENDED_CLOSE)
    expect((await tab.client.call('GET', '/api/session')).status).toBe(401)
  })
})
