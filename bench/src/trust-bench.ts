/**
 * Issue 14: what a hostile roster member costs its victim, measured.
 * 1. RSS and CPU of a victim fed a stream of decompression bombs (16 KiB items declaring 16 MiB,
 *    refused before inflating; and bombs at the limit, which inflate to `inflateBound` and fail).
 * 2. Honest convergence under attack: the time of a referral CHC → DH over real libp2p on loopback
 *    (three nodes in this process), alone and while a member streams poisoned documents or bombs
 *    at the DH; the ratio to the time without an attacker.
 * Run: cd bench && npx tsx --conditions=source src/trust-bench.ts [--bombs 200] [--poison 300]
 */
import { deflateRawSync } from 'node:zlib'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { inflateBound } from '@pagdandi/core/crypto'
import { DICTIONARY_V1 } from '@pagdandi/core/crypto'
import type { FacilityId, ReferralInput } from '@pagdandi/core/record'
import { sealBomb } from '@pagdandi/core/testing'
import { FacilityNode, openStore, createReplicator } from '@pagdandi/node'
import {
  TEST_SECRET,
  attackerSealer,
  boundedBomb,
  loopbackAddress,
  makeNetwork,
  poisonedDocument,
  registration,
  tempDir
} from '@pagdandi/node/testing'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : Number(process.argv[i + 1])
}
const BOMBS = arg('bombs', 200)
const POISON = arg('poison', 300)
const [CHC, DH, ATT] = ['IN2210000101', 'IN2210000001', 'IN2210000102'] as FacilityId[]
const mib = (n: number): number => Math.round((n / 2 ** 20) * 10) / 10
const deflate = (raw: Uint8Array): Uint8Array => deflateRawSync(raw, { level: 9, dictionary: DICTIONARY_V1 })
const never = (i: number, err: Error): never => {
  throw new Error(`bench item ${i} refused by the roster check: ${err.name}`)
}
const referral: ReferralInput = {
  to: DH,
  reason: 'Severe anaemia',
  urgency: 'urgent',
  treatmentGiven: 'IFA started',
  transport: '108',
  provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia, unspecified' }
}

async function network(): Promise<string[]> {
  const { dirs } = await makeNetwork(await tempDir('pagdandi-trust-bench-'), [
    { facility: CHC, name: 'CHC Tokapal', kind: 'CHC', addresses: [await loopbackAddress()] },
    { facility: DH, name: 'DH Jagdalpur', kind: 'DH', addresses: [await loopbackAddress()] },
    { facility: ATT, name: 'CHC Bakawand', kind: 'CHC', addresses: [await loopbackAddress()] }
  ])
  return dirs
}

async function bombs(): Promise<Record<string, number>> {
  const [, dhDir, attDir] = await network()
  const victim = await FacilityNode.open({ data: dhDir!, secret: TEST_SECRET, http: false, openStore })
  const sealer = await attackerSealer(attDir!)
  global.gc?.()
  const rss0 = process.memoryUsage().rss
  let peak = rss0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  // Half classic bombs (16 KiB declaring 16 MiB), half at the limit (inflating to the bound).
  const body = deflate(new Uint8Array(16 << 20))
  for (let i = 0; i < BOMBS; i += 10) {
    const items: Uint8Array[] = []
    for (let k = i; k < Math.min(BOMBS, i + 10); k++) {
      if (k % 2 === 0) {
        const d = poisonedDocument(sealer, DH)
        const key = sealer.keyring.latest(d.docId)!
        items.push(...d.items.slice(0, 2), sealBomb(body, 16 << 20, key, sealer.identity, 1, sealer.scheme))
      } else items.push(...boundedBomb(sealer, DH, deflate, inflateBound(64 << 10)).items)
    }
    await victim.bundles.importItems(items, never)
    peak = Math.max(peak, process.memoryUsage().rss)
  }
  const cpu = process.cpuUsage(cpu0)
  const out = {
    bombs: BOMBS,
    rssBeforeMiB: mib(rss0),
    rssPeakMiB: mib(peak),
    rssGrowthMiB: mib(peak - rss0),
    cpuMsPerBomb: Math.round(((cpu.user + cpu.system) / 1000 / BOMBS) * 10) / 10,
    wallMs: Math.round(performance.now() - t0),
    quarantined: (await victim.status.report()).quarantined ?? 0,
    bombBytesMax: body.length
  }
  await victim.stop()
  return out
}

async function start(dir: string): Promise<FacilityNode> {
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: false,
    openStore,
    createReplicator
  })
  await node.start()
  return node
}

/** Time from referral to the DH's inbox, with the attacker's store preloaded with `attack` items. */
async function referralMs(attack: 'none' | 'poison' | 'bombs'): Promise<number> {
  const [chcDir, dhDir, attDir] = await network()
  if (attack !== 'none') {
    const sealer = await attackerSealer(attDir!)
    const items: Uint8Array[] = []
    const n = attack === 'poison' ? POISON : BOMBS
    for (let i = 0; i < n; i++)
      items.push(
        ...(attack === 'poison'
          ? poisonedDocument(sealer, DH).items
          : boundedBomb(sealer, DH, deflate, inflateBound(64 << 10)).items)
      )
    const store = await openStore(join(attDir!, 'items'))
    await store.putItems(items)
    await store.close()
  }
  const dh = await start(dhDir!)
  const att = attack === 'none' ? undefined : await start(attDir!)
  // The referral is made while the attack is under way: the DH has already refused some of it.
  if (attack !== 'none')
    while (((await dh.status.report()).quarantined ?? 0) < 3) await new Promise(r => setTimeout(r, 20))
  const chc = await start(chcDir!)
  const { patientId } = await chc.patients.register(registration())
  const t0 = performance.now()
  await chc.referrals.create(patientId, referral)
  while ((await dh.referrals.list('incoming')).length === 0) await new Promise(r => setTimeout(r, 20))
  const ms = performance.now() - t0
  const quarantined = (await dh.status.report()).quarantined ?? 0
  const total = attack === 'poison' ? POISON : attack === 'bombs' ? BOMBS : 0
  for (const n of [chc, att, dh]) await n?.stop()
  console.error(
    `  referral with attack=${attack}: ${Math.round(ms)} ms (DH had refused ${quarantined} of ${total} when it arrived)`
  )
  return ms
}

const machine = { cpus: cpus().length, load: loadavg().map(l => Math.round(l * 10) / 10), node: process.version }
console.error('bombs…')
const bombResult = await bombs()
console.error('referrals…')
const runs = 3
const median = async (a: 'none' | 'poison' | 'bombs'): Promise<number> => {
  const xs: number[] = []
  for (let i = 0; i < runs; i++) xs.push(await referralMs(a))
  return xs.sort((x, y) => x - y)[Math.floor(runs / 2)]!
}
const base = await median('none')
const poison = await median('poison')
const bomb = await median('bombs')
console.log(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine,
      bombs: bombResult,
      referral: {
        baselineMs: Math.round(base),
        poisonMs: Math.round(poison),
        bombsMs: Math.round(bomb),
        poisonRatio: Math.round((poison / base) * 100) / 100,
        bombsRatio: Math.round((bomb / base) * 100) / 100,
        poisonItems: POISON,
        bombItems: BOMBS
      }
    },
    null,
    2
  )
)
process.exit(0)
