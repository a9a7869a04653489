/**
 * The seeded scenario of `pnpm sim`: two CHCs, a hub DH that carries for both, two more DHs, full
 * mesh. For a stretch of virtual time, facilities register patients, edit the records they can
 * open, refer them (a grant), while links fail (also one way), frames drop, repeat and reorder,
 * nodes crash (also inside a store write), disks fail writes, nodes are restored from old backups
 * and a DH may be revoked. Then the network heals and runs to quiescence.
 *
 * `SimChecker` judges I3, I4 and acknowledgements during the run; at quiescence this checks
 * convergence (every facility entitled to a document holds the same items of it) and that nothing
 * acknowledged is missing (except what a restore lost before any other node held it, or what only
 * a revoked facility held).
 */
import type { FacilityId, PatientId } from '../record/types.js'
import type { ItemId, StoredItem } from '../sync/types.js'
import { SimChecker, type EntitlementModel, type Violation } from './SimChecker.js'
import type { Frame } from '../sync/frames.js'
import {
  CALM,
  SimNetwork,
  randomPayload,
  type SimFaults,
  type SimNetworkOptions,
  type SimObserver
} from './SimNetwork.js'
import type { SimStore } from './SimStore.js'
import { inspectTestItem, makeTestItem, verifyTestItem } from './testItems.js'

const C1 = 'IN2210000001' as FacilityId
const C2 = 'IN2210000002' as FacilityId
const HUB = 'IN2210000003' as FacilityId
const D1 = 'IN2210000004' as FacilityId
const D2 = 'IN2210000005' as FacilityId
/** Facilities of the scenario; the hub carries for both CHCs and opens nothing. */
export const SIM_FACILITIES: readonly FacilityId[] = [C1, C2, HUB, D1, D2]
const CARRIES = new Map<FacilityId, readonly FacilityId[]>([[HUB, [C1, C2]]])
const AUTHORS: readonly FacilityId[] = [C1, C2, D1, D2]

/** Fault rates while the scenario runs (the network heals to `CALM`). */
export const SIM_FAULTS: SimFaults = {
  drop: 0.01,
  duplicate: 0.2,
  frameDuplicate: 0.002,
  frameReorder: 0.002,
  crashInWrite: 0.004,
  writeError: 0.004,
  minDelay: 5,
  maxDelay: 700
}

/** Options of one scenario run. */
export interface ScenarioOptions {
  /** Virtual ms of activity before healing. */
  duration?: number
  /** What a node's sessions see as its store (a test plants a faulty store here). */
  storeFor?: SimNetworkOptions['storeFor']
  /** Receives one line per scenario action, for reading a failing seed's story. */
  log?: (line: string) => void
  /** Receives one line per frame sent, for reading a failing seed's story frame by frame. */
  frames?: (line: string) => void
}

/** The outcome of one seed. */
export interface ScenarioResult {
  seed: number
  violations: Violation[]
  traceHash: string
  counters: SimNetwork['counters']
  /** Items acknowledged to a writer, documents created, grants made. */
  stats: { acked: number; docs: number; grants: number }
  /** Frames sent, by type: how much of the protocol the seed exercised. */
  frames: Record<string, number>
  /** Whether the end state alone looked right (all a check at quiescence would have seen). */
  endStateOk: boolean
}

/**
 * Entitlement as the checker models it, the rule `computeAccess`/`isEntitled` (core/crypto) apply to
 * real grants: the document's creator (the author of its one self-grant) holds it, and a grant logged
 * at or below `upTo` admits its recipient only when its author holds the document by then (a chain
 * from the creator). A facility is entitled when it holds the document, or carries for one that does;
 * a revoked facility is entitled to nothing and carries for no one.
 */
export function grantModel(
  carries: ReadonlyMap<FacilityId, readonly FacilityId[]>,
  revoked: ReadonlySet<FacilityId>
): EntitlementModel {
  return (store, peer, docId, upTo = Number.MAX_SAFE_INTEGER) => {
    if (revoked.has(peer)) return false
    const held = holders(store, docId, upTo)
    if (held.has(peer)) return true
    return (carries.get(peer) ?? []).some(f => held.has(f) && !revoked.has(f))
  }
}

/** Facilities holding `docId`'s key by the access items `store` logged at or below `upTo`. */
export function holders(store: SimStore, docId: PatientId, upTo = Number.MAX_SAFE_INTEGER): Set<FacilityId> {
  const grants = store
    .doc(docId)
    .filter(it => it.seq <= upTo && it.kind === 'access' && it.grantRecipient !== undefined)
  const creators = new Set(grants.filter(g => g.grantRecipient === g.author).map(g => g.author))
  // Two self-grants: conflicting creators, and nobody holds the document until that is reviewed.
  if (creators.size !== 1) return new Set()
  const held = new Set<FacilityId>(creators)
  for (let grew = true; grew;) {
    grew = false
    for (const g of grants)
      if (held.has(g.author) && !held.has(g.grantRecipient!)) {
        held.add(g.grantRecipient!)
        grew = true
      }
  }
  return held
}

/**
 * What a check at quiescence finds: the run did not settle (liveness); a facility entitled to a
 * document does not hold every item of it that any live node holds (I1); an acknowledged item is
 * nowhere, unless it is `gone`: a restore lost it before any other node held it, or only a
 * revoked facility held it (I2).
 */
export function quiescenceViolations(
  net: SimNetwork,
  model: EntitlementModel,
  acked: ReadonlyMap<ItemId, FacilityId>,
  gone: ReadonlySet<ItemId>,
  revoked: ReadonlySet<FacilityId>
): Violation[] {
  const end: Violation[] = []
  if (!net.quiescent) end.push({ invariant: 'liveness', at: net.now, detail: 'not quiescent an hour after healing' })
  const live = net.nodes().filter(n => !revoked.has(n.facility))
  const docs = new Set(live.flatMap(n => n.store.docIds()))
  for (const docId of docs) {
    const union = new Set<ItemId>()
    for (const n of live) for (const it of n.store.doc(docId)) union.add(it.id)
    for (const n of live) {
      if (!live.some(m => model(m.store, n.facility, docId))) continue
      const held = n.store.doc(docId)
      if (held.length !== union.size) {
        const lacks = [...union].filter(id => !n.store.has(id))
        const at = live.filter(m => lacks.every(id => m.store.has(id))).map(m => m.facility)
        end.push({
          invariant: 'I1',
          at: net.now,
          detail: `${n.facility} holds ${held.length} of ${union.size} items of ${docId}, to which it is entitled (lacks ${lacks.map(id => id.slice(0, 8)).join(' ')}, held by ${at.join(' ') || 'no one node'})`
        })
      }
    }
  }
  for (const [id, writer] of acked) {
    if (gone.has(id) || revoked.has(writer)) continue
    if (!live.some(n => n.store.has(id)))
      end.push({ invariant: 'I2', at: net.now, detail: `item ${id.slice(0, 12)} acknowledged at ${writer} is nowhere` })
  }
  return end
}

/** Run the scenario for one seed. */
export async function runScenario(seed: number, options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const duration = options.duration ?? 30_000
  const revoked = new Set<FacilityId>()
  const model = grantModel(CARRIES, revoked)
  let sim: SimNetwork | undefined
  const checker = new SimChecker(model, inspectTestItem, () => sim?.now ?? 0)
  const net = new SimNetwork({
    seed,
    faults: SIM_FAULTS,
    inspect: inspectTestItem,
    verify: verifyTestItem,
    entitlement: node => async (peer, docId) => model(node.store, peer, docId),
    observer: options.frames === undefined ? checker : tracing(checker, options.frames, () => sim?.now ?? 0),
    ...(options.storeFor === undefined ? {} : { storeFor: options.storeFor })
  })
  sim = net
  for (const f of SIM_FACILITIES) net.addNode(f)
  net.fullMesh()

  const plan = net.prng.fork()
  const act = net.prng.fork()
  const acked = new Map<ItemId, FacilityId>()
  /** Items no live node can get back: a restore lost them first, or only the revoked facility held them. */
  const gone = new Set<ItemId>()
  const backups = new Map<FacilityId, number[]>()
  const stats = { acked: 0, docs: 0, grants: 0 }
  // What a facility may edit and refer: the documents it holds by a chain of grants it holds (a
  // node cannot seal a grant it does not hold, `mayGrant`).
  const opens = (store: SimStore, f: FacilityId): PatientId[] => store.docIds().filter(d => holders(store, d).has(f))
  const author = (): FacilityId | undefined => {
    const f = act.pick(AUTHORS)
    return revoked.has(f) || !net.isUp(f) ? undefined : f
  }
  const write = async (f: FacilityId, items: Uint8Array[]): Promise<void> => {
    let fresh: StoredItem[]
    try {
      fresh = await net.write(f, items)
    } catch {
      return // the disk failed or the node died in the write: nothing was acknowledged
    }
    for (const it of fresh) acked.set(it.id, f)
    stats.acked += fresh.length
    options.log?.(
      `${net.now} ${f} stored ${fresh.map(i => `${i.docId}:${i.id.slice(0, 8)}${i.grantRecipient === undefined ? '' : `>${i.grantRecipient}`}`).join(' ')}`
    )
  }
  const change = (docId: string, f: FacilityId): Uint8Array =>
    makeTestItem({ docId, author: f, payload: randomPayload(act, act.int(20, 300)) })

  for (let t = plan.int(50, 500); t < duration; t += plan.int(100, 1200)) {
    const kind = plan.weighted([
      ['register', 3],
      ['edit', 4],
      ['refer', 2],
      ['partition', 2.5],
      ['crash', 0.4],
      ['backup', 0.3],
      ['restore', 0.25],
      ['revoke', 0.05]
    ] as const)
    net.at(t, async () => {
      const say = (what: string): void => options.log?.(`${net.now} ${kind} ${what}`)
      switch (kind) {
        case 'register': {
          const f = author()
          if (f === undefined) return
          const docId = `p-${seed.toString(36)}-${stats.docs++}`
          await write(f, [
            makeTestItem({ docId, author: f, grantRecipient: f, payload: randomPayload(act, 16) }),
            change(docId, f)
          ])
          return
        }
        case 'edit':
        case 'refer': {
          const f = author()
          if (f === undefined) return
          const mine = opens(net.node(f).store, f)
          if (mine.length === 0) return
          const docId = act.pick(mine)
          if (kind === 'edit') {
            await write(
              f,
              Array.from({ length: act.int(1, 3) }, () => change(docId, f))
            )
            return
          }
          const to = act.pick(SIM_FACILITIES.filter(g => g !== f && g !== HUB))
          stats.grants++
          await write(f, [
            makeTestItem({ docId, author: f, grantRecipient: to, payload: randomPayload(act, 16) }),
            change(docId, f)
          ])
          return
        }
        case 'partition': {
          const [a, b] = act.pick(net.links())
          const mode = act.weighted([
            ['down', 3],
            ['up', 4],
            ['a-deaf', 1.5],
            ['b-deaf', 1.5]
          ] as const)
          say(`${a} ${b} ${mode}`)
          if (mode === 'down' || mode === 'up') net.setLink(a, b, mode === 'up')
          else net.setDirection(mode === 'a-deaf' ? b : a, mode === 'a-deaf' ? a : b, false)
          return
        }
        case 'crash': {
          const f = act.pick(SIM_FACILITIES)
          say(f)
          net.crash(f, act.int(200, 3_000))
          return
        }
        case 'backup': {
          const f = act.pick(SIM_FACILITIES)
          backups.set(f, [...(backups.get(f) ?? []), net.backup(f)])
          return
        }
        case 'restore': {
          const f = act.pick(SIM_FACILITIES)
          const list = backups.get(f)
          if (list === undefined || list.length === 0 || !net.isUp(f)) return
          const at = act.pick(list)
          say(`${f} to journal ${at}`)
          for (const it of await net.restore(f, at)) gone.add(it.id)
          return
        }
        case 'revoke':
          if (revoked.size === 0) {
            say(D2)
            const others = net.nodes().filter(n => n.facility !== D2)
            for (const it of net.node(D2).store.items) if (!others.some(n => n.store.has(it.id))) gone.add(it.id)
            revoked.add(D2)
            net.revoke(D2)
          }
          return
      }
    })
  }
  await net.run(duration)
  net.setFaults(CALM)
  for (const [a, b] of net.links()) net.setLink(a, b, true)
  const horizon = net.now + 3_600_000
  await net.run(horizon)

  const end = quiescenceViolations(net, model, acked, gone, revoked)
  return {
    seed,
    violations: [...checker.violations, ...end],
    traceHash: net.traceHash,
    counters: { ...net.counters },
    stats,
    frames: Object.fromEntries(checker.seen),
    endStateOk: end.length === 0
  }
}

/** The checker, with a line per frame sent written to `line` first. */
function tracing(checker: SimChecker, line: (s: string) => void, now: () => number): SimObserver {
  return {
    sent(from, to, pair, frame) {
      line(`${now()} #${pair} ${from.facility}>${to.facility} ${describeFrame(frame)}`)
      checker.sent(from, to, pair, frame)
    },
    stored: (node, options, fresh) => checker.stored(node, options, fresh)
  }
}

/** A frame in one short line: its type and what it names (item ids shortened). */
function describeFrame(f: Frame): string {
  const short = (b: Uint8Array): string => {
    const h = inspectTestItem(b)
    return `${h.docId}:${h.id.slice(0, 8)}${h.grantRecipient === undefined ? '' : `>${h.grantRecipient}`}`
  }
  switch (f.type) {
    case 'hello':
      return `hello last ${f.lastSeq} cursor ${f.cursor?.seq ?? '-'}`
    case 'batch':
      return `batch ${f.batchNo} upTo ${f.upTo} [${f.items.map(short).join(' ')}]`
    case 'ack':
      return `ack ${f.batchNo}`
    case 'offer':
      return `offer ${f.docId}`
    case 'have':
      return `have ${f.docId} [${f.ids.map(id => id.slice(0, 8)).join(' ')}]`
    case 'summary-request':
      return `summary-request ${f.ranges.map(r => `[${r.lo},${r.hi ?? ''})`).join(' ')}`
    case 'summary':
      return `summary ${f.ranges.map(r => (r.kind === 'fp' ? `[${r.lo},${r.hi ?? ''}):${r.count}` : r.entries.map(e => `${e.docId}:${e.count}`).join(' '))).join(' ')}`
    default:
      return f.type
  }
}

/** Summary of a run of many seeds. */
export interface SeedsSummary {
  run: number
  failed: number
  firstFailure?: ScenarioResult
  ms: number
}

/**
 * Run seeds `from`, `from + 1`, … (`count` of them) of `scenario` (this file's by default); `now` is
 * a millisecond clock for the rate.
 */
export async function runSeeds(
  from: number,
  count: number,
  now: () => number,
  scenario: (seed: number) => Promise<ScenarioResult> = runScenario,
  onResult?: (r: ScenarioResult) => void
): Promise<SeedsSummary> {
  const start = now()
  const summary: SeedsSummary = { run: 0, failed: 0, ms: 0 }
  for (let seed = from; seed < from + count; seed++) {
    const r = await scenario(seed)
    summary.run++
    if (r.violations.length > 0) {
      summary.failed++
      summary.firstFailure ??= r
    }
    onResult?.(r)
  }
  summary.ms = now() - start
  return summary
}
