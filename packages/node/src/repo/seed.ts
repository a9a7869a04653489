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

/** Generates `count` patients with `seed`, stores each as sealed items; returns their ids. */
export async function seedPatients (
  bridge: DocBridge, at: SeedFacility, opts: { count: number, seed: number, onProgress?: (done: number, total: number) => void }
): Promise<string[]> {
  const template = generateFacilities(opts.seed).find(f => f.kind === (at.kind === 'DH' ? 'DH' : 'CHC'))!
  // Our own facility in the shape of a synthetic one, with no hub: every visit happens here.
  const me: SynthFacility = { ...template, id: at.facility, name: at.name, kind: at.kind }
  delete me.hub
  const patients = generatePatients({ seed: opts.seed, count: opts.count, facilities: [me] })
  const ids: string[] = []
  for (const p of patients) {
    for (const v of p.visits) delete v.referral
    // Saved bytes, not a live document: the builder frees its wasm memory, which keeps seeding fast.
    ids.push(await bridge.createFromBytes(buildPatientBytes(p, { seed: opts.seed })))
    opts.onProgress?.(ids.length, patients.length)
  }
  return ids
}
