/**
 * Synthetic data generation speed: 100,000 patients as plain data (target: under a minute), and the
 * cost of turning a sample into Automerge documents. Run: `cd bench && npx tsx --conditions=source src/synth-bench.ts`
 * (plain `npx tsx src/synth-bench.ts` runs against packages/core/dist, which must then be freshly built).
 */
import os from 'node:os'
import * as Automerge from '@automerge/automerge'
import { buildPatientDoc, generateFacilities, generatePatients } from '@pagdandi/core/synth'

const SEED = 7
const COUNT = 100_000
const BUILD_SAMPLE = 300

const facilities = generateFacilities(SEED)
const t0 = performance.now()
const patients = generatePatients({ seed: SEED, count: COUNT, facilities })
const genMs = performance.now() - t0
const visits = patients.reduce((s, p) => s + p.visits.length, 0)
const jsonBytes = JSON.stringify(patients).length

const t1 = performance.now()
let saved = 0
for (const p of patients.slice(0, BUILD_SAMPLE)) saved += Automerge.save(buildPatientDoc(p, { seed: SEED })).byteLength
const buildMs = performance.now() - t1

const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
console.log(`synth-bench ${new Date().toISOString()} on ${cpu}, ${os.cpus().length} cores, node ${process.version}`)
console.log(`generatePatients: ${COUNT.toLocaleString('en')} patients (${visits.toLocaleString('en')} visits) in ${(genMs / 1000).toFixed(2)} s = ${Math.round(COUNT / (genMs / 1000)).toLocaleString('en')} patients/s; JSON ${(jsonBytes / COUNT).toFixed(0)} B/patient`)
console.log(`buildPatientDoc: ${BUILD_SAMPLE} documents in ${(buildMs / 1000).toFixed(2)} s = ${Math.round(BUILD_SAMPLE / (buildMs / 1000))} docs/s; Automerge.save ${(saved / BUILD_SAMPLE).toFixed(0)} B/doc`)
console.log(genMs < 60_000 ? 'target met: 100k patients in under a minute' : 'TARGET MISSED: 100k patients took over a minute')
