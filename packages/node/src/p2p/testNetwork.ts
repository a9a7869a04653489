/**
 * Test fixtures for replicator tests: facilities with real identities, libp2p keys, free loopback
 * ports, a signed roster, LevelDB stores in temp dirs, and sealed documents. Not used outside tests.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nacl from 'tweetnacl'
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
export async function facilities(n: number): Promise<Fac[]> {
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

/** Open the facility's store and start its replicator. */
export async function startNode(
  f: Fac,
  r: VerifiedRoster,
  routes?: ReadonlyMap<string, readonly string[]>,
  more: Partial<ReplicatorOptions> = {}
): Promise<Replicator> {
  f.store ??= await LevelItemStore.open(f.dir, cryptoInspector(scheme))
  f.rep = new Replicator({
    store: f.store,
    facility: f.id.facility,
    roster: r,
    signatures: scheme,
    privateKey: f.key,
    listen: [`/ip4/127.0.0.1/tcp/${f.port}/ws`],
    backoff: { initialMs: 100, maxMs: 1_000 },
    ...(routes === undefined ? {} : { routes }),
    ...more
  })
  await f.rep.start()
  return f.rep
}

/** Stop the replicator and close the store (the data dir stays). */
export async function stopNode(f: Fac): Promise<void> {
  await f.rep?.stop()
  await f.store?.close()
  delete f.rep
  delete f.store
}

/** Stop everything and remove the data dirs. */
export async function cleanup(fs: Fac[]): Promise<void> {
  for (const f of fs) {
    await stopNode(f)
    await rm(f.dir, { recursive: true, force: true })
  }
}

/** A sealed document: the author's self-grant, `changes` sealed changes, and grants to `to`. */
export function sealedDoc(
  author: Fac,
  r: VerifiedRoster,
  changes: number,
  to: Fac[] = [],
  size = 400
): { docId: PatientId; key: DocumentKey; items: Uint8Array[] } {
  const docId = documentIdFromBytes(nacl.randomBytes(16))
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
