/**
 * The simulation with the node layer in it: every facility seals real Automerge changes through its
 * `ItemSealer` into its store via a `DocBridge` (over a storage-less automerge-repo `Repo`, as the
 * facility node runs it), applies what it receives through the bridge, and judges entitlement with
 * the replicator's `EntitlementCache` over real grants. A crash or a restore rebuilds the sealer,
 * the Repo and the bridge from the store, as a process restart does. The hub carries for both CHCs:
 * it stores their items and can open none of them.
 *
 * The network, its faults and the checker are core's (`@pagdandi/core/testing`). The schedule is
 * seeded; the bytes are not, by design: Automerge actor ids and sealing nonces come from the system
 * CSPRNG, so a seed replays the same story but not the same trace hash.
 */
import * as A from '@automerge/automerge'
import { Repo } from '@automerge/automerge-repo'
import nacl from 'tweetnacl'
import {
  computeAccess,
  decodeItemHeader,
  generateIdentity,
  isEntitled,
  Keyring,
  signRoster,
  verifyRoster,
  type FacilityIdentity,
  type RosterEntry,
  type VerifiedRoster
} from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import type { ItemId, StoredItem } from '@pagdandi/core/sync'
import {
  CALM,
  quiescenceViolations,
  SimChecker,
  SimNetwork,
  SIM_FAULTS,
  type EntitlementModel,
  type SimNodeView,
  type Violation
} from '@pagdandi/core/testing'
import { nodeSignatureScheme } from '../crypto/index.js'
import { ItemSealer } from '../crypto/ItemSealer.js'
import { EntitlementCache } from '../p2p/entitlement.js'
import { generatePeerKey, peerIdOfKey } from '../p2p/host.js'
import { cryptoInspector, cryptoVerifier } from '../p2p/items.js'
import { DocBridge } from '../repo/DocBridge.js'

const scheme = nodeSignatureScheme()
const CHC1 = 'IN2210000011' as FacilityId
const CHC2 = 'IN2210000012' as FacilityId
const HUB = 'IN2210000013' as FacilityId
const DH = 'IN2210000014' as FacilityId
const FACILITIES: readonly FacilityId[] = [CHC1, CHC2, HUB, DH]
const CARRIES = new Map<FacilityId, readonly FacilityId[]>([[HUB, [CHC1, CHC2]]])
const AUTHORS: readonly FacilityId[] = [CHC1, CHC2, DH]

/** A record small enough to simulate many of: visits keyed by random id, as the patient document keys its entries. */
interface SimRecord {
  visits: Record<string, string>
}

interface Facility {
  identity: FacilityIdentity
  sealer: ItemSealer
  bridge: DocBridge
  cache: EntitlementCache
}

/** The outcome of one seed of the node-layer scenario. */
export interface NodeScenarioResult {
  seed: number
  violations: Violation[]
  counters: SimNetwork['counters']
  stats: { acked: number; docs: number; grants: number; applied: number }
}

async function rosterOf(ids: Map<FacilityId, FacilityIdentity>): Promise<VerifiedRoster> {
  const authority = nacl.sign.keyPair()
  const entries: RosterEntry[] = []
  for (const [facility, id] of ids) {
    entries.push({
      facility,
      name: `Facility ${facility.slice(-2)}`,
      kind: facility === HUB || facility === DH ? 'DH' : 'CHC',
      district: 'Bastar',
      signingKey: id.signing.publicKey,
      boxKey: id.box.publicKey,
      peerId: peerIdOfKey(await generatePeerKey()),
      addresses: [],
      carriesFor: [...(CARRIES.get(facility) ?? [])]
    })
  }
  const body = { network: 'sim', version: 1, entries, revocations: [] }
  return verifyRoster(signRoster(body, authority.secretKey, scheme), authority.publicKey, scheme)
}

/** Run the node-layer scenario for one seed: `duration` virtual ms of activity, then healing. */
export async function runNodeScenario(seed: number, duration = 20_000): Promise<NodeScenarioResult> {
  const ids = new Map(FACILITIES.map(f => [f, generateIdentity(f)]))
  const roster = await rosterOf(ids)
  const inspect = cryptoInspector(scheme)
  // The checker judges entitlement by the access rules themselves (computeAccess, isEntitled) over
  // the sender's stored grants, apart from the replicator's cache and the session's use of it.
  const model: EntitlementModel = (store, peer, docId, upTo = Number.MAX_SAFE_INTEGER) => {
    const grants = store.doc(docId).filter(i => i.kind === 'access' && i.seq <= upTo)
    if (grants.length === 0) return false
    try {
      const access = computeAccess(
        docId,
        grants.map(i => ({ id: i.id, header: decodeItemHeader(i.bytes) }))
      )
      return isEntitled(access, roster, peer)
    } catch {
      return false
    }
  }
  let net: SimNetwork | undefined
  const checker = new SimChecker(model, inspect, () => net?.now ?? 0)
  const facilities = new Map<FacilityId, Facility>()
  const stats = { acked: 0, docs: 0, grants: 0, applied: 0 }
  /** A process start: keys are learned again from the stored grants, documents rebuilt from items. */
  const boot = async (node: SimNodeView): Promise<void> => {
    const identity = ids.get(node.facility)!
    const sealer = new ItemSealer(new Keyring(identity), roster, scheme)
    const bridge = new DocBridge(new Repo({}), node.store, sealer)
    const cache = new EntitlementCache(node.store, () => roster)
    bridge.on('error', () => {})
    // As the facility node wires them: every sealed batch tells the replicator at once.
    bridge.on('sealed', items => {
      cache.invalidate(items)
      net?.notify(node.facility)
    })
    await bridge.start()
    facilities.set(node.facility, { identity, sealer, bridge, cache })
  }
  net = new SimNetwork({
    seed,
    faults: SIM_FAULTS,
    inspect,
    verify: cryptoVerifier(() => roster, scheme),
    entitlement: node => (peer, docId) => facilities.get(node.facility)!.cache.entitled(peer, docId),
    observer: checker,
    onItems: async (node, items) => {
      const f = facilities.get(node.facility)!
      f.cache.invalidate(items)
      await f.bridge.applyReceived(items.map(i => i.bytes))
      stats.applied += items.length
    },
    onSessionError: node => {
      facilities.get(node.facility)?.cache.clear()
    },
    onRestart: boot
  })
  const sim = net
  for (const f of FACILITIES) await boot(sim.addNode(f))
  sim.fullMesh()

  const plan = sim.prng.fork()
  const act = sim.prng.fork()
  const acked = new Map<ItemId, FacilityId>()
  const gone = new Set<ItemId>()
  const backups = new Map<FacilityId, number[]>()
  /** Run a local action whose items the bridge seals into the store; only what it stored is acknowledged. */
  const local = async (f: FacilityId, work: (x: Facility) => Promise<void>): Promise<void> => {
    const x = facilities.get(f)!
    const before = new Set(sim.node(f).store.items.map(i => i.id))
    try {
      await work(x)
    } catch {
      return // the store failed or the node died in the write: nothing acknowledged
    }
    const fresh: StoredItem[] = sim.node(f).store.items.filter(i => !before.has(i.id))
    for (const it of fresh) acked.set(it.id, f)
    stats.acked += fresh.length
  }
  for (let t = plan.int(50, 500); t < duration; t += plan.int(200, 1500)) {
    const kind = plan.weighted([
      ['register', 3],
      ['edit', 4],
      ['refer', 2],
      ['partition', 2.5],
      ['crash', 0.4],
      ['backup', 0.3],
      ['restore', 0.25]
    ] as const)
    sim.at(t, async () => {
      const f = act.pick(kind === 'register' || kind === 'edit' || kind === 'refer' ? AUTHORS : FACILITIES)
      if (!sim.isUp(f)) return
      switch (kind) {
        case 'register':
          stats.docs++
          await local(f, async x => {
            await x.bridge.create<SimRecord>({ visits: { [`v${act.int(0, 1e9)}`]: `registered at ${f}` } })
          })
          return
        case 'edit':
        case 'refer': {
          const open = facilities.get(f)!.bridge.docIds()
          if (open.length === 0) return
          const docId = act.pick(open)
          const note = `v${act.int(0, 1e9)}`
          if (kind === 'edit') {
            await local(f, async x => {
              await x.bridge.change<SimRecord>(docId, d => {
                d.visits[note] = `seen at ${f}`
              })
            })
            return
          }
          const to = act.pick(FACILITIES.filter(g => g !== f && g !== HUB))
          stats.grants++
          await local(f, async x => {
            await x.bridge.change<SimRecord>(docId, d => {
              d.visits[note] = `referred to ${to}`
            })
            await x.bridge.flushWith(docId, x.sealer.grantAll(docId, to))
          })
          return
        }
        case 'partition': {
          const [a, b] = act.pick(sim.links())
          const mode = act.weighted([
            ['down', 3],
            ['up', 4],
            ['a-deaf', 1.5],
            ['b-deaf', 1.5]
          ] as const)
          if (mode === 'down' || mode === 'up') sim.setLink(a, b, mode === 'up')
          else sim.setDirection(mode === 'a-deaf' ? b : a, mode === 'a-deaf' ? a : b, false)
          return
        }
        case 'crash':
          sim.crash(f, act.int(200, 3_000))
          return
        case 'backup':
          backups.set(f, [...(backups.get(f) ?? []), sim.backup(f)])
          return
        case 'restore': {
          const list = backups.get(f)
          if (list === undefined || list.length === 0) return
          for (const it of await sim.restore(f, act.pick(list))) gone.add(it.id)
          return
        }
      }
    })
  }
  await sim.run(duration)
  sim.setFaults(CALM)
  for (const [a, b] of sim.links()) sim.setLink(a, b, true)
  await sim.run(sim.now + 3_600_000)

  const violations = [...checker.violations, ...quiescenceViolations(sim, model, acked, gone, new Set())]
  // I1 at the record level: every facility that can open a document rebuilds the same heads from its items.
  const hub = facilities.get(HUB)!
  if (hub.bridge.docIds().length > 0)
    violations.push({
      invariant: 'I4',
      at: sim.now,
      detail: `the hub opened ${hub.bridge.docIds().length} documents it only carries`
    })
  const heads = new Map<string, string>()
  for (const f of FACILITIES) {
    const x = facilities.get(f)!
    for (const docId of x.bridge.docIds()) {
      const bytes = await x.bridge.storedChanges(docId)
      const doc = A.load<SimRecord>(bytes ?? new Uint8Array())
      const h = A.getHeads(doc).sort().join(',')
      A.free(doc)
      const seen = heads.get(docId)
      if (seen === undefined) heads.set(docId, h)
      else if (seen !== h)
        violations.push({ invariant: 'I1', at: sim.now, detail: `${f} rebuilds other heads of ${docId as PatientId}` })
    }
  }
  return { seed, violations, counters: { ...sim.counters }, stats }
}
