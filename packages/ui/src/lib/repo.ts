/**
 * The one place the app touches automerge-repo: a Repo connected to the facility node's `/sync`
 * WebSocket, and lookups of patient document handles. The browser keeps no storage of its own: the
 * node on the facility LAN is the durable copy, and "saved" is judged against its sealed heads.
 */
import { Repo, decodeHeads, type DocHandle, type DocumentId, type UrlHeads } from '@automerge/automerge-repo'
import { BrowserWebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import * as A from '@automerge/automerge'
import type { PatientDoc, PatientId } from '@pagdandi/core/record'
import { DocumentUnavailableError } from './errors.js'

let repo: Repo | undefined

// Reconnect quickly: the node is on the same LAN, so a dropped socket is usually a node restart.
const RETRY_MS = 2000
// A patient the node holds is found in well under a second; beyond this the node does not have it.
const FIND_TIMEOUT_MS = 20_000

/** The app's Repo, created on first use and connected to this origin's `/sync`. */
export function getRepo(): Repo {
  if (repo) return repo
  const url = new URL('/sync', location.href)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  repo = new Repo({
    network: [new BrowserWebSocketClientAdapter(url.href, RETRY_MS)],
    // Share only with the node: documents go to whoever asks for them by id, and the node decides entitlement.
    sharePolicy: async () => true
  })
  return repo
}

/** The live handle of a patient document, once the node has sent it. */
export async function openPatient(patientId: PatientId): Promise<DocHandle<PatientDoc>> {
  try {
    return await getRepo().find<PatientDoc>(patientId as unknown as DocumentId, {
      signal: AbortSignal.timeout(FIND_TIMEOUT_MS)
    })
  } catch {
    throw new DocumentUnavailableError(patientId)
  }
}

/** Automerge change hashes from either hex or automerge-repo's base58 URL heads. */
export function toHashes(heads: readonly string[]): string[] {
  if (heads.every(h => /^[0-9a-f]{64}$/.test(h))) return [...heads]
  return decodeHeads(heads as UrlHeads)
}

/**
 * True when every change in `mine` is in the history of `durable` (the node's sealed heads).
 * Requires the local document to know `durable`; when it does not, the answer is "not yet".
 */
export function headsCover(doc: A.Doc<unknown>, durable: readonly string[], mine: readonly string[]): boolean {
  if (mine.length === 0) return true
  if (!A.hasHeads(doc, [...durable])) return false
  const after = new Set(A.getChangesMetaSince(doc, [...durable]).map(m => m.hash))
  return mine.every(h => !after.has(h))
}
