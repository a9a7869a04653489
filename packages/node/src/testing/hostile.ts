/**
 * What a roster member turned attacker sends, built with its own keyring (a stolen CHC laptop):
 * validly signed items for tests of admission, quarantine and start-up. Never used outside tests.
 */
import { parseAutomergeUrl, generateAutomergeUrl } from '@automerge/automerge-repo'
import { sealRawChange } from '@pagdandi/core/testing'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { nodeSignatureScheme } from '../crypto/index.js'
import { loadRoster } from '../FacilityNode.js'
import { DataDir } from '../datadir/DataDir.js'
import { ItemSealer } from '../crypto/ItemSealer.js'
import { loadNodeKeys } from '../keyring/keyringStore.js'
import { TEST_SECRET } from './fixtures.js'

/** 50 bytes that are not an Automerge chunk (the payload of the poisoned document). */
export const NOT_AUTOMERGE = new Uint8Array(50).fill(0x42)

/** The sealer an attacker holding a facility's data directory and secret has. */
export async function attackerSealer(dir: string, secret: string = TEST_SECRET): Promise<ItemSealer> {
  const data = new DataDir(dir)
  const scheme = nodeSignatureScheme()
  return new ItemSealer((await loadNodeKeys(data, secret)).keyring, await loadRoster(data, scheme), scheme)
}

/**
 * A poisoned document: a self-grant by the attacker, a grant to `victim`, and one change whose
 * bytes are `payload` (by default not Automerge). All three verify against the roster.
 */
export function poisonedDocument(
  attacker: ItemSealer,
  victim: FacilityId,
  payload: Uint8Array = NOT_AUTOMERGE
): { docId: PatientId; items: Uint8Array[] } {
  const docId = String(parseAutomergeUrl(generateAutomergeUrl()).documentId) as PatientId
  const grants = [...attacker.ensureKey(docId), attacker.grant(docId, victim)]
  const key = attacker.keyring.latest(docId)!
  const change = sealRawChange(payload, key, attacker.identity, attacker.roster?.body.version ?? 0, attacker.scheme)
  return { docId, items: [...grants, change] }
}
