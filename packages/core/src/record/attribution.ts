/**
 * Who wrote each entry of a patient document, as the facilities that sealed it vouch: every entry
 * is traced to the Automerge change that created it (its object id names the operation), and that
 * change to the sealed item that carried it (`ChangeSource`: the signing facility, and the staff
 * member its provenance names). An entry whose own fields claim another facility or another
 * author than the one vouched for is `unverified`: shown as a claim, never silently trusted.
 */
import * as A from '@automerge/automerge'
import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from '../bytes.js'
import { plainValue } from './strings.js'
import type { Author, FacilityId, IsoInstant, PatientDoc, PractitionerId } from './types.js'

/** Where a change came from, as the item that carried it says. */
export interface ChangeSource {
  /** The facility that sealed and signed the item. */
  facility: FacilityId
  /** The staff member the facility vouched for; absent when its node itself made the change. */
  author?: Author
  /** Whether the item carried provenance at all (items sealed before it existed did not). */
  attributed: boolean
}

/**
 * `verified`: the signing facility vouched for this author (or, with no author, for itself);
 * `unverified`: the entry claims a facility or author the signing facility did not vouch for;
 * `facility-only`: sealed before provenance existed, so only the facility is known;
 * `pending`: the change is not (yet) in any sealed item this node holds.
 */
export type Verification = 'verified' | 'unverified' | 'facility-only' | 'pending'

/** One entry's attribution, for the chart and conflict review. */
export interface EntryAttribution {
  /** Path of the entry, ids only, e.g. `encounters/<id>` or `referrals/<id>/statusHistory/sent`. */
  path: string
  status: Verification
  /** The signing facility; for `pending`, the facility the entry names. */
  facility?: FacilityId
  /** The author to show: the vouched one, or for `unverified` what the entry claims. */
  author?: Author
  /** When the entry says it was made (display metadata only). */
  at?: IsoInstant
}

const MAGIC = [0x85, 0x6f, 0x4a, 0x83]
const CHANGE_CHUNK = 1

/**
 * The hashes of the changes in `saveSince` bytes, in order. Each chunk is magic (4), checksum (4),
 * type (1), LEB128 length, body; a change's hash is SHA-256 over type, length and body, and its
 * checksum the first 4 bytes of that hash (Automerge binary format). Computed here rather than
 * with `Automerge.decodeChange`, which decodes every operation and, called on changes received
 * over `/sync`, broke the sync of other documents in the same process (automerge 3.5.0).
 * Throws TypeError when the bytes are not a sequence of change chunks.
 */
export function changeHashes(bytes: Uint8Array): string[] {
  const out: string[] = []
  let at = 0
  while (at < bytes.length) {
    for (let i = 0; i < 4; i++) if (bytes[at + i] !== MAGIC[i]) throw new TypeError('not an Automerge change chunk')
    let p = at + 9
    let len = 0
    let shift = 0
    for (;;) {
      const b = bytes[p++]
      if (b === undefined || shift > 28) throw new TypeError('truncated Automerge change chunk')
      len += (b & 0x7f) * 2 ** shift
      shift += 7
      if ((b & 0x80) === 0) break
    }
    const end = p + len
    if (end > bytes.length || bytes[at + 8] !== CHANGE_CHUNK) throw new TypeError('not an Automerge change chunk')
    const hash = sha256(bytes.subarray(at + 8, end))
    for (let i = 0; i < 4; i++)
      if (hash[i] !== bytes[at + 4 + i]) throw new TypeError('Automerge change checksum mismatch')
    out.push(toHex(hash))
    at = end
  }
  return out
}

interface Found {
  path: string
  objectId: string
  facilities: Array<string | undefined>
  author?: Author
  at?: string
}

type Node = Record<string, unknown>
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v)
const s = (v: unknown): string | undefined => {
  const x = A.isImmutableString(v) ? v.val : v
  return typeof x === 'string' ? x : undefined
}

function authorOf(v: unknown): Author | undefined {
  if (!isNode(v)) return undefined
  const a: Author = { staffId: s(v.staffId) ?? '', name: s(v.name) ?? '', role: s(v.role) ?? '' }
  const hpr = s(v.hprId)
  if (hpr !== undefined) a.hprId = hpr as PractitionerId
  return a
}

function found(path: string, obj: Node, facilities: string[], at: string): Found | undefined {
  const objectId = A.getObjectId(obj)
  if (objectId === null) return undefined
  const f: Found = { path, objectId, facilities: facilities.map(k => s(obj[k])), at: s(obj[at]) ?? '' }
  const author = authorOf(obj.author)
  if (author !== undefined) f.author = author
  return f
}

const SIMPLE: ReadonlyArray<[string, string[], string]> = [
  ['allergies', ['by'], 'recordedAt'],
  ['alerts', ['by'], 'recordedAt'],
  ['summaries', ['from'], 'at'],
  ['duplicates', ['by'], 'markedAt'],
  ['resolutions', ['by'], 'at']
]

/** Every attributable entry of the document with its creating object's id. */
function entriesOf(doc: A.Doc<PatientDoc>): Found[] {
  const d = doc as unknown as Node
  const out: Found[] = []
  const push = (f: Found | undefined): void => {
    if (f !== undefined) out.push(f)
  }
  const each = (v: unknown): Array<[string, Node]> =>
    isNode(v) ? Object.entries(v).filter((e): e is [string, Node] => isNode(e[1])) : []
  if (isNode(d.demographics)) {
    const reg = found('registration', d.demographics, [], '')
    if (reg !== undefined) {
      reg.facilities = [s(d.registeredBy)]
      reg.at = s(d.registeredAt) ?? ''
      const author = authorOf(d.registeredByStaff)
      if (author !== undefined) reg.author = author
      out.push(reg)
    }
  }
  for (const [id, e] of each(d.encounters)) {
    const base = `encounters/${id}`
    push(found(base, e, ['facility'], 'at'))
    for (const [k, x] of each(e.diagnoses)) push(found(`${base}/diagnoses/${k}`, x, [], ''))
    for (const [k, x] of each(e.prescriptions)) push(found(`${base}/prescriptions/${k}`, x, [], ''))
    for (const [k, x] of each(e.labOrders)) {
      push(found(`${base}/labOrders/${k}`, x, [], 'orderedAt'))
      if (isNode(x.result)) push(found(`${base}/labOrders/${k}/result`, x.result, ['by'], 'resultedAt'))
    }
    for (const [k, x] of each(e.dispensing)) push(found(`${base}/dispensing/${k}`, x, ['by'], 'dispensedAt'))
  }
  for (const [id, r] of each(d.referrals)) {
    push(found(`referrals/${id}`, r, ['from'], 'createdAt'))
    for (const [st, ev] of each(r.statusHistory)) push(found(`referrals/${id}/statusHistory/${st}`, ev, ['by'], 'at'))
  }
  for (const [collection, facilities, at] of SIMPLE)
    for (const [id, x] of each(d[collection])) push(found(`${collection}/${id}`, x, facilities, at))
  return out
}

/** Maps an operation id (`counter@actor`) to the hash of the change holding it. */
export function changeOfOp(doc: A.Doc<unknown>): (opId: string) => string | undefined {
  const byActor = new Map<string, Array<{ startOp: number; maxOp: number; hash: string }>>()
  for (const m of A.getChangesMetaSince(doc, [])) {
    const list = byActor.get(m.actor) ?? []
    list.push({ startOp: m.startOp, maxOp: m.maxOp, hash: m.hash })
    byActor.set(m.actor, list)
  }
  return opId => {
    const at = opId.indexOf('@')
    const counter = Number(opId.slice(0, at))
    return byActor.get(opId.slice(at + 1))?.find(c => c.startOp <= counter && counter <= c.maxOp)?.hash
  }
}

const sameAuthor = (a: Author, b: Author): boolean =>
  a.staffId === b.staffId && a.name === b.name && a.role === b.role && a.hprId === b.hprId

/** Judges one entry's claims (its facility fields and author) against the source of its change. */
export function judge(
  source: ChangeSource | undefined,
  claimed: { facilities: Array<string | undefined>; author?: Author }
): Pick<EntryAttribution, 'status' | 'facility' | 'author'> {
  const facilities = claimed.facilities.filter((f): f is string => f !== undefined)
  const withAuthor = <T extends object>(x: T, a: Author | undefined): T & { author?: Author } =>
    a === undefined ? x : { ...x, author: a }
  if (source === undefined)
    return withAuthor(
      { status: 'pending', ...(facilities[0] !== undefined ? { facility: facilities[0] as FacilityId } : {}) },
      claimed.author
    )
  const facility = source.facility
  if (facilities.some(f => f !== facility)) return withAuthor({ status: 'unverified', facility }, claimed.author)
  if (claimed.author !== undefined) {
    const ok = source.author !== undefined && sameAuthor(source.author, claimed.author)
    return withAuthor({ status: ok ? 'verified' : 'unverified', facility }, claimed.author)
  }
  if (!source.attributed) return { status: 'facility-only', facility }
  return withAuthor({ status: 'verified', facility }, source.author)
}

/** Attributes every entry of `doc`, given the source of each change hash this node holds. */
export function attributeEntries(
  doc: A.Doc<PatientDoc>,
  sources: ReadonlyMap<string, ChangeSource>
): EntryAttribution[] {
  const changeOf = changeOfOp(doc)
  return entriesOf(doc).map(e => {
    const hash = changeOf(e.objectId)
    const verdict = judge(hash === undefined ? undefined : sources.get(hash), e)
    return { path: e.path, ...verdict, ...(e.at ? { at: e.at } : {}) }
  })
}

/**
 * Who wrote each of the values in conflict at `path` (conflict review): the value and the
 * attribution of the change that wrote it. Empty when the field is not in conflict.
 */
export function conflictAttribution(
  doc: A.Doc<PatientDoc>,
  path: readonly string[],
  sources: ReadonlyMap<string, ChangeSource>
): Array<{ value: unknown } & Pick<EntryAttribution, 'status' | 'facility' | 'author'>> {
  let parent: unknown = doc
  for (const k of path.slice(0, -1)) parent = isNode(parent) ? parent[k] : undefined
  if (!isNode(parent)) return []
  const conflicts = A.getConflicts(parent as A.Doc<unknown>, path[path.length - 1]!)
  if (conflicts === undefined) return []
  const changeOf = changeOfOp(doc)
  return Object.entries(conflicts).map(([opId, value]) => {
    const hash = changeOf(opId)
    return {
      value: plainValue(value),
      ...judge(hash === undefined ? undefined : sources.get(hash), { facilities: [] })
    }
  })
}
