import type { FacilityId, FacilityKind } from '../record/types.js'
import { bytesEqual, concatBytes, isHfrId, utf8Encode } from '../bytes.js'
import type { ByteReader } from '../bytes.js'
import { cryptoReader, cryptoWriter } from './format.js'
import {
  BadSignatureError,
  MalformedItemError,
  RosterRollbackError,
  RosterUpdateError,
  UnsupportedVersionError
} from './errors.js'
import type { RosterBody, RosterEntry, Revocation, SignatureScheme, VerifiedRoster } from './types.js'

/** Version byte of the signed roster format. */
export const ROSTER_FORMAT_VERSION = 1
/** Largest signed roster accepted (49 facilities need ~20 kB; room for the state). */
export const MAX_ROSTER_BYTES = 1 << 20
const MAX_ADDRESSES = 16
/** Domain prefix of the authority's signature over a roster (docs/PROTOCOL.md). */
export const ROSTER_DOMAIN = utf8Encode('pagdandi/roster/v1\0')
const KINDS: readonly FacilityKind[] = ['CHC', 'CH', 'DH', 'MC']

function byFacility<T extends { facility: string }>(a: T, b: T): number {
  return a.facility < b.facility ? -1 : a.facility > b.facility ? 1 : 0
}

/** Canonical bytes of a roster body: what the authority signs. Sorts entries, revocations, carriesFor. */
export function encodeRosterBody(body: RosterBody): Uint8Array {
  const w = cryptoWriter().u8(ROSTER_FORMAT_VERSION).str8(body.network).u32(body.version)
  const entries = [...body.entries].sort(byFacility)
  w.varint(entries.length)
  for (const e of entries) {
    const kind = KINDS.indexOf(e.kind)
    if (kind < 0) throw new TypeError(`unknown facility kind ${e.kind}`)
    if (e.signingKey.length !== 32 || e.boxKey.length !== 32) throw new TypeError('roster keys must be 32 bytes')
    if (e.addresses.length > MAX_ADDRESSES) throw new TypeError('too many addresses')
    w.facility(e.facility)
      .str8(e.name)
      .u8(kind + 1)
      .str8(e.district)
      .raw(e.signingKey)
      .raw(e.boxKey)
      .str8(e.peerId)
    w.varint(e.addresses.length)
    for (const a of e.addresses) w.str8(a)
    const carries = [...new Set(e.carriesFor)].sort()
    w.varint(carries.length)
    for (const c of carries) w.facility(c)
  }
  const revs = [...body.revocations].sort(byFacility)
  w.varint(revs.length)
  for (const r of revs) {
    if (r.signingKey.length !== 32) throw new TypeError('revocation signing key must be 32 bytes')
    w.facility(r.facility).u32(r.atVersion).raw(r.signingKey)
  }
  return w.finish()
}

function decodeRosterBody(r: ByteReader): RosterBody {
  const fv = r.u8()
  if (fv !== ROSTER_FORMAT_VERSION) throw new UnsupportedVersionError(`roster format version ${fv}`)
  const network = r.str8()
  const version = r.u32()
  const nEntries = r.varint()
  const entries: RosterEntry[] = []
  for (let i = 0; i < nEntries; i++) {
    const facility = r.facility()
    if (i > 0 && facility <= entries[i - 1]!.facility) throw new MalformedItemError('roster: entries not sorted')
    const name = r.str8()
    const kind = KINDS[r.u8() - 1]
    if (kind === undefined) throw new MalformedItemError('roster: unknown facility kind')
    const district = r.str8()
    const signingKey = r.raw(32).slice()
    const boxKey = r.raw(32).slice()
    const peerId = r.str8()
    const nAddr = r.varint()
    if (nAddr > MAX_ADDRESSES) throw new MalformedItemError('roster: too many addresses')
    const addresses: string[] = []
    for (let j = 0; j < nAddr; j++) addresses.push(r.str8())
    const nCarries = r.varint()
    const carriesFor: FacilityId[] = []
    for (let j = 0; j < nCarries; j++) {
      const c = r.facility()
      if (j > 0 && c <= carriesFor[j - 1]!) throw new MalformedItemError('roster: carriesFor not sorted')
      carriesFor.push(c)
    }
    entries.push({ facility, name, kind, district, signingKey, boxKey, peerId, addresses, carriesFor })
  }
  const nRevs = r.varint()
  const revocations: Revocation[] = []
  for (let i = 0; i < nRevs; i++) {
    const facility = r.facility()
    if (i > 0 && facility <= revocations[i - 1]!.facility)
      throw new MalformedItemError('roster: revocations not sorted')
    const atVersion = r.u32()
    if (atVersion > version) throw new MalformedItemError('roster: revocation after roster version')
    revocations.push({ facility, atVersion, signingKey: r.raw(32).slice() })
  }
  const revoked = new Set(revocations.map(x => x.facility))
  if (entries.some(e => revoked.has(e.facility))) throw new MalformedItemError('roster: revoked facility still listed')
  return { network, version, entries, revocations }
}

/** Sign a roster body with the authority's 64-byte secret key; returns the signed roster bytes. */
export function signRoster(body: RosterBody, authoritySecretKey: Uint8Array, scheme: SignatureScheme): Uint8Array {
  if (authoritySecretKey.length !== 64) throw new TypeError('authority secret key must be 64 bytes')
  const signed = concatBytes([encodeRosterBody(body), authoritySecretKey.subarray(32)])
  return concatBytes([signed, scheme.sign(concatBytes([ROSTER_DOMAIN, signed]), authoritySecretKey)])
}

/** Structural decode of signed roster bytes, no signature check (MalformedItemError / UnsupportedVersionError). */
export function decodeRoster(bytes: Uint8Array): {
  body: RosterBody
  authorityKey: Uint8Array
  signed: Uint8Array
  signature: Uint8Array
} {
  if (bytes.length > MAX_ROSTER_BYTES) throw new MalformedItemError('roster: oversized')
  if (bytes.length < 96) throw new MalformedItemError('roster: truncated')
  const signed = bytes.subarray(0, bytes.length - 64)
  const r = cryptoReader(signed.subarray(0, signed.length - 32), 'roster')
  const body = decodeRosterBody(r)
  r.end()
  return { body, authorityKey: signed.slice(signed.length - 32), signed, signature: bytes.slice(bytes.length - 64) }
}

/** Decode and verify signed roster bytes against the expected authority key. */
export function verifyRoster(bytes: Uint8Array, authorityKey: Uint8Array, scheme: SignatureScheme): VerifiedRoster {
  const d = decodeRoster(bytes)
  if (!bytesEqual(d.authorityKey, authorityKey))
    throw new BadSignatureError(`roster v${d.body.version}: signed by another authority`)
  if (!scheme.verify(concatBytes([ROSTER_DOMAIN, d.signed]), d.signature, authorityKey)) {
    throw new BadSignatureError(`roster v${d.body.version}: bad authority signature`)
  }
  return { body: d.body, authorityKey: d.authorityKey, bytes: bytes.slice() }
}

/**
 * Accept `incoming` when it is newer than `current`. An older roster, a different roster with the same
 * version, one for another network, or one that drops a revocation is a RosterRollbackError.
 */
export function acceptRoster(
  current: VerifiedRoster | undefined,
  incoming: Uint8Array,
  authorityKey: Uint8Array,
  scheme: SignatureScheme
): VerifiedRoster {
  const next = verifyRoster(incoming, authorityKey, scheme)
  if (current === undefined) return next
  const { body: cur } = current
  if (next.body.network !== cur.network)
    throw new RosterRollbackError(`roster for another network (v${next.body.version})`)
  const order = compareRosters(next.body, cur)
  if (order < 0) throw new RosterRollbackError(`roster v${next.body.version} is older than v${cur.version}`)
  if (order === 0) {
    if (bytesEqual(next.bytes, current.bytes)) return current
    throw new RosterRollbackError(`a different roster with the same version v${cur.version}`)
  }
  for (const rev of cur.revocations) {
    if (revokedAt(next.body, rev.facility) !== rev.atVersion)
      throw new RosterRollbackError(`roster v${next.body.version} drops the revocation of ${rev.facility}`)
  }
  return next
}

/** Next version with `entry` added (RosterUpdateError if present or revoked). */
export function addToRoster(body: RosterBody, entry: RosterEntry): RosterBody {
  if (!isHfrId(entry.facility)) throw new TypeError(`not an HFR facility id: ${entry.facility}`)
  if (rosterEntry(body, entry.facility) !== undefined)
    throw new RosterUpdateError(`${entry.facility} is already a member`)
  if (revokedAt(body, entry.facility) !== undefined)
    throw new RosterUpdateError(`${entry.facility} was revoked; it needs a new HFR id`)
  return { ...body, version: body.version + 1, entries: [...body.entries, entry].sort(byFacility) }
}

/** Next version with `facility` removed, revoked at that version, and dropped from every carriesFor. */
export function revokeFromRoster(body: RosterBody, facility: FacilityId): RosterBody {
  const entry = rosterEntry(body, facility)
  if (entry === undefined) throw new RosterUpdateError(`${facility} is not a member`)
  const version = body.version + 1
  return {
    ...body,
    version,
    entries: body.entries
      .filter(e => e.facility !== facility)
      .map(e => ({ ...e, carriesFor: e.carriesFor.filter(c => c !== facility) })),
    revocations: [...body.revocations, { facility, atVersion: version, signingKey: entry.signingKey }].sort(byFacility)
  }
}

/** Order two rosters by version: negative if `a` is older, 0 if equal, positive if newer. */
export function compareRosters(a: RosterBody, b: RosterBody): number {
  return a.version - b.version
}

function bodyOf(roster: VerifiedRoster | RosterBody): RosterBody {
  return 'body' in roster ? roster.body : roster
}

/** The roster entry of a facility, if it is a current member. */
export function rosterEntry(roster: VerifiedRoster | RosterBody, facility: FacilityId): RosterEntry | undefined {
  return bodyOf(roster).entries.find(e => e.facility === facility)
}

/** The roster version at which a facility was revoked, if it was. */
export function revokedAt(roster: VerifiedRoster | RosterBody, facility: FacilityId): number | undefined {
  return bodyOf(roster).revocations.find(r => r.facility === facility)?.atVersion
}
