import type { FacilityId, PatientId } from '../record/types.js'
import { GrantConflictError } from './errors.js'
import { isAccessKind } from './notice.js'
import { NOTICE_STREAM } from './noticeStream.js'
import { rosterEntry } from './roster.js'
import type { DocumentAccess, HeaderWithId, ItemId, VerifiedRoster } from './types.js'

/**
 * Who holds which key generation of one document, from its (already verified) grant and rotation
 * items. The result does not depend on the order the items arrived in:
 *
 * 1. Generation 0 is created by a self-grant (granter = recipient). Two different self-granting
 *    facilities are a GrantConflictError: the document needs review and nobody is entitled.
 * 2. Generation g > 0 starts with a rotation by a holder of g − 1. If several holders rotated
 *    concurrently, the rotation with the smallest item id wins and the others are `superseded`.
 * 3. Within a generation, a grant counts only if its granter already holds that generation
 *    (repeated to a fixpoint). Anything else is `unauthorised`: a grant by someone who may not grant.
 */
export function computeAccess(docId: PatientId, items: HeaderWithId[]): DocumentAccess {
  const mine = items.filter(i => i.header.docId === docId && isAccessKind(i.header.kind))
  const access: DocumentAccess = { docId, creator: undefined, holders: new Map(), latestGeneration: 0, rejected: [] }
  const creators = new Set(
    mine
      .filter(i => i.header.kind === 'grant' && i.header.generation === 0 && i.header.recipient === i.header.author)
      .map(i => i.header.author)
  )
  if (creators.size > 1)
    throw new GrantConflictError(`document ${docId}: ${creators.size} facilities claim to have created it`)
  access.creator = [...creators][0]
  const byGen = new Map<number, HeaderWithId[]>()
  for (const i of mine) {
    const list = byGen.get(i.header.generation) ?? []
    list.push(i)
    byGen.set(i.header.generation, list)
  }
  const admitted = new Set<ItemId>()
  for (const g of [...byGen.keys()].sort((a, b) => a - b)) {
    const list = byGen.get(g)!
    let seed: FacilityId | undefined
    if (g === 0) seed = access.creator
    else {
      const previous = access.holders.get(g - 1)
      const rotations = list
        .filter(i => i.header.kind === 'rotation')
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      const valid = rotations.filter(i => previous?.has(i.header.author) === true)
      const winner = valid[0]
      if (winner !== undefined) {
        seed = winner.header.author
        admitted.add(winner.id)
        access.latestGeneration = g
      }
      for (const r of rotations)
        if (r !== winner) access.rejected.push({ id: r.id, reason: valid.includes(r) ? 'superseded' : 'unauthorised' })
    }
    const holders = new Set<FacilityId>()
    if (seed !== undefined) holders.add(seed)
    const grants = list.filter(i => i.header.kind === 'grant')
    for (let changed = true; changed;) {
      changed = false
      for (const gr of grants) {
        if (admitted.has(gr.id) || !holders.has(gr.header.author)) continue
        admitted.add(gr.id)
        holders.add(gr.header.recipient!)
        changed = true
      }
    }
    for (const gr of grants) if (!admitted.has(gr.id)) access.rejected.push({ id: gr.id, reason: 'unauthorised' })
    if (holders.size > 0) access.holders.set(g, holders)
  }
  return access
}

/**
 * `computeAccess` where two facilities self-granted generation 0 (a rival genesis, issue 14 attack
 * 7): the first self-grant in `items` (log order: the one this node stored first) is the creator
 * and the others are ignored, as node admission refuses every later one. A document is created
 * with its self-grant, so a rival, which needs the id first, comes later wherever the real one
 * travelled; a node that stored such a conflict before that rule keeps replicating the document
 * instead of entitling nobody. Without a conflict this is `computeAccess`.
 */
export function accessFirstCreator(docId: PatientId, items: HeaderWithId[]): DocumentAccess {
  const selfGrant = (i: HeaderWithId): boolean =>
    i.header.kind === 'grant' && i.header.generation === 0 && i.header.recipient === i.header.author
  const first = items.find(i => i.header.docId === docId && selfGrant(i))
  return computeAccess(
    docId,
    items.filter(i => !selfGrant(i) || i.header.author === first?.header.author)
  )
}

/** True if `facility` holds generation `generation` and so may grant it. */
export function mayGrant(access: DocumentAccess, facility: FacilityId, generation: number): boolean {
  return access.holders.get(generation)?.has(facility) === true
}

/** Facilities holding the latest generation: who a rotation must re-grant to, minus the revoked. */
export function currentHolders(access: DocumentAccess): FacilityId[] {
  return [...(access.holders.get(access.latestGeneration) ?? [])].sort()
}

/**
 * Entitlement to a document's items: a current roster member that holds some generation, or that
 * carries for (roster `carriesFor`) a member that does.
 */
export function isEntitled(access: DocumentAccess, roster: VerifiedRoster, facility: FacilityId): boolean {
  const entry = rosterEntry(roster, facility)
  if (entry === undefined) return false
  // Notices are roster-wide: every current member receives them (docs/PROTOCOL.md, "Notices").
  if (access.docId === NOTICE_STREAM) return true
  const holds = (f: FacilityId): boolean =>
    [...access.holders.values()].some(s => s.has(f)) && rosterEntry(roster, f) !== undefined
  return holds(facility) || entry.carriesFor.some(holds)
}
