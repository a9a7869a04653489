/**
 * A reversible merge of two records of the same person. A merge is a change both documents carry:
 * the merged record gets an `into` link naming the survivor, the survivor a `from` link naming the
 * merged record, each with who and when (types.ts › MergeLink). Nothing is deleted: each history
 * stays in its own document, and an unmerge writes `undone` on the links, so both records are as
 * they were. The node writes both sides (app/MergeService.ts); the functions here write one.
 */
import type { ChangeContext } from './inputs.js'
import type { EntryId, MergeLink, PatientDoc, PatientId } from './types.js'
import { checkContext, newEntryId } from './context.js'
import { RecordMergeError } from './errors.js'
import { validateText } from './validate-clinical.js'
import { put, str } from './strings.js'

/** Links of `doc` not undone, oldest first (ties on the entry id, so every facility agrees). */
export function activeMerges(doc: Pick<PatientDoc, 'merges'>): MergeLink[] {
  return Object.values(doc.merges ?? {})
    .filter(m => m.undone === undefined)
    .sort((a, b) => str(a.at).localeCompare(str(b.at)) || (str(a.id) < str(b.id) ? -1 : 1))
}

/**
 * The record this one was merged into, if it is merged away. Two concurrent merges of one record
 * into two survivors (at two facilities) both stay in the record; the latest names the survivor.
 */
export function mergedInto(doc: Pick<PatientDoc, 'merges'>): PatientId | undefined {
  const into = activeMerges(doc).filter(m => str(m.direction) === 'into')
  const last = into[into.length - 1]
  return last === undefined ? undefined : (str(last.otherPatient) as PatientId)
}

/** The records merged into this one (their histories belong to this patient's chart). */
export function mergedFrom(doc: Pick<PatientDoc, 'merges'>): PatientId[] {
  return [
    ...new Set(
      activeMerges(doc)
        .filter(m => str(m.direction) === 'from')
        .map(m => str(m.otherPatient) as PatientId)
    )
  ]
}

/**
 * Writes one side of a merge: `into` on the record merged away (`otherPatient` the survivor),
 * `from` on the survivor (`otherPatient` the merged record). `self` is this document's own id.
 */
export function linkMerge(
  d: PatientDoc,
  self: PatientId,
  direction: MergeLink['direction'],
  otherPatient: PatientId,
  ctx: ChangeContext
): EntryId {
  const { facility, at, authored } = checkContext(ctx)
  const other = validateText(otherPatient, 'otherPatient', 100) as PatientId
  if (other === self) throw new RecordMergeError('self', self)
  // Written already (a merge cut short and made again): the link is not written twice.
  const same = activeMerges(d).find(m => str(m.direction) === direction && str(m.otherPatient) === other)
  if (same !== undefined) return str(same.id)
  if (mergedInto(d) !== undefined)
    throw new RecordMergeError(direction === 'into' ? 'already-merged' : 'survivor-merged', self)
  if (direction === 'into' && mergedFrom(d).length > 0) throw new RecordMergeError('survivor-merged', self)
  if (d.merges === undefined) put(d, 'merges', {})
  const merges = d.merges!
  const id = newEntryId(ctx, merges)
  put(merges, id, { id, direction, otherPatient: other, at, by: facility, ...authored })
  return id
}

/** Ends every active link of this record with `otherPatient` (one side of an unmerge). */
export function undoMerge(d: PatientDoc, self: PatientId, otherPatient: PatientId, ctx: ChangeContext): void {
  const { facility, at, authored } = checkContext(ctx)
  const links = activeMerges(d).filter(m => str(m.otherPatient) === otherPatient)
  if (links.length === 0) throw new RecordMergeError('not-merged', self)
  for (const m of links) put(d.merges![str(m.id) as EntryId]!, 'undone', { at, by: facility, ...authored })
}
