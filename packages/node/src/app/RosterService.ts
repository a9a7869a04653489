/**
 * The roster this node trusts: answering `GET /api/roster`, installing a newer signed roster, and
 * rotating the key of every document a revoked facility held (Invariant 7).
 */
import type { VerifiedRoster } from '@pagdandi/core/crypto'
import type { PatientId } from '@pagdandi/core/record'
import { b64, type RosterFile } from '../datadir/DataDir.js'
import { importRoster } from '../keyring/authority.js'
import { planRotation } from '../keyring/rotate.js'
import type { RosterAccepted, RosterApi, RosterEntry } from '../http/NodeApi.js'
import type { NodeParts, RosterState } from './parts.js'

/** Roster entries, roster installation and key rotation. */
export class RosterService implements RosterApi, RosterState {
  readonly #parts: Pick<NodeParts, 'store' | 'bridge' | 'sealer' | 'replication' | 'log' | 'freeze'>
  readonly #dataDir: string
  #current: VerifiedRoster | undefined

  constructor(
    parts: Pick<NodeParts, 'store' | 'bridge' | 'sealer' | 'replication' | 'log' | 'freeze'>,
    dataDir: string,
    roster: VerifiedRoster | undefined
  ) {
    this.#parts = parts
    this.#dataDir = dataDir
    this.#current = roster
  }

  /** The verified roster in force, if one is installed. */
  get current(): VerifiedRoster | undefined {
    return this.#current
  }

  async entries(): Promise<RosterEntry[]> {
    const body = this.#current?.body
    if (body === undefined) return []
    return [
      ...body.entries.map(e => ({ facility: e.facility, name: e.name, kind: e.kind, district: e.district })),
      ...body.revocations.map(r => ({
        facility: r.facility,
        name: r.facility,
        kind: 'CHC' as const,
        district: '',
        revoked: true
      }))
    ]
  }

  /**
   * Installs a newer signed roster (pinned authority, no rollback; also written to the data
   * directory), disconnects revoked facilities and rotates every document key they held.
   */
  async accept(file: RosterFile): Promise<RosterAccepted> {
    const accepted = await importRoster(this.#dataDir, file, this.#parts.sealer.scheme)
    // Freeze what revoked facilities wrote, as held now, before anything else sees the roster.
    await this.#parts.freeze.apply(accepted)
    this.#current = accepted
    this.#parts.sealer.roster = accepted
    await this.#parts.replication.updateRoster(accepted)
    const rotated = await this.rotateRevoked()
    return { version: accepted.body.version, revoked: accepted.body.revocations.map(r => r.facility), rotated }
  }

  /**
   * Adopts a roster a peer sent (protocol 1.1): it must verify under the authority pinned here and
   * be newer, like one the operator imports (`accept`); a rollback, a fork or another authority's
   * roster is refused by name and the session that carried it ends. Resolves with the roster in force.
   */
  async adoptFromPeer(bytes: Uint8Array): Promise<VerifiedRoster> {
    const current = this.#current
    if (current === undefined) throw new TypeError('no roster pinned: a peer roster cannot be adopted')
    const before = current.body.version
    const accepted = await this.accept({ authorityKey: b64.encode(current.authorityKey), roster: b64.encode(bytes) })
    if (accepted.version > before)
      this.#parts.log('roster').info(`adopted roster v${accepted.version} from a peer (was v${before})`)
    return this.#current!
  }

  /**
   * For every document open here whose current key generation a revoked facility holds, seals a
   * rotation and grants to the remaining holders (keyring/rotate.ts); the new key seals every later
   * change. Concurrent rotations by other holders are settled by the bridge (the winner's key).
   * Idempotent, so the node runs it at every start too (a roster may have been installed offline).
   */
  async rotateRevoked(): Promise<number> {
    const roster = this.#current
    if (roster === undefined || roster.body.revocations.length === 0) return 0
    const { store, bridge, sealer } = this.#parts
    let rotated = 0
    for (const docId of bridge.docIds()) {
      const access = (await store.accessItems(docId as PatientId)).map(i => i.bytes)
      const plan = planRotation(sealer, docId as PatientId, access, roster)
      if (plan === undefined) continue
      // Keyring the new key only once the rotation and its grants are stored with pending changes.
      await bridge.flushWith(docId, plan.items, () => {
        sealer.keyring.put(plan.key)
      })
      rotated++
      this.#parts
        .log('roster')
        .info(`rotated ${docId} to generation ${plan.key.generation} (revoked: ${plan.revoked.join(', ')})`)
    }
    return rotated
  }
}
