/**
 * Notices this node seals and reads (docs/PROTOCOL.md, "Notices"): sealed with the facility's
 * identity, stored like any local item and pushed to every connected member; read back from the
 * notice stream in the store.
 */
import {
  decodeItemHeader,
  NOTICE_STREAM,
  openNotice,
  rosterEntry,
  sealNotice,
  type ItemHeader,
  type OpenedNotice
} from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import type { NodeParts } from './parts.js'
import { NotOnRosterError } from '../keyring/errors.js'
import { PatientErasedError, PatientNotFoundError } from '../http/errors.js'

export type NoticeParts = Pick<NodeParts, 'store' | 'sealer' | 'roster' | 'replication'>

/** A stored notice as read back: its id and what it says (plain notices, and replies addressed here). */
export interface StoredNotice {
  id: string
  header: ItemHeader
  notice: OpenedNotice
}

/** Seals a notice, stores it durably and hands it to the replicator; its item id. */
export async function publishNotice(
  parts: NoticeParts,
  noticeType: number,
  payload: Uint8Array,
  recipient?: FacilityId
): Promise<string> {
  const roster = parts.roster.current
  const entry = recipient === undefined || roster === undefined ? undefined : rosterEntry(roster, recipient)
  if (recipient !== undefined && entry === undefined) throw new NotOnRosterError(recipient)
  const bytes = sealNotice(
    noticeType,
    payload,
    parts.sealer.identity,
    roster?.body.version ?? 0,
    parts.sealer.scheme,
    entry
  )
  const stored = await parts.store.putItems([bytes])
  parts.replication.notify(stored)
  return stored[0]?.id ?? (await parts.store.itemsForDoc(NOTICE_STREAM)).find(i => i.bytes === bytes)!.id
}

/** Every notice in the store that this node can read, in log order. */
export async function readNotices(parts: NoticeParts): Promise<StoredNotice[]> {
  const out: StoredNotice[] = []
  const roster = parts.roster.current
  for (const item of await parts.store.itemsForDoc(NOTICE_STREAM)) {
    const read = readNotice(item.bytes, parts, roster)
    if (read !== undefined) out.push({ id: item.id, ...read })
  }
  return out
}

/** One notice's header and content, or undefined when it is not readable here (a reply to another). */
export function readNotice(
  bytes: Uint8Array,
  parts: Pick<NoticeParts, 'sealer'>,
  roster = undefined as NodeParts['roster']['current']
): { header: ItemHeader; notice: OpenedNotice } | undefined {
  try {
    const header = decodeItemHeader(bytes)
    if (header.kind !== 'notice') return undefined
    const me = roster === undefined ? undefined : { identity: parts.sealer.identity, roster }
    return { header, notice: openNotice(bytes, me, parts.sealer.scheme) }
  } catch {
    return undefined
  }
}

/** An erasure of a record this node no longer holds is already done: swallow exactly that. */
export function ignoreGone(err: unknown): void {
  if (err instanceof PatientErasedError || err instanceof PatientNotFoundError) return
  throw err
}
