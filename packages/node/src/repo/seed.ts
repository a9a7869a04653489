/**
 * Loading synthetic patients (core/synth) into a node, as if registered and treated here. Used by
 * `pagdandi seed` and the demo. Synthetic referrals are left out: a referral is made through the
 * node, which grants the receiver (a referral without a grant would never be delivered).
 */
import { generateFacilities, generatePatients, buildPatientBytes, type SynthFacility } from '@pagdandi/core/synth'
import type { FacilityId, FacilityKind } from '@pagdandi/core/record'
import type { DocBridge } from './DocBridge.js'

/** Who the synthetic patients are registered at. */
export interface SeedFacility {
  facility: FacilityId
  name: string
  kind: FacilityKind
}

/** Patients sealed per durable batch while seeding. */
const SEED_BATCH = 1000

/**
 * Generates `count` patients with `seed`, stores each as sealed items; returns their ids. With
 * `unique` below `count`, only that many distinct patients are built and the rest repeat them under
 * new document ids and keys (a large corpus for benchmarks in minutes instead of an hour).
 */
export async function seedPatients(
  bridge: DocBridge,
  at: SeedFacility,
  opts: { count: number; seed: number; unique?: number; onProgress?: (done: number, total: number) => void }
): Promise<string[]> {
  const template = generateFacilities(opts.seed).find(f => f.kind === (at.kind === 'DH' ? 'DH' : 'CHC'))!
  // Our own facility in the shape of a synthetic one, with no hub: every visit happens here.
  const me: SynthFacility = { ...template, id: at.facility, name: at.name, kind: at.kind }
  delete me.hub
  const distinct = Math.max(1, Math.min(opts.count, opts.unique ?? opts.count))
  const patients = generatePatients({ seed: opts.seed, count: distinct, facilities: [me] })
  const built: Uint8Array[] = []
  const bytesOf = (i: number): Uint8Array => {
    const k = i % distinct
    if (built[k] === undefined) {
      const p = patients[k]!
      for (const v of p.visits) delete v.referral
      // Saved bytes, not a live document: the builder frees its wasm memory, which keeps seeding fast.
      built[k] = buildPatientBytes(p, { seed: opts.seed })
    }
    const bytes = built[k]!
    // Nothing repeats it, or its copies are done (they come together): let it go.
    if (distinct === opts.count || i + distinct >= opts.count) delete built[k]
    return bytes
  }
  // Copies of one distinct patient go in the same batches, so each is loaded once per batch.
  const order = Array.from({ length: opts.count }, (_, i) => i)
  if (distinct < opts.count) order.sort((a, b) => (a % distinct) - (b % distinct) || a - b)
  const ids: string[] = []
  for (let i = 0; i < opts.count; i += SEED_BATCH) {
    const saved = order.slice(i, i + SEED_BATCH).map(bytesOf)
    // Cold and in one durable batch per SEED_BATCH patients: 100,000 records never sit in memory at once.
    ids.push(...(await bridge.importCold(saved)))
    opts.onProgress?.(ids.length, opts.count)
  }
  return ids
}
