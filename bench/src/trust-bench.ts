/**
 * Issue 14: honest convergence under attack. The time of a referral CHC → DH (referral created at
 * a CHC connected to the DH until it is in the DH's inbox), over real libp2p on loopback with real LevelDB, three
 * facility nodes in this process, without an attacker and while a member runs each attack. Runs are
 * interleaved (none, poison, bombs, …, then again), so each ratio compares runs made under the same
 * machine load. The attacker is a modified build that pushes over sync what an honest node would
 * not send (pushItems). Prints JSON; bench/README.md records the figures.
 *
 * Run: cd bench && nice -n 19 npx tsx --conditions=source src/trust-bench.ts [--rounds 3] [--attacks poison,bombs]
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { DICTIONARY_V1, documentIdFromBytes } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { sealBomb, sealRawChange } from '@pagdandi/core/testing'
import { FacilityNode, createReplicator, openStore, revokeMember, rosterFile } from '@pagdandi/node'
import { nodeSignatureScheme } from '@pagdandi/node/crypto'
import {
  TEST_SECRET,
  anaemiaReferral,
  attackerSealer,
  loopbackAddress,
  makeNetwork,
  poisonedDocument,
  pushItems,
  registration,
  tempDir
} from '@pagdandi/node/testing'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : Number(process.argv[i + 1])
}
const ROUNDS = arg('rounds', 3)
const [CHC, DH, ATT] = ['IN2210000101', 'IN2210000001', 'IN2210000102'] as FacilityId[]
const never = (i: number, err: Error): never => {
  throw new Error(`bench item ${i} refused by the roster check: ${err.name}`)
}
const ALL_ATTACKS = ['none', 'poison', 'bombs', 'backdating', 'flood', 'quota', 'rival'] as const
type Attack = (typeof ALL_ATTACKS)[number]
/** `--attacks poison,bombs` runs those (and always `none`, the baseline). */
const only = process.argv.includes('--attacks')
  ? process.argv[process.argv.indexOf('--attacks') + 1]!.split(',')
  : undefined
const ATTACKS = ALL_ATTACKS.filter(a => a === 'none' || only === undefined || only.includes(a))
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

async function start(dir: string): Promise<FacilityNode> {
  const node = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: false, openStore, createReplicator })
  await node.start()
  return node
}

/** Decompression bombs granted to the DH: 16 KiB of DEFLATE declaring 16 MiB (refused before inflating). */
function bombs(sealer: Awaited<ReturnType<typeof attackerSealer>>, n: number): Uint8Array[] {
  const body = new Uint8Array(deflateRawSync(new Uint8Array(16 << 20), { level: 9, dictionary: DICTIONARY_V1 }))
  const out: Uint8Array[] = []
  for (let i = 0; i < n; i++) {
    const d = poisonedDocument(sealer, DH)
    const key = sealer.keyring.latest(d.docId)!
    out.push(
      ...d.items.slice(0, 2),
      sealBomb(body, 16 << 20, key, sealer.identity, sealer.roster!.body.version, sealer.scheme)
    )
  }
  return out
}

/** 2,000 silent raw TCP sockets at the DH from 100 loopback addresses, in another process. */
function flood(port: number): { stop: () => void; opened: Promise<void> } {
  const script = fileURLToPath(new URL('../../packages/node/src/testing/silentSockets.mjs', import.meta.url))
  const hosts = Array.from({ length: 100 }, (_, i) => `127.0.0.${10 + i}`).join(',')
  const child = spawn(process.execPath, [script, '127.0.0.1', String(port), '2000', hosts, 'raw'])
  const opened = new Promise<void>(resolve => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('"open"')) resolve()
    })
  })
  return { stop: () => child.stdin.end(), opened }
}

/** One referral's time, with `attack` running at the DH (or at the CHC for a rival genesis). */
async function referralMs(attack: Attack): Promise<number> {
  const root = await tempDir('pagdandi-trust-bench-')
  const { dirs } = await makeNetwork(root, [
    { facility: CHC, name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
    { facility: DH, name: 'DH Jagdalpur', kind: 'DH', addresses: [await loopbackAddress()] },
    { facility: ATT, name: 'CHC Bakawand', kind: 'CHC', addresses: [await loopbackAddress()] }
  ])
  const [chcDir, dhDir, attDir] = dirs as [string, string, string]
  const cleanup: (() => Promise<void> | void)[] = []
  const dh = await start(dhDir)
  const target = dh.roster.current!.body.entries.find(e => e.facility === DH)!
  const dhAddr = `${target.addresses[0]!}/p2p/${target.peerId}`
  const pushAtDh = async (items: Uint8Array[]): Promise<void> => {
    const pusher = await pushItems(attDir, ATT, dhAddr, items, dh.roster.current!.body.version)
    // Not awaited: a member whose items are refused has its batches held (AdmissionBudget), so its
    // push may run on long after the referral; stopping the host ends it.
    void pusher.done.catch(() => {})
    cleanup.push(pusher.stop)
  }
  if (attack === 'poison' || attack === 'bombs') {
    // A modified build pushes these (each granted to the DH) while the referral travels: an honest
    // node names its own poison at start-up and never sends it.
    const sealer = await attackerSealer(attDir)
    await pushAtDh(
      attack === 'poison'
        ? Array.from({ length: 200 }, () => poisonedDocument(sealer, DH).items).flat()
        : bombs(sealer, 60)
    )
    while (((await dh.status.report()).quarantined ?? 0) < 2) await sleep(20)
  }
  if (attack === 'backdating') {
    // The authority revokes the attacker; it keeps sealing changes that claim its old roster, and
    // another member relays them to the DH (a bundle here) while the referral travels.
    const sealer = await attackerSealer(attDir)
    const revoking = await revokeMember(join(root, 'authority'), TEST_SECRET, nodeSignatureScheme(), ATT)
    await dh.roster.accept(rosterFile(revoking))
    const backdated = Array.from({ length: 200 }, () => poisonedDocument(sealer, DH).items).flat()
    const relay = (async () => {
      for (let i = 0; i < backdated.length; i += 60) await dh.bundles.importItems(backdated.slice(i, i + 60), never)
    })()
    cleanup.push(() => relay)
  }
  if (attack === 'flood') {
    const port = Number(
      /tcp\/(\d+)/.exec(dh.roster.current!.body.entries.find(e => e.facility === DH)!.addresses[0]!)![1]
    )
    const f = flood(port)
    await f.opened
    cleanup.push(f.stop)
  }
  if (attack === 'quota') {
    const sealer = await attackerSealer(attDir)
    const junk: Uint8Array[] = []
    for (let d = 0; d < 300; d++) {
      const docId = documentIdFromBytes(new Uint8Array(randomBytes(16)))
      junk.push(...sealer.ensureKey(docId))
      const key = sealer.keyring.latest(docId)!
      for (let c = 0; c < 5; c++)
        junk.push(
          sealRawChange(
            new Uint8Array(randomBytes(2048)),
            key,
            sealer.identity,
            sealer.roster!.body.version,
            sealer.scheme
          )
        )
    }
    const target = dh.roster.current!.body.entries.find(e => e.facility === DH)!
    const pusher = await pushItems(
      attDir,
      ATT,
      `${target.addresses[0]!}/p2p/${target.peerId}`,
      junk,
      dh.roster.current!.body.version
    )
    // Not awaited: a member whose items are refused has its batches held (AdmissionBudget), so its
    // push may run on long after the referral; stopping the host ends it.
    void pusher.done.catch(() => {})
    cleanup.push(pusher.stop)
  }
  const chc = await start(chcDir)
  const { patientId } = await chc.patients.register(registration())
  if (attack === 'rival') {
    // A member that learned the patient's id publishes its own self-grant for it, at the creator.
    await chc.bundles.importItems((await attackerSealer(attDir)).ensureKey(patientId), never)
  }
  // Timed from a connected CHC, so the figure is the referral's travel, not the first dial.
  while (!(await chc.status.report()).peers.some(p => p.facility === DH && p.connected)) await sleep(20)
  const t0 = performance.now()
  await chc.referrals.create(patientId, anaemiaReferral(DH))
  while (!(await dh.referrals.list('incoming')).some(r => r.patientId === patientId)) await sleep(20)
  const ms = performance.now() - t0
  for (const c of cleanup) await c()
  await chc.stop()
  await dh.stop()
  console.error(`  ${attack}: ${Math.round(ms)} ms (load ${loadavg()[0]!.toFixed(1)})`)
  return ms
}

const times = new Map<Attack, number[]>(ATTACKS.map(a => [a, []]))
const load0 = loadavg()
for (let r = 0; r < ROUNDS; r++) {
  console.error(`round ${r + 1} of ${ROUNDS}`)
  for (const a of ATTACKS) times.get(a)!.push(await referralMs(a))
}
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
const base = median(times.get('none')!)
console.log(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      load: { before: load0.map(l => Math.round(l * 10) / 10), after: loadavg().map(l => Math.round(l * 10) / 10) },
      rounds: ROUNDS,
      baselineMs: Math.round(base),
      attacks: Object.fromEntries(
        ATTACKS.filter(a => a !== 'none').map(a => [
          a,
          { medianMs: Math.round(median(times.get(a)!)), ratio: Math.round((median(times.get(a)!) / base) * 100) / 100 }
        ])
      ),
      allMs: Object.fromEntries([...times].map(([a, xs]) => [a, xs.map(Math.round)]))
    },
    null,
    2
  )
)
process.exit(0)
