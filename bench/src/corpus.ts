/**
 * The benchmark corpus: synthetic Bastar patients from `@pagdandi/core/synth`, as plain JSON
 * documents the baselines can load. Building a patient's Automerge history costs ~20 ms, so a
 * corpus is built once and cached on disk (outside the repo); corpora above `UNIQUE_LIMIT`
 * repeat the unique documents under fresh keys (stated in the report).
 */
import { mkdirSync, existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Automerge from '@automerge/automerge'
import { generateFacilities, generatePatients, buildPatientDoc } from '@pagdandi/core/synth'
import { Prng } from '@pagdandi/core/testing'

/** One patient as the baselines see it: a key and the document's JSON. */
export interface CorpusDoc {
  key: string
  doc: Record<string, unknown>
}

/** Largest number of distinct synthetic documents built; bigger corpora reuse them. */
export const UNIQUE_LIMIT = 10_000

/** Where corpora are cached between runs. */
export const CACHE_DIR = join(tmpdir(), 'pagdandi-bench')

/** Path of the cached corpus file (JSON lines) for this seed and size, building it if needed. */
export function corpusFile(count: number, seed: number, log: (s: string) => void = () => {}): string {
  mkdirSync(CACHE_DIR, { recursive: true })
  const file = join(CACHE_DIR, `corpus-${seed}-${count}.jsonl`)
  if (existsSync(file)) return file
  const unique = uniqueDocs(Math.min(count, UNIQUE_LIMIT), seed, log)
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    const base = unique[i % unique.length]!
    const key = i < unique.length ? base.key : `${base.key}x${Math.floor(i / unique.length)}`
    lines.push(JSON.stringify({ key, doc: base.doc }))
  }
  writeFileSync(`${file}.tmp`, lines.join('\n') + '\n')
  renameSync(`${file}.tmp`, file)
  return file
}

function uniqueDocs(count: number, seed: number, log: (s: string) => void): CorpusDoc[] {
  const file = join(CACHE_DIR, `unique-${seed}-${count}.jsonl`)
  if (existsSync(file)) return readCorpus(file)
  // A prefix of the full pool is as good a sample as a pool of its own, and saves rebuilding.
  const pool = join(CACHE_DIR, `unique-${seed}-${UNIQUE_LIMIT}.jsonl`)
  if (existsSync(pool)) return readCorpus(pool).slice(0, count)
  const facilities = generateFacilities(seed)
  const patients = generatePatients({ seed, count, facilities })
  const out: CorpusDoc[] = []
  const t0 = performance.now()
  for (const [i, p] of patients.entries()) {
    out.push({ key: p.key, doc: Automerge.toJS(buildPatientDoc(p, { seed })) as unknown as Record<string, unknown> })
    if (i % 1000 === 999)
      log(`built ${i + 1}/${count} synthetic patients (${Math.round((performance.now() - t0) / 1000)} s)`)
  }
  writeFileSync(file, out.map(d => JSON.stringify(d)).join('\n') + '\n')
  return out
}

/** Read a corpus file. */
export function readCorpus(file: string): CorpusDoc[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(l => l.length > 0)
    .map(l => JSON.parse(l) as CorpusDoc)
}

/** Keys of the `fraction` of documents that a catch-up scenario changes (seeded, without repeats). */
export function changedKeys(keys: readonly string[], fraction: number, seed: number): string[] {
  const prng = new Prng(seed)
  const n = Math.max(1, Math.round(keys.length * fraction))
  const picked = new Set<number>()
  while (picked.size < n) picked.add(prng.int(0, keys.length - 1))
  return [...picked].sort((a, b) => a - b).map(i => keys[i]!)
}

/** The new encounter a catch-up scenario adds to a changed patient (plain JSON, same shape as record's). */
export function newEncounter(key: string, n: number): { id: string; value: Record<string, unknown> } {
  const id = `bench${n.toString(36).padStart(7, '0')}`
  return {
    id,
    value: {
      id,
      kind: 'opd',
      at: '2025-11-01T04:30:00.000Z',
      facility: 'IN2210000001',
      complaints: ['Fever 3 days'],
      diagnoses: {
        [`${id}d`]: {
          id: `${id}d`,
          certainty: 'provisional',
          coding: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B54', display: 'Unspecified malaria' },
          text: `follow-up ${key}`
        }
      },
      prescriptions: {},
      labOrders: {},
      dispensing: {}
    }
  }
}

// `tsx --conditions=source src/corpus.ts 10000` prebuilds a corpus.
if (process.argv[1]?.endsWith('corpus.ts')) {
  const count = Number(process.argv[2] ?? 1000)
  console.log(corpusFile(count, Number(process.argv[3] ?? 1), s => console.log(s)))
}
