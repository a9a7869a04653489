/**
 * Crypto throughput and overhead: seal, open and verify for ~1 KB and ~10 KB Automerge changes with
 * the browser ports (tweetnacl + fflate) and the node's (node:crypto, with fflate or node:zlib) side
 * by side; bytes of overhead per item; DEFLATE levels. Rates are wall-clock and per CPU-second (the
 * process's user+system time, so a machine shared with other work does not understate one core).
 * Run: cd bench && npx tsx --conditions=source src/crypto-bench.ts
 */
import * as Automerge from '@automerge/automerge'
import { cpus, loadavg, totalmem } from 'node:os'
import {
  identityFromSecrets,
  newDocumentKey,
  openItem,
  sealChange,
  signRoster,
  tweetnaclScheme,
  verifyItem,
  verifyRoster,
  decodeItem,
  documentIdFromBytes,
  fflateCompression,
  DICTIONARY_V1,
  DEFLATE_LEVEL,
  type Compression,
  type SignatureScheme
} from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { nodeCompression, nodeSignatureScheme } from '@pagdandi/node/crypto'

const facility = 'IN2210000001' as FacilityId
const id = identityFromSecrets(facility, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2))
const authority = identityFromSecrets(
  'IN2299999999' as FacilityId,
  new Uint8Array(32).fill(9),
  new Uint8Array(32).fill(3)
).signing
const roster = verifyRoster(
  signRoster(
    {
      network: 'bench',
      version: 1,
      revocations: [],
      entries: [
        {
          facility,
          name: 'CHC Bakawand',
          kind: 'CHC',
          district: 'Bastar',
          signingKey: id.signing.publicKey,
          boxKey: id.box.publicKey,
          peerId: 'p',
          addresses: [],
          carriesFor: []
        }
      ]
    },
    authority.secretKey,
    tweetnaclScheme
  ),
  authority.publicKey,
  tweetnaclScheme
)
const key = newDocumentKey(documentIdFromBytes(Uint8Array.from({ length: 16 }, (_, i) => i * 17)), 0)

/** An Automerge change adding `n` encounters to a patient-like document (synthetic, deterministic). */
function encounterChange(n: number): Uint8Array {
  let doc = Automerge.from<Record<string, unknown>>(
    { schema: 1, encounters: {} },
    { actor: '0123456789abcdef0123456789abcdef' }
  )
  doc = Automerge.change(doc, { time: 0 }, d => {
    const enc = d.encounters as Record<string, unknown>
    for (let i = 0; i < n; i++) {
      enc[`e${i}x7Kq2Lm`] = {
        id: `e${i}x7Kq2Lm`,
        kind: 'opd',
        facility,
        at: `2026-11-${String(10 + (i % 18)).padStart(2, '0')}T09:${String(i % 60).padStart(2, '0')}:00.000Z`,
        complaints: ['fever', 'body ache'],
        vitals: { systolic: 118 + (i % 9), diastolic: 76, pulse: 88, temperature: 38.4, spo2: 97, weight: 52 },
        diagnoses: {
          [`d${i}`]: {
            id: `d${i}`,
            coding: {
              system: 'http://hl7.org/fhir/sid/icd-10',
              code: 'B50.9',
              display: 'Plasmodium falciparum malaria'
            },
            text: 'Malaria, RDT positive',
            certainty: 'confirmed'
          }
        },
        prescriptions: {
          [`p${i}`]: {
            id: `p${i}`,
            drug: 'Artemether Lumefantrine tablet',
            dose: '4 tablets',
            frequency: 'twice daily',
            durationDays: 3,
            route: 'oral'
          }
        },
        labOrders: {},
        dispensing: {}
      }
    }
  })
  return Automerge.getLastLocalChange(doc)!
}

/** Operations per wall-clock second and per CPU-second of this process. */
function rate(fn: () => void, minMs = 1500): { wall: number; cpu: number } {
  for (let i = 0; i < 20; i++) fn()
  let n = 0
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  while (performance.now() - t0 < minMs) {
    fn()
    n++
  }
  const wall = (performance.now() - t0) / 1000
  const c = process.cpuUsage(c0)
  return { wall: n / wall, cpu: n / ((c.user + c.system) / 1e6) }
}

const f0 = (r: { wall: number; cpu: number }): string => `${r.wall.toFixed(0)} (${r.cpu.toFixed(0)})`

const configs: Array<[string, SignatureScheme, Compression]> = [
  ['tweetnacl + fflate (browser)', tweetnaclScheme, fflateCompression],
  ['node:crypto + fflate', nodeSignatureScheme(), fflateCompression],
  ['node:crypto + node:zlib (node)', nodeSignatureScheme(), nodeCompression()]
]
const changes: Array<[string, Uint8Array]> = [
  ['~1 KB', encounterChange(1)],
  ['~10 KB', encounterChange(12)]
]

console.log(`# Pagdandi crypto bench, ${new Date().toISOString()}`)
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg()[0]!.toFixed(1)}, Node ${process.version}, one core (single thread)`
)
console.log('rates: items/s wall-clock (items per CPU-second)\n')
console.log('| change | raw bytes | item bytes | net overhead | framing | ports | seal | verify | open | verify+open |')
console.log('|---|---|---|---|---|---|---|---|---|---|')
for (const [label, change] of changes) {
  for (const [name, scheme, compression] of configs) {
    const item = sealChange(change, key, id, 1, scheme, compression)
    const ct = decodeItem(item).ciphertext.length - 16
    const seal = rate(() => sealChange(change, key, id, 1, scheme, compression))
    const verify = rate(() => verifyItem(item, roster, scheme))
    const open = rate(() => openItem(item, key, undefined, scheme, compression))
    const both = rate(() => {
      verifyItem(item, roster, scheme)
      openItem(item, key, undefined, scheme, compression)
    })
    console.log(
      `| ${label} | ${change.length} | ${item.length} | ${item.length - change.length} | ${item.length - ct} | ${name} | ${f0(seal)} | ${f0(verify)} | ${f0(open)} | ${f0(both)} |`
    )
  }
}

// DEFLATE level (node:zlib; fflate at the core default for reference): bytes on the wire against CPU.
console.log('\n| change | port, level | compressed bytes | deflate/s | inflate/s |')
console.log('|---|---|---|---|---|')
for (const [label, change] of changes) {
  const ports: Array<[string, Compression]> = [
    [`fflate, ${DEFLATE_LEVEL}`, fflateCompression],
    ...[1, 6, 9].map(l => [`node:zlib, ${l}`, nodeCompression({ level: l })] as [string, Compression])
  ]
  for (const [name, port] of ports) {
    const z = port.deflate(change, DICTIONARY_V1)
    console.log(
      `| ${label} | ${name} | ${z.length} | ${f0(rate(() => port.deflate(change, DICTIONARY_V1), 700))} | ${f0(rate(() => port.inflate(z, DICTIONARY_V1, change.length), 700))} |`
    )
  }
}
