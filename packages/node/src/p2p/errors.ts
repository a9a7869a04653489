/** Named errors of the libp2p replicator. Messages carry facility and peer ids only. */
import { PagdandiError } from '@pagdandi/core'

/** A sync stream arrived from a peer id that is not a current roster member (the gater should have refused it). */
export class NotAMemberError extends PagdandiError {
  override name = 'NotAMemberError'
  constructor(peerId: string) {
    super('ERR_NOT_A_MEMBER', `peer ${peerId} is not on the roster`)
  }
}

/** The replicator was used before `start()` or after `stop()`. */
export class ReplicatorNotRunningError extends PagdandiError {
  override name = 'ReplicatorNotRunningError'
  /** A failure of this node's own parts: the caller may retry. */
  override readonly status = 503
  constructor() {
    super('ERR_REPLICATOR_NOT_RUNNING', 'replicator is not running')
  }
}
