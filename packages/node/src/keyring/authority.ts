/**
 * The network authority (district or state health IT): an Ed25519 key that signs the roster.
 * Its directory holds `authority.bin` (the secret key, encrypted under the operator secret) and
 * `roster.json` (the current signed roster, which is what gets exported to facilities).
 */
import { mkdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import {
  Keyring,
  acceptRoster,
  addToRoster,
  generateIdentity,
  revokeFromRoster,
  signRoster,
  verifyRoster,
  type RosterEntry,
  type SignatureScheme,
  type VerifiedRoster
} from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { DataDir, b64, readUserJson, type FacilityFile, type RosterFile } from '../datadir/DataDir.js'
import { DataDirError } from './errors.js'
import { readKeyringFile, writeKeyringFile } from '../crypto/index.js'

const AUTHORITY_FILE = 'authority.bin'
/**
 * The authority key is kept as the signing key of a keyring identity, so it is encrypted by the same
 * keyring-file code as a facility's. The placeholder facility id only satisfies the identity type.
 */
const AUTHORITY_PLACEHOLDER_ID = 'IN0000000000' as FacilityId

/** Creates a network authority and its first (empty) roster, version 1. */
export async function createAuthority(
  dir: string,
  network: string,
  secret: string,
  scheme: SignatureScheme
): Promise<VerifiedRoster> {
  const path = join(dir, AUTHORITY_FILE)
  if (
    await stat(path).then(
      () => true,
      () => false
    )
  )
    throw new DataDirError(`${dir} already holds a network authority`)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const identity = generateIdentity(AUTHORITY_PLACEHOLDER_ID)
  await writeKeyringFile(path, new Keyring(identity), secret)
  const bytes = signRoster({ network, version: 1, entries: [], revocations: [] }, identity.signing.secretKey, scheme)
  const roster = verifyRoster(bytes, identity.signing.publicKey, scheme)
  await new DataDir(dir).writeRoster(rosterFile(roster))
  return roster
}

/** The public form of a roster, as written to disk and exported. */
export function rosterFile(r: VerifiedRoster): RosterFile {
  return { authorityKey: b64.encode(r.authorityKey), roster: b64.encode(r.bytes) }
}

/** Verifies a roster file against the authority key it names. */
export function readRosterFile(f: RosterFile, scheme: SignatureScheme): VerifiedRoster {
  if (typeof f?.authorityKey !== 'string' || typeof f.roster !== 'string')
    throw new DataDirError('not a roster file (authorityKey and roster expected)')
  return verifyRoster(b64.decode(f.roster), b64.decode(f.authorityKey), scheme)
}

async function loadAuthority(
  dir: string,
  secret: string,
  scheme: SignatureScheme
): Promise<{ secretKey: Uint8Array; roster: VerifiedRoster }> {
  const path = join(dir, AUTHORITY_FILE)
  if (
    !(await stat(path).then(
      () => true,
      () => false
    ))
  ) {
    throw new DataDirError(`${dir} holds no network authority; run \`pagdandi roster create\` first`)
  }
  const secretKey = (await readKeyringFile(path, secret)).identity.signing.secretKey
  const file = await new DataDir(dir).readRoster()
  if (file === undefined) throw new DataDirError(`${dir} has no roster.json`)
  return { secretKey, roster: readRosterFile(file, scheme) }
}

/** Adds a facility (from its `facility.json`) as the next roster version. */
export async function addMember(
  dir: string,
  secret: string,
  scheme: SignatureScheme,
  member: FacilityFile,
  carriesFor: FacilityId[] = []
): Promise<VerifiedRoster> {
  const { secretKey, roster } = await loadAuthority(dir, secret, scheme)
  const entry: RosterEntry = {
    facility: member.facility,
    name: member.name,
    kind: member.kind,
    district: member.district,
    signingKey: b64.decode(member.signingKey),
    boxKey: b64.decode(member.boxKey),
    peerId: member.peerId,
    addresses: member.addresses,
    carriesFor
  }
  return await resign(dir, secretKey, scheme, addToRoster(roster.body, entry))
}

/** Revokes a facility as the next roster version. */
export async function revokeMember(
  dir: string,
  secret: string,
  scheme: SignatureScheme,
  facility: FacilityId
): Promise<VerifiedRoster> {
  const { secretKey, roster } = await loadAuthority(dir, secret, scheme)
  return await resign(dir, secretKey, scheme, revokeFromRoster(roster.body, facility))
}

async function resign(
  dir: string,
  secretKey: Uint8Array,
  scheme: SignatureScheme,
  body: VerifiedRoster['body']
): Promise<VerifiedRoster> {
  const bytes = signRoster(body, secretKey, scheme)
  const roster = verifyRoster(bytes, secretKey.subarray(32), scheme)
  await new DataDir(dir).writeRoster(rosterFile(roster))
  return roster
}

/**
 * Installs a signed roster in a node's data directory. The first import pins the authority key;
 * later ones must be signed by the same key and be newer (no rollback).
 */
export async function importRoster(
  nodeDir: string,
  file: RosterFile,
  scheme: SignatureScheme
): Promise<VerifiedRoster> {
  const dataDir = new DataDir(nodeDir)
  const incoming = readRosterFile(file, scheme)
  const pinned = await dataDir.readRoster()
  let current: VerifiedRoster | undefined
  if (pinned !== undefined) {
    current = readRosterFile(pinned, scheme)
    if (pinned.authorityKey !== file.authorityKey)
      throw new DataDirError('this roster is signed by a different network authority than the one pinned here')
    if (current.body.version === incoming.body.version && b64.encode(current.bytes) === b64.encode(incoming.bytes))
      return current
  }
  const accepted = acceptRoster(current, incoming.bytes, incoming.authorityKey, scheme)
  await dataDir.writeRoster(rosterFile(accepted))
  return accepted
}

/** Reads a roster file the user named. */
export async function readRosterPath(path: string): Promise<RosterFile> {
  return await readUserJson<RosterFile>(path)
}
