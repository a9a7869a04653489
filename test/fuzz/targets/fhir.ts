/**
 * FHIR import on mutated ABDM document bundles, through the path a node takes: `importBundle`, then
 * a registration from it and `applyImport` into the patient document. Only the importer's named
 * errors may come out of `importBundle`, and a bundle it accepts must register and merge without a
 * stray exception.
 */
import * as A from '@automerge/automerge'
import {
  applyImport,
  exportPatientBundles,
  importBundle,
  InvalidFhirBundleError,
  registrationFromImport,
  UnsupportedFhirDocumentError,
  validateBundle
} from '@pagdandi/core/fhir'
import { createPatientDoc, type FacilityId, type IsoInstant, type PatientDoc } from '@pagdandi/core/record'
import { handBuiltDoc, scopeOf } from '../../../packages/core/src/fhir/test-fixtures.js'
import { expectThat, FuzzFailure, namedOnly, type FuzzTarget } from '../harness.js'
import { mutatedJson } from '../mutate.js'

const ME = 'IN2210000001' as FacilityId
/** The four document kinds exported from a hand-built synthetic patient. */
export const fhirSeeds: unknown[] = exportPatientBundles(scopeOf(handBuiltDoc())).map(d => d.bundle)

/** Imports `bundle` the way FacilityNode.importFhir does, without the node. */
function importLikeANode(bundle: unknown): void {
  let rec
  try {
    rec = importBundle(bundle, { facility: ME, at: '2026-06-01T10:00:00.000Z' })
  } catch (e) {
    if (e instanceof InvalidFhirBundleError || e instanceof UnsupportedFhirDocumentError) return
    throw new FuzzFailure(`importBundle threw ${e instanceof Error ? e.name : typeof e}: ${String(e)}`)
  }
  const ctx = { facility: ME, at: '2026-06-01T10:00:00.000Z' as IsoInstant }
  const doc = namedOnly(() => createPatientDoc(registrationFromImport(rec, ME), ctx))
  if (doc instanceof Error) return
  namedOnly(() => A.change(doc, (d: PatientDoc) => void applyImport(d, rec)))
}

/** The FHIR import target. */
export const fhirTarget: FuzzTarget<unknown> = {
  name: 'fhir-import',
  what: 'importBundle on mutated ABDM bundles (all four kinds), then registration and applyImport',
  arbitrary: () => mutatedJson(fhirSeeds, 3),
  check: bundle => {
    const v = validateBundle(bundle)
    expectThat(typeof v.ok === 'boolean', 'validateBundle gave no verdict')
    importLikeANode(bundle)
  },
  toFixture: x => x,
  fromFixture: x => x
}
