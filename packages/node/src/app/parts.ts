/**
 * The parts `FacilityNode` builds and hands to its application services. Each service takes only
 * the parts it names, so a service is a few lines of policy over ports that are tested on their own.
 */
import type { LogNamespace, Logger } from '../log.js'
import type { VerifiedRoster } from '@pagdandi/core/crypto'
import type { ChangeContext } from '@pagdandi/core/record'
import type { FacilityFile } from '../datadir/DataDir.js'
import type { ItemSealer } from '../crypto/ItemSealer.js'
import type { RevocationFreeze } from '../keyring/RevocationFreeze.js'
import type { NodeStore } from '../ports.js'
import type { DocBridge } from '../repo/DocBridge.js'
import type { DocIndex } from '../repo/DocIndex.js'
import type { Quarantine } from '../repo/Quarantine.js'
import type { RecordViews } from '../repo/RecordViews.js'
import type { EntitlementGate } from '../repo/quota.js'
import type { AdmitItems } from '@pagdandi/core/sync'
import type { Replication } from './Replication.js'

/** The roster this node currently trusts (replaced by `RosterService.accept`). */
export interface RosterState {
  readonly current: VerifiedRoster | undefined
}

/** Everything the services are built from. */
export interface NodeParts {
  /** This node's own facility (facility.json): its id, name and kind. */
  self: FacilityFile
  store: NodeStore
  bridge: DocBridge
  sealer: ItemSealer
  views: RecordViews
  roster: RosterState
  replication: Replication
  /** Received items refused for their content, kept as evidence. */
  quarantine: Quarantine
  /** Items of revoked facilities held when each revocation was adopted (the only ones accepted). */
  freeze: RevocationFreeze
  now: () => Date
  /** Received items wait here for a grant when this node may neither open nor carry them (quotas). */
  gate: EntitlementGate
  /** Admission of received items (repo/admission.ts), the same for sync and bundles. */
  admit: AdmitItems
  /** The node's loggers, one a namespace; never given patient data. */
  log: (namespace: LogNamespace) => Logger
  /** The persisted document index (absent on a store that cannot hold one). */
  docIndex?: DocIndex
}

/** Who writes a change here, and when. */
export function changeContext(parts: Pick<NodeParts, 'self' | 'now'>): ChangeContext {
  return { facility: parts.self.facility, at: parts.now().toISOString() }
}
