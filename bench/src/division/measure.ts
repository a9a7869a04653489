/**
 * What the division run measures while it runs and at quiescence: the timeline of link state and
 * pending items, quiescence itself, each facility's bytes each way, referral latency from link-up,
 * what became of a revoked facility's writes, and the ABHA shares of the load.
 */
import type { FacilityId } from '@pagdandi/core/record'
import { windowsFromTransitions, latencyFromLinkUp, type Holding, type Ledger } from './ledger.js'
import type { LoadDriver } from './driver.js'
import type { PlannedWrite } from './load.js'
import type { DivisionNetwork } from './network.js'
import type { OutageWindow } from '../link/index.js'

/** One point of the timeline. */
export interface Sample {
  atS: number
  linksDown: number
  nodesDown: number
  pendingReferrals: number
  /** Sum over nodes of items their peers are entitled to and have not acknowledged (where known). */
  itemsToSend: number
  outstandingWrites: number
}

interface PeerView {
  facility: FacilityId
  connected: boolean
  itemsToSend: number | null
  itemsToReceive: number | null
}

async function statusOf(net: DivisionNetwork, f: FacilityId): Promise<{ peers: PeerView[] } | undefined> {
  const r = net.nodes.get(f)?.running
  if (r === undefined) return undefined
  return await r.staff.get<{ peers: PeerView[] }>('/api/status').catch(() => undefined)
}

/** Per facility: wire bytes each way through its links, and the sealed-item bytes it sent. */
export interface Traffic {
  out: number
  in: number
  itemBytesOut: number
  syncBytesOut: number
  /** Items this node sealed since its (last) start and their bytes. */
  sealedItems: number
  sealedBytes: number
}

/** A delivered (or not) referral with its latencies, seconds. */
export interface ReferralLatency {
  kind: string
  from: FacilityId
  to: FacilityId
  delivered: boolean
  /** From acknowledgement to the receiver listing it. */
  totalS?: number
  /** From the moment the link (and both nodes) were up after the acknowledgement. */
  afterLinkUpS?: number
}

export const measure = {
  async sample(net: DivisionNetwork, driver: LoadDriver): Promise<Sample> {
    let itemsToSend = 0
    await Promise.all(
      [...net.nodes.keys()].map(async f => {
        const s = await statusOf(net, f)
        for (const p of s?.peers ?? []) itemsToSend += p.itemsToSend ?? 0
      })
    )
    return {
      atS: driver.elapsed() / 1000,
      linksDown: net.links.filter(l => !l.emulator.isUp).length,
      nodesDown: [...net.nodes.values()].filter(n => n.running === undefined).length,
      pendingReferrals: driver.undelivered().length,
      itemsToSend,
      outstandingWrites: driver.outstanding
    }
  },

  /**
   * Waits until every referral is delivered, every write answered, and across every link not
   * touching a revoked facility both ends are connected with nothing to send or receive, twice in
   * a row. Keeps sampling the timeline.
   */
  async quiesce(net: DivisionNetwork, driver: LoadDriver, timeoutMs: number, samples: Sample[]): Promise<boolean> {
    const deadline = performance.now() + timeoutMs
    let calm = 0
    let nextSample = 0
    while (performance.now() < deadline) {
      driver.tick()
      await driver.pollDeliveries()
      if (driver.elapsed() >= nextSample) {
        nextSample = driver.elapsed() + 5000
        samples.push(await measure.sample(net, driver))
      }
      let ok = driver.outstanding === 0 && driver.undelivered().length === 0
      for (const l of net.links) {
        if (!ok) break
        const { dialer, listener } = l.plan
        if (driver.revoked.has(dialer) || driver.revoked.has(listener)) continue
        for (const [a, b] of [
          [dialer, listener],
          [listener, dialer]
        ] as const) {
          const p = (await statusOf(net, a))?.peers.find(x => x.facility === b)
          if (p === undefined || !p.connected || p.itemsToSend !== 0 || p.itemsToReceive !== 0) ok = false
        }
      }
      calm = ok ? calm + 1 : 0
      if (calm >= 2) return true
      await new Promise(resolve => setTimeout(resolve, 1500))
    }
    return false
  },

  async traffic(net: DivisionNetwork): Promise<Map<FacilityId, Traffic>> {
    const out = new Map<FacilityId, Traffic>()
    for (const n of net.nodes.values()) {
      const s = await n.running?.staff
        .get<{
          traffic?: { itemBytesOut: number; bytesOut: number }
          sealed: { items: number; bytes: number }
        }>('/api/status')
        .catch(() => undefined)
      out.set(n.facility, {
        out: 0,
        in: 0,
        itemBytesOut: n.trafficBefore.itemBytesOut + (s?.traffic?.itemBytesOut ?? 0),
        syncBytesOut: n.trafficBefore.bytesOut + (s?.traffic?.bytesOut ?? 0),
        sealedItems: s?.sealed.items ?? 0,
        sealedBytes: s?.sealed.bytes ?? 0
      })
    }
    for (const l of net.links) {
      const st = l.emulator.stats()
      const d = out.get(l.plan.dialer)!
      const t = out.get(l.plan.listener)!
      d.out += st.up.bytes
      d.in += st.down.bytes
      t.out += st.down.bytes
      t.in += st.up.bytes
    }
    return out
  },

  /** Each tracked referral's latency; the path is down while its link is down or either node is. */
  latencies(
    net: DivisionNetwork,
    driver: LoadDriver,
    downs: ReadonlyMap<FacilityId, { at: number; until?: number }[]>
  ): ReferralLatency[] {
    const end = performance.now()
    const nodeDown = (f: FacilityId): OutageWindow[] =>
      (downs.get(f) ?? []).map(d => ({ atMs: d.at, forMs: (d.until ?? end) - d.at }))
    return [...driver.referrals.values()].map(r => {
      const link = net.links.find(
        l =>
          (l.plan.dialer === r.from && l.plan.listener === r.to) ||
          (l.plan.dialer === r.to && l.plan.listener === r.from)
      )
      const down = [
        ...(link === undefined ? [] : windowsFromTransitions(link.emulator.transitions(), end)),
        ...nodeDown(r.from),
        ...nodeDown(r.to)
      ]
      const base = { kind: r.entry.kind, from: r.from, to: r.to, delivered: r.deliveredAt !== undefined }
      if (r.deliveredAt === undefined) return base
      return {
        ...base,
        totalS: (r.deliveredAt - r.createdAt) / 1000,
        afterLinkUpS: latencyFromLinkUp(r.createdAt, r.deliveredAt, down) / 1000
      }
    })
  },

  /** Of a revoked facility's acknowledged registrations: how many its carriers hold. */
  revokedFate(
    ledger: Ledger,
    holdings: ReadonlyMap<FacilityId, ReadonlyMap<string, Holding>>,
    revoked: FacilityId | undefined,
    carriersOf: (f: FacilityId) => FacilityId[]
  ): { facility: FacilityId; registrations: number; heldByCarrier: number; atRevocation?: number } | undefined {
    if (revoked === undefined) return undefined
    const regs = ledger.entries.filter(
      e => e.facility === revoked && e.acknowledged && e.kind.endsWith('registration') && e.patientId !== undefined
    )
    const carriers = carriersOf(revoked)
    const held = regs.filter(e => carriers.some(c => holdings.get(c)?.has(e.patientId!) === true)).length
    return { facility: revoked, registrations: regs.length, heldByCarrier: held }
  },

  /** Share of new registrations carrying an ABHA number, by facility kind. */
  abhaShares(
    writes: readonly PlannedWrite[],
    kindOf: ReadonlyMap<FacilityId, string>
  ): { dh: number; ch: number; chc: number; all: number } {
    const share = (ws: PlannedWrite[]): number =>
      ws.length === 0 ? NaN : ws.filter(w => w.registration?.abhaNumber !== undefined).length / ws.length
    const regs = writes.filter(w => w.kind === 'registration')
    const kind = (k: string): PlannedWrite[] => regs.filter(w => kindOf.get(w.facility) === k)
    return { dh: share(kind('DH')), ch: share(kind('CH')), chc: share(kind('CHC')), all: share(regs) }
  }
}
