/**
 * Issue 14, attack 5: silent sockets against a node must not lock members out. Real libp2p on
 * loopback; the attacker is a separate process (its own file descriptors) opening sockets from
 * other loopback addresses (127.0.0.x); the guard's deadlines run on a ManualClock, so "closed
 * after 30 s" is checked by advancing it, not by waiting.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '@pagdandi/core/testing'
import { multiaddr } from '@multiformats/multiaddr'
import { INBOUND_LIMITS, MAX_CONNECTIONS_PER_PEER } from './constants.js'
import { createHost } from './host.js'
import { entry, eventually, heldIds, roster, sealedDoc, useTestNetwork } from './testNetwork.js'

const script = fileURLToPath(new URL('../testing/silentSockets.mjs', import.meta.url))

interface Attack {
  child: ChildProcessWithoutNullStreams
  open: number
  closed: number
  upgraded: number
  settled: boolean
  /** Sockets settled when the last wave ended (see `wave`), and how many of them connected. */
  wave: { settled: number; open: number }
}

/**
 * Start the attacker process: `count` sockets from `hosts` to the node, silent (`raw`) or after a
 * WebSocket upgrade (`ws`); with `wave`, that many at a time, the next when `nextWave` is called.
 */
function attack(port: number, count: number, hosts: string[], mode: 'raw' | 'ws', wave?: number): Attack {
  const args = [script, '127.0.0.1', String(port), String(count), hosts.join(','), mode]
  const child = spawn(process.execPath, wave === undefined ? args : [...args, String(wave)])
  const a: Attack = { child, open: 0, closed: 0, upgraded: 0, settled: false, wave: { settled: 0, open: 0 } }
  createInterface({ input: child.stdout }).on('line', line => {
    const o = JSON.parse(line) as { open?: number; closed?: number; upgraded?: number; wave?: number }
    if (o.wave !== undefined) a.wave = { settled: o.wave, open: o.open ?? 0 }
    else if (o.open !== undefined) {
      a.open = o.open
      a.settled = true
    }
    if (o.closed !== undefined) a.closed = o.closed
    if (o.upgraded !== undefined) a.upgraded = o.upgraded
  })
  return a
}

const loopbacks = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => `127.0.0.${from + i}`)

const net = useTestNetwork()
let attacks: Attack[] = []
// Registered after the network's, so it runs first: the attackers stop before the nodes.
afterEach(() => {
  for (const a of attacks) a.child.stdin.end()
  attacks = []
})

/** A victim that never dials (members must come in through its listener) and two members with a document for it. */
async function network(clock: ManualClock, limits = INBOUND_LIMITS) {
  const [victim, a, b] = await net.facilities(3)
  const r = roster([entry(victim), entry(a), entry(b)])
  const noDial = new Map([
    [a.id.facility, []],
    [b.id.facility, []]
  ])
  const rv = await net.startNode(victim, r, { routes: noDial, inbound: { clock, limits } })
  const docA = sealedDoc(a, r, 5, [victim])
  const docB = sealedDoc(b, r, 5, [victim])
  const members = async () => {
    const ra = await net.startNode(a, r)
    const rb = await net.startNode(b, r)
    await a.store!.putItems(docA.items)
    await b.store!.putItems(docB.items)
    ra.notifyLocalItems()
    rb.notifyLocalItems()
    await eventually(
      async () => (await heldIds(victim.store!)).size === docA.items.length + docB.items.length,
      20_000,
      'the victim receives both members’ documents over connections they dialled in'
    )
  }
  return { victim, rv, members }
}

describe('connection limits that favour members (issue 14, attack 5)', () => {
  it('members connect and replicate while 10 silent WebSocket upgrades are open; the node closes them at its pre-authentication deadline', async () => {
    const clock = new ManualClock(0)
    const { victim, rv, members } = await network(clock)
    // Ten upgrades from ten addresses that never send a Noise byte: libp2p's single limit of ten
    // pending connections was full with them, and members dialling in were refused.
    const a = attack(victim.port, 10, loopbacks(2, 10), 'ws')
    attacks.push(a)
    await eventually(() => a.upgraded === 10, 20_000, 'the ten upgrades answered')
    expect(rv.inboundStats()?.pending).toBe(10)
    await members()
    expect(a.closed).toBe(0)
    clock.advance(INBOUND_LIMITS.preAuthMs)
    await eventually(() => a.closed === 10, 20_000, 'the node closes every silent upgrade')
    expect(rv.inboundStats()).toMatchObject({ pending: 0, timedOut: 10, authenticated: 2 })
  })

  it('members connect and replicate while 2,000 silent raw TCP sockets are opened; per-address cap, a bounded pool, and every silent socket closed', async () => {
    const clock = new ManualClock(0)
    // No places reserved for members' known addresses: the pool's fairness alone must let them in.
    const limits = { ...INBOUND_LIMITS, reserved: 0 }
    const { victim, rv, members } = await network(clock, limits)
    // 2,000 sockets from 100 addresses (20 each), which send nothing, from another process, in
    // waves of 200: each wave is let in before the next, as a burst of 2,000 on a loaded machine
    // overflows the kernel's accept queue and leaves sockets the node never sees.
    const a = attack(victim.port, 2_000, loopbacks(10, 100), 'raw', 200)
    attacks.push(a)
    const seen = (): number => {
      const s = rv.inboundStats()!
      return s.pending + s.refusedPerHost + s.refusedFull + s.evicted
    }
    for (let wave = 200; wave < 2_000; wave += 200) {
      await eventually(
        () => a.wave.settled === wave && seen() === a.wave.open,
        30_000,
        `the node has seen wave ${wave}`
      )
      a.child.stdin.write('next\n')
    }
    await eventually(() => a.settled, 30_000, 'the attacker has opened its sockets')
    await eventually(() => seen() === a.open, 30_000, 'the node has seen every socket')
    const s = rv.inboundStats()!
    // The pool never holds more than its size: the rest were closed as they came.
    expect(s.pending).toBeLessThanOrEqual(limits.pool)
    expect(s.refusedPerHost + s.refusedFull + s.evicted).toBeGreaterThanOrEqual(a.open - limits.pool)
    await members()
    // Nothing silent outlives the deadline: the attacker sees every one of its sockets closed.
    clock.advance(limits.preAuthMs)
    await eventually(() => a.closed === a.open, 30_000, 'every silent socket is closed')
    expect(rv.inboundStats()).toMatchObject({ pending: 0, authenticated: 2 })
  })

  it('one address holds at most `perHost` unauthenticated sockets; the rest are closed on arrival', async () => {
    const clock = new ManualClock(0)
    const { victim, rv, members } = await network(clock)
    const a = attack(victim.port, 50, ['127.0.0.2'], 'raw')
    attacks.push(a)
    await eventually(() => a.closed === 50 - INBOUND_LIMITS.perHost, 20_000, 'all but perHost closed')
    expect(rv.inboundStats()).toMatchObject({
      pending: INBOUND_LIMITS.perHost,
      refusedPerHost: 50 - INBOUND_LIMITS.perHost
    })
    await members()
  })

  it('a member holds at most MAX_CONNECTIONS_PER_PEER connections: more, dialled with its key from other hosts, are closed as they open', async () => {
    const clock = new ManualClock(0)
    const [victim, a] = await net.facilities(2)
    const r = roster([entry(victim), { ...entry(a), addresses: [] }])
    await net.startNode(victim, r, { inbound: { clock } })
    // Four hosts holding the member's libp2p key (a stolen laptop copied), each dialling in.
    const hosts = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const h = await createHost({ privateKey: a.key, listen: [], admit: () => true })
        await h.start()
        return h
      })
    )
    try {
      const target = multiaddr(`/ip4/127.0.0.1/tcp/${victim.port}/ws/p2p/${victim.peerId}`)
      await Promise.allSettled(hosts.map(async h => await h.dial(target)))
      await eventually(
        () => hosts.filter(h => h.getConnections().some(c => c.status === 'open')).length === MAX_CONNECTIONS_PER_PEER,
        20_000,
        `the victim keeps ${MAX_CONNECTIONS_PER_PEER} of the member's 4 connections`
      )
    } finally {
      await Promise.all(hosts.map(async h => await h.stop()))
    }
  })
})
