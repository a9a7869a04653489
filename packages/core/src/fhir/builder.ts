/**
 * Collects the resources of one document bundle under deterministic `urn:uuid:` fullUrls, and turns
 * them into a DocumentBundle whose Composition is the first entry.
 */
import type { Bundle, BundleEntry, Composition, Reference, Resource } from '@medplum/fhirtypes'
import { ABDM_IG_VERSION, SYSTEM, profileUrl } from './constants.js'
import { deterministicUuid, shortHash, urnUuid } from './uuid.js'

/** A resource of the bundle being built, with the Reference that points at it. */
export interface Added<R extends Resource> {
  resource: R
  ref: Reference<R>
}

/** The resources of one bundle, keyed by fullUrl, in insertion order; adding twice keeps the first. */
export class BundleBuilder {
  private readonly entries = new Map<string, Resource>()

  /**
   * Add a resource under the uuid derived from `key`. `make` receives the uuid (also used as the
   * resource id) and runs only the first time a key is seen, so shared resources are built once.
   */
  add<R extends Resource>(key: readonly string[], make: (id: string) => R): Added<R> {
    const id = deterministicUuid(...key)
    const fullUrl = `urn:uuid:${id}`
    let resource = this.entries.get(fullUrl) as R | undefined
    if (resource === undefined) {
      resource = make(id)
      this.entries.set(fullUrl, resource)
    }
    return { resource, ref: { reference: fullUrl, type: resource.resourceType } as Reference<R> }
  }

  /**
   * The DocumentBundle: Composition first, then every added resource. `key` names the document (it
   * fixes the bundle identifier); the version id is a hash of the content, so it changes exactly when
   * the exported content does.
   */
  document(key: readonly string[], composition: Composition, timestamp: string): Bundle {
    const compositionId = deterministicUuid(...key, 'Composition')
    const entry: BundleEntry[] = [
      { fullUrl: `urn:uuid:${compositionId}`, resource: { ...composition, id: compositionId } }
    ]
    for (const [fullUrl, resource] of this.entries) entry.push({ fullUrl, resource })
    const versionId = shortHash(ABDM_IG_VERSION, JSON.stringify(entry))
    return {
      resourceType: 'Bundle',
      id: deterministicUuid(...key, 'Bundle'),
      meta: {
        versionId,
        lastUpdated: timestamp,
        profile: [profileUrl('DocumentBundle')],
        security: [{ system: SYSTEM.confidentiality, code: 'V', display: 'very restricted' }]
      },
      identifier: { system: 'urn:ietf:rfc:3986', value: urnUuid(...key, 'Bundle') },
      type: 'document',
      timestamp,
      entry
    }
  }
}
