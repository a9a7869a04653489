/**
 * Synthetic data generation speed: 100,000 patients as plain data (target: under a minute), and the
 * cost of turning a sample into Automerge documents at each granularity (step, visit, patient). Run: `cd bench && npx tsx --conditions=source src/synth-bench.ts`
 * (plain `npx tsx src/synth-bench.ts` runs against packages/core/dist, which must then be freshly built).
 */
import os from 'node:os'
import * as Automerge from '@automerge/automerge'
import {
  buildPatientBytes,
  buildPatientDoc,
  DEFAULT_GRANULARITY,
  generateFacilities,
  generatePatients,
  type Granularity,
  type SynthPatient
} from '@pagdandi/core/synth'

const SEED = 7
const COUNT = 100_000
const BUILD_SAMPLE = 300

const facilities = generateFacilities(SEED)
const t0 = performance.now()
const patients = generatePatients({ seed: SEED, count: COUNT, facilities })
const genMs = performance.now() - t0
const visits = patients.reduce((s, p) => s + p.visits.length, 0)
const jsonBytes = JSON.stringify(patients).length

// Each granularity twice: as most callers use it (save the document, leave it to the GC) and through
// buildPatientBytes (save and free at once). Rates are wall-clock and process CPU time (the machine is shared).
interface Row {
  granularity: Granularity
  mode: string
  wallMs: number
  cpuMs: number
  bytes: number
}
const rows: Row[] = []
const measure = (granularity: Granularity, mode: string, build: (p: SynthPatient) => Uint8Array): void => {
  const c0 = process.cpuUsage()
  const w0 = performance.now()
  let bytes = 0
  for (const p of patients.slice(0, BUILD_SAMPLE)) bytes += build(p).byteLength
  const cpu = process.cpuUsage(c0)
  rows.push({ granularity, mode, wallMs: performance.now() - w0, cpuMs: (cpu.user + cpu.system) / 1000, bytes })
}
const GRANULARITIES = ['step', 'visit', 'patient'] as const
// Warm-up, so that the first measured granularity does not pay for WebAssembly tier-up.
for (const granularity of GRANULARITIES)
  for (const p of patients.slice(-50)) buildPatientBytes(p, { seed: SEED, granularity })
// Freed runs first: the unfreed documents that follow slow down everything after them.
for (const granularity of GRANULARITIES)
  measure(granularity, 'buildPatientBytes (freed)', p => buildPatientBytes(p, { seed: SEED, granularity }))
for (const granularity of GRANULARITIES)
  measure(granularity, 'buildPatientDoc + save', p => Automerge.save(buildPatientDoc(p, { seed: SEED, granularity })))

const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
console.log(
  `synth-bench ${new Date().toISOString()} on ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`
)
console.log(
  `generatePatients: ${COUNT.toLocaleString('en')} patients (${visits.toLocaleString('en')} visits) in ${(genMs / 1000).toFixed(2)} s = ${Math.round(COUNT / (genMs / 1000)).toLocaleString('en')} patients/s; JSON ${(jsonBytes / COUNT).toFixed(0)} B/patient`
)
console.log(`documents (${BUILD_SAMPLE} patients each, default granularity ${DEFAULT_GRANULARITY}):`)
console.log('| granularity | build | docs/s (wall) | docs/s (CPU) | Automerge.save B/doc |')
console.log('|---|---|---|---|---|')
for (const r of rows) {
  console.log(
    `| ${r.granularity} | ${r.mode} | ${Math.round(BUILD_SAMPLE / (r.wallMs / 1000))} | ${Math.round(BUILD_SAMPLE / (r.cpuMs / 1000))} | ${Math.round(r.bytes / BUILD_SAMPLE)} |`
  )
}
console.log(
  genMs < 60_000 ? 'target met: 100k patients in under a minute' : 'TARGET MISSED: 100k patients took over a minute'
)
