/** Crypto-shredding of one patient on this node (consent withdrawn; SPEC I7.n3). */
import type { PatientId } from '@pagdandi/core/record'
import { NotImplementedError, PatientErasedError, PatientNotFoundError } from '../http/errors.js'
import type { ErasureApi, ErasureReport } from '../http/NodeApi.js'
import type { NodeParts } from './parts.js'

type Parts = Pick<NodeParts, 'store' | 'bridge' | 'sealer' | 'views' | 'replication' | 'log'>

/** Erases patients here. */
export class ErasureService implements ErasureApi {
  readonly #parts: Parts

  constructor(parts: Parts) {
    this.#parts = parts
  }

  /**
   * The document leaves the Repo and the views, every item of it (so every grant that boxes its
   * keys to or from this facility) is deleted from the store, which records the erasure and
   * refuses its items from then on, and every key generation in memory is zeroed. Copies on other
   * nodes remain until they erase too.
   */
  async erase(patientId: PatientId): Promise<ErasureReport> {
    const { store, bridge, sealer, views, replication } = this.#parts
    if (sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    const held = await store.itemsForDoc(patientId)
    if (held.length === 0 && !bridge.knows(patientId)) throw new PatientNotFoundError(patientId)
    if (store.eraseDoc === undefined) throw new NotImplementedError('erasure on this store')
    await bridge.forget(patientId)
    const items = await store.eraseDoc(patientId)
    const generations = sealer.erase(patientId)
    views.refresh(patientId, undefined)
    replication.notify([])
    this.#parts.log('erasure').info(`erased ${patientId}: ${generations} key generations, ${items} items`)
    return { patientId, generations, items }
  }
}
