import type { FacilityId, PatientId } from '../record/types.js'
import { GrantConflictError } from './errors.js'
import { isAccessKind } from './notice.js'
import { NOTICE_STREAM } from './noticeStream.js'
import { rosterEntry } from './roster.js'
import { toHex } from '../bytes.js'
import type { CardStanding, DocumentAccess, HeaderWithId, ItemId, VerifiedRoster } from './types.js'

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
 * 4. A card grant at g counts only if a holder of g sealed the card it names at g, no holder
 *    revoked that card, and it was made within the card's window (`cardJustifies`).
 */
export function computeAccess(docId: PatientId, items: HeaderWithId[]): DocumentAccess {
  const mine = items.filter(i => i.header.docId === docId && isAccessKind(i.header.kind))
  if (!mine.some(i => i.header.kind === 'card-revocation')) return accessOf(docId, mine, new Set())
  // Health cards (docs/PROTOCOL.md, "Health card"), stratified so that the rule is monotonic: a
  // card revocation counts when its author holds its generation without any card grant; then card
  // grants of unrevoked cards join the grants.
  const plain = accessOf(
    docId,
    mine.filter(i => i.header.kind !== 'card-grant'),
    new Set()
  )
  return accessOf(docId, mine, revokedCards(plain, mine))
}

/** Card keys (hex) that a holder of the revocation's generation revoked. */
function revokedCards(access: DocumentAccess, items: HeaderWithId[]): Set<string> {
  const out = new Set<string>()
  for (const i of items)
    if (i.header.kind === 'card-revocation' && mayGrant(access, i.header.author, i.header.generation))
      out.add(toHex(i.header.card!.key))
  return out
}

function accessOf(docId: PatientId, mine: HeaderWithId[], revoked: Set<string>): DocumentAccess {
  const access: DocumentAccess = {
    docId,
    creator: undefined,
    holders: new Map(),
    latestGeneration: 0,
    rejected: [],
    cards: new Map()
  }
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
    const grants = list.filter(i => i.header.kind === 'grant' || i.header.kind === 'card-grant')
    const cards = list.filter(i => i.header.kind === 'card')
    for (let changed = true; changed;) {
      changed = false
      for (const c of cards) {
        const key = toHex(c.header.card!.key)
        if (access.cards.has(key) || !holders.has(c.header.author)) continue
        access.cards.set(key, cardStanding(c, revoked.has(key)))
        changed = true
      }
      for (const gr of grants) {
        if (admitted.has(gr.id)) continue
        if (gr.header.kind === 'grant' ? !holders.has(gr.header.author) : !cardJustifies(access, gr, g)) continue
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

function cardStanding(c: HeaderWithId, revoked: boolean): CardStanding {
  const { notBefore, notAfter } = c.header.card!
  return {
    id: c.id,
    generation: c.header.generation,
    author: c.header.author,
    notBefore: notBefore!,
    notAfter: notAfter!,
    revoked
  }
}

/**
 * A card grant at `g` counts when a holder of `g` sealed a card of `g` with the key that signed
 * it (its proof, checked by `verifyItem`), that card is not revoked, and the grant was made inside
 * the card's validity window.
 */
function cardJustifies(access: DocumentAccess, gr: HeaderWithId, g: number): boolean {
  const card = access.cards.get(toHex(gr.header.card!.key))
  const at = gr.header.card!.at!
  return card !== undefined && card.generation === g && !card.revoked && at >= card.notBefore && at <= card.notAfter
}

/**
 * `computeAccess` where two facilities self-granted generation 0 (a rival genesis, issue 14 attack
 * 7): the first self-grant in `items` (log order: the one this node stored first) is the creator
 * and the others are ignored, as node admission refuses every later one. A document is created
 * with its self-grant, so a rival, which needs the id first, comes later wherever the real one
 * travelled; a node that stored such a conflict before that rule keeps replicating the document
 * instead of entitling nobody. `creator`, when the document id names one (a creator-bound id,
 * `boundCreator`), is the creator whatever was stored first. Without a conflict this is `computeAccess`.
 */
export function accessFirstCreator(docId: PatientId, items: HeaderWithId[], creator?: FacilityId): DocumentAccess {
  const selfGrant = (i: HeaderWithId): boolean =>
    i.header.kind === 'grant' && i.header.generation === 0 && i.header.recipient === i.header.author
  // The creator the id names (creatorId.ts) wins over any self-grant stored before it.
  const first = creator ?? items.find(i => i.header.docId === docId && selfGrant(i))?.header.author
  return computeAccess(
    docId,
    items.filter(i => !selfGrant(i) || i.header.author === first)
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
