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

/** An unauthenticated socket sent nothing in time, or did not become a member's connection in time. */
export class PreAuthTimeoutError extends PagdandiError {
  override name = 'PreAuthTimeoutError'
  constructor() {
    super('ERR_PRE_AUTH_TIMEOUT', 'connection closed: not authenticated as a roster member in time')
  }
}

/** An unauthenticated socket closed to make room for others in a full pool. */
export class PoolEvictionError extends PagdandiError {
  override name = 'PoolEvictionError'
  constructor() {
    super('ERR_POOL_EVICTION', 'connection closed: too many unauthenticated connections from its address')
  }
}
