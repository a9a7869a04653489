/** `GET /api/quarantine` and `pagdandi quarantine`: what was refused, from whom, and why. */
import type { QuarantineApi, QuarantinedItem } from '../http/NodeApi.js'
import type { NodeParts } from './parts.js'

/** Received items refused for their content, kept as evidence with their authors. */
export class QuarantineService implements QuarantineApi {
  readonly #parts: Pick<NodeParts, 'quarantine'>

  constructor(parts: Pick<NodeParts, 'quarantine'>) {
    this.#parts = parts
  }

  async list(): Promise<QuarantinedItem[]> {
    return this.#parts.quarantine.list()
  }
}
