/**
 * Crypto throughput and overhead: seal, open and verify for ~1 KB and ~10 KB Automerge changes with
 * the tweetnacl and node:crypto signature schemes side by side; bytes of overhead per item.
 * Run: cd bench && npx tsx src/crypto-bench.ts
 */
import * as Automerge from '@automerge/automerge'
import { cpus, totalmem } from 'node:os'
import {
  identityFromSecrets, newDocumentKey, openItem, sealChange, signRoster, tweetnaclScheme, verifyItem, verifyRoster,
  decodeItem, type SignatureScheme
} from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { nodeSignatureScheme } from '@pagdandi/node/crypto'

const facility = 'IN2210000001' as FacilityId
const id = identityFromSecrets(facility, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2))
const authority = identityFromSecrets('IN2299999999' as FacilityId, new Uint8Array(32).fill(9), new Uint8Array(32).fill(3)).signing
const roster = verifyRoster(signRoster({
  network: 'bench', version: 1, revocations: [],
  entries: [{ facility, name: 'CHC Bakawand', kind: 'CHC', district: 'Bastar', signingKey: id.signing.publicKey, boxKey: id.box.publicKey, peerId: 'p', addresses: [], carriesFor: [] }]
}, authority.secretKey, tweetnaclScheme), authority.publicKey, tweetnaclScheme)
const key = newDocumentKey('4NbenchDocument0000000000000' as PatientId, 0)

/** An Automerge change adding `n` encounters to a patient-like document (synthetic, deterministic). */
function encounterChange (n: number): Uint8Array {
  let doc = Automerge.from<Record<string, unknown>>({ schema: 1, encounters: {} }, { actor: '0123456789abcdef0123456789abcdef' })
  doc = Automerge.change(doc, { time: 0 }, d => {
    const enc = d.encounters as Record<string, unknown>
    for (let i = 0; i < n; i++) {
      enc[`e${i}x7Kq2Lm`] = {
        id: `e${i}x7Kq2Lm`, kind: 'opd', facility, at: `2026-11-${String(10 + (i % 18)).padStart(2, '0')}T09:${String(i % 60).padStart(2, '0')}:00.000Z`,
        complaints: ['fever', 'body ache'], vitals: { systolic: 118 + i % 9, diastolic: 76, pulse: 88, temperature: 38.4, spo2: 97, weight: 52 },
        diagnoses: { [`d${i}`]: { id: `d${i}`, coding: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B50.9', display: 'Plasmodium falciparum malaria' }, text: 'Malaria, RDT positive', certainty: 'confirmed' } },
        prescriptions: { [`p${i}`]: { id: `p${i}`, drug: 'Artemether Lumefantrine tablet', dose: '4 tablets', frequency: 'twice daily', durationDays: 3, route: 'oral' } },
        labOrders: {}, dispensing: {}
      }
    }
  })
  return Automerge.getLastLocalChange(doc)!
}

function rate (fn: () => void, minMs = 1500): number {
  for (let i = 0; i < 20; i++) fn()
  let n = 0
  const t0 = performance.now()
  while (performance.now() - t0 < minMs) { fn(); n++ }
  return n / ((performance.now() - t0) / 1000)
}

const schemes: Array<[string, SignatureScheme]> = [['tweetnacl', tweetnaclScheme], ['node:crypto', nodeSignatureScheme()]]
const changes: Array<[string, Uint8Array]> = [['~1 KB', encounterChange(1)], ['~10 KB', encounterChange(12)]]

console.log(`# Pagdandi crypto bench, ${new Date().toISOString()}`)
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, one core (single thread)\n`)
console.log('| change | raw bytes | item bytes | net overhead | framing (item − compressed payload) | scheme | seal items/s | verify items/s | open items/s | verify+open items/s |')
console.log('|---|---|---|---|---|---|---|---|---|---|')
for (const [label, change] of changes) {
  for (const [name, scheme] of schemes) {
    const item = sealChange(change, key, id, 1, scheme)
    const ct = decodeItem(item).ciphertext.length - 16
    const seal = rate(() => sealChange(change, key, id, 1, scheme))
    const verify = rate(() => verifyItem(item, roster, scheme))
    const open = rate(() => openItem(item, key, undefined, scheme))
    const both = rate(() => { verifyItem(item, roster, scheme); openItem(item, key, undefined, scheme) })
    console.log(`| ${label} | ${change.length} | ${item.length} | ${item.length - change.length} | ${item.length - ct} | ${name} | ${seal.toFixed(0)} | ${verify.toFixed(0)} | ${open.toFixed(0)} | ${both.toFixed(0)} |`)
  }
}
