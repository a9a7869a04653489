/**
 * Test fixtures for replicator tests: facilities with real identities, libp2p keys, free loopback
 * ports, a signed roster, LevelDB stores in temp dirs, and sealed documents. Not used outside tests.
 *
 * A test file calls `useTestNetwork()` once at its top level; the facilities and backups it makes
 * are stopped and removed after each test, whether the test passed or failed.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nacl from 'tweetnacl'
import { afterEach } from 'vitest'
import {
  documentIdFromBytes,
  generateIdentity,
  newDocumentKey,
  sealChange,
  sealGrant,
  signRoster,
  verifyRoster,
  type DocumentKey,
  type FacilityIdentity,
  type RosterBody,
  type RosterEntry,
  type VerifiedRoster
} from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { nodeSignatureScheme } from '../crypto/index.js'
import { LevelItemStore } from '../store/LevelItemStore.js'
import { generatePeerKey, peerIdOfKey } from './host.js'
import { cryptoInspector } from './items.js'
import { Replicator, type ReplicatorOptions } from './Replicator.js'

/** The node's fast Ed25519 (node:crypto), as a real node uses. */
export const scheme = nodeSignatureScheme()
const authority = nacl.sign.keyPair()

/** One test facility. */
export interface Fac {
  id: FacilityIdentity
  key: Uint8Array
  peerId: string
  port: number
  dir: string
  store?: LevelItemStore
  rep?: Replicator
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => {
        resolve(typeof addr === 'object' && addr !== null ? addr.port : 0)
      })
    })
  })
}

/** `n` facilities with identities, keys, ports and data dirs. */
async function facilities(n: number): Promise<Fac[]> {
  const out: Fac[] = []
  for (let i = 0; i < n; i++) {
    const key = await generatePeerKey()
    out.push({
      id: generateIdentity(`IN22100000${String(i + 1).padStart(2, '0')}` as FacilityId),
      key,
      peerId: peerIdOfKey(key),
      port: await freePort(),
      dir: await mkdtemp(join(tmpdir(), 'pagdandi-p2p-'))
    })
  }
  return out
}

/** The roster entry of a facility. */
export function entry(f: Fac, carriesFor: Fac[] = []): RosterEntry {
  return {
    facility: f.id.facility,
    name: `Facility ${f.id.facility.slice(-2)}`,
    kind: carriesFor.length > 0 ? 'DH' : 'CHC',
    district: 'Bastar',
    signingKey: f.id.signing.publicKey,
    boxKey: f.id.box.publicKey,
    peerId: f.peerId,
    addresses: [`/ip4/127.0.0.1/tcp/${f.port}/ws`],
    carriesFor: carriesFor.map(c => c.id.facility)
  }
}

/** A signed roster of these entries. */
export function roster(entries: RosterEntry[], version = 1): VerifiedRoster {
  const body: RosterBody = { network: 'p2p-test', version, entries, revocations: [] }
  return verifyRoster(signRoster(body, authority.secretKey, scheme), authority.publicKey, scheme)
}

/** What a test may set on the replicator beyond the facility's own store, key, roster and address. */
export type NodeOptions = Partial<Omit<ReplicatorOptions, 'store' | 'facility' | 'roster' | 'privateKey' | 'listen'>>

/** Open the facility's store if it is closed. */
async function openStore(f: Fac): Promise<LevelItemStore> {
  f.store ??= await LevelItemStore.open(f.dir, cryptoInspector(scheme))
  return f.store
}

/** Open the facility's store and build its replicator, not yet started (to listen for its first frame). */
async function createNode(f: Fac, r: VerifiedRoster, options: NodeOptions = {}): Promise<Replicator> {
  f.rep = new Replicator({
    signatures: scheme,
    backoff: { initialMs: 100, maxMs: 1_000 },
    ...options,
    store: await openStore(f),
    facility: f.id.facility,
    roster: r,
    privateKey: f.key,
    listen: [`/ip4/127.0.0.1/tcp/${f.port}/ws`]
  })
  return f.rep
}

/** Open the facility's store and start its replicator. */
async function startNode(f: Fac, r: VerifiedRoster, options: NodeOptions = {}): Promise<Replicator> {
  const rep = await createNode(f, r, options)
  await rep.start()
  return rep
}

/** Stop the replicator and close the store (the data dir stays). */
async function stopNode(f: Fac): Promise<void> {
  await f.rep?.stop()
  await f.store?.close()
  delete f.rep
  delete f.store
}

/** Stop everything and remove the data dirs. */
async function cleanup(fs: Fac[]): Promise<void> {
  for (const f of fs) {
    await stopNode(f)
    await rm(f.dir, { recursive: true, force: true })
  }
}

type Tuple<N extends number, T, R extends T[] = []> = R['length'] extends N ? R : Tuple<N, T, [...R, T]>

/** Facilities and backups of one test, stopped and removed after it. */
export interface TestNetwork {
  /** `n` facilities with identities, keys, ports and data dirs. */
  facilities<N extends number>(n: N): Promise<Tuple<N, Fac>>
  /** Copy the stopped facility's data dir aside; returns the copy's path. */
  backup(f: Fac): Promise<string>
  /** Replace the stopped facility's data dir with the copy `backup` made, and remove the copy. */
  restore(f: Fac, backup: string): Promise<void>
  /** Open the facility's store if it is closed. */
  openStore(f: Fac): Promise<LevelItemStore>
  /** Open the facility's store and build its replicator, not yet started (to listen for its first frame). */
  createNode(f: Fac, r: VerifiedRoster, options?: NodeOptions): Promise<Replicator>
  /** Open the facility's store and start its replicator. */
  startNode(f: Fac, r: VerifiedRoster, options?: NodeOptions): Promise<Replicator>
  /** Stop the replicator and close the store (the data dir stays). */
  stopNode(f: Fac): Promise<void>
}

/**
 * The test network of one test file: registers an `afterEach` that stops every facility it made and
 * removes their data dirs and backups, also when the test failed. Call it once at the top level.
 */
export function useTestNetwork(): TestNetwork {
  let made: Fac[] = []
  let copies: string[] = []
  afterEach(async () => {
    await cleanup(made)
    for (const dir of copies) await rm(dir, { recursive: true, force: true })
    made = []
    copies = []
  })
  return {
    async facilities<N extends number>(n: N): Promise<Tuple<N, Fac>> {
      const fs = await facilities(n)
      made.push(...fs)
      return fs as Tuple<N, Fac>
    },
    async backup(f) {
      const dir = `${f.dir}-backup`
      copies.push(dir)
      await cp(f.dir, dir, { recursive: true })
      return dir
    },
    async restore(f, backup) {
      await rm(f.dir, { recursive: true, force: true })
      await cp(backup, f.dir, { recursive: true })
      await rm(backup, { recursive: true, force: true })
    },
    openStore,
    createNode,
    startNode,
    stopNode
  }
}

/** A sealed document: the author's self-grant, `changes` sealed changes, and grants to `to` (a random id, the earlier rule, unless given). */
export function sealedDoc(
  author: Fac,
  r: VerifiedRoster,
  changes: number,
  to: Fac[] = [],
  size = 400,
  docId: PatientId = documentIdFromBytes(nacl.randomBytes(16))
): { docId: PatientId; key: DocumentKey; items: Uint8Array[] } {
  const key = newDocumentKey(docId, 0)
  const v = r.body.version
  const items = [sealGrant(key, author.id, entry(author), v, scheme)]
  for (const t of to) items.push(sealGrant(key, author.id, entry(t), v, scheme))
  for (let i = 0; i < changes; i++) items.push(sealChange(nacl.randomBytes(size), key, author.id, v, scheme))
  return { docId, key, items }
}

/** Resolve when `check` holds, polling; reject after `ms`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  ms = 20_000,
  what = 'condition'
): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Item ids a store holds. */
export async function heldIds(s: LevelItemStore): Promise<Set<string>> {
  return new Set((await s.logSince(0, 1e9)).map(i => i.id))
}
