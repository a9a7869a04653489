/**
 * Building a patient document from change items that other facilities sealed, trusting none of
 * them. At start and when a document becomes readable, an item whose changes do not parse as
 * Automerge is left out and named (decoding only: a stored item was judged when it arrived, and a
 * schema tightened since must not hide an honest record written by an older version). Received
 * items are also judged before they are stored: each must be an edit the patient-document schema
 * allows (core/record `checkEdit`, the same rules as a browser's `/sync` change).
 */
import { concatBytes } from '@pagdandi/core'
import * as A from '@automerge/automerge'
import { itemId } from '@pagdandi/core/crypto'
import { checkEdit } from '@pagdandi/core/record'
import { UndecodableChangeError } from './errors.js'

/** A change item and the Automerge changes it holds. */
export interface Entry {
  bytes: Uint8Array
  changes: Uint8Array
}

/** Whether two head sets are equal (order aside). */
export const sameHeads = (a: A.Heads, b: A.Heads): boolean => a.length === b.length && a.every(h => b.includes(h))

/**
 * Applies one entry to `doc`, which it consumes: the merged document, or the error that refuses the
 * entry (and `doc` is freed). With `judge`, the edit must also pass the schema; an entry whose
 * dependencies are still missing changes nothing yet and is judged with the entry that completes it.
 */
export function tryApply(
  docId: string,
  doc: A.Doc<unknown>,
  e: Entry,
  judge: boolean
): { doc: A.Doc<unknown> } | { error: Error } {
  const before = A.getHeads(doc)
  let next: A.Doc<unknown>
  try {
    next = A.loadIncremental(doc, e.changes)
  } catch (cause) {
    A.free(doc)
    return { error: new UndecodableChangeError(docId, itemId(e.bytes), cause) }
  }
  const after = A.getHeads(next)
  if (!judge || after.length === 0 || sameHeads(before, after)) return { doc: next }
  try {
    checkEdit(before.length === 0 ? undefined : A.view(next, before), next)
  } catch (err) {
    A.free(next)
    return { error: err instanceof Error ? err : new Error(String(err)) }
  }
  return { doc: next }
}

/**
 * The document built from `entries`, leaving out every entry whose changes do not parse (each
 * passed to `refuse`). The common case, where all are good, is a single load.
 */
export function loadChecked(docId: string, entries: Entry[], refuse: (e: Entry, error: Error) => void): A.Doc<unknown> {
  try {
    return A.load<unknown>(concatChanges(entries))
  } catch {
    // Find the bad ones below, one entry at a time.
  }
  const good: Entry[] = []
  let doc = A.init<unknown>()
  for (const e of entries) {
    const r = tryApply(docId, doc, e, false)
    if ('doc' in r) {
      good.push(e)
      doc = r.doc
      continue
    }
    refuse(e, r.error)
    doc = A.load<unknown>(concatChanges(good))
  }
  return doc
}

/**
 * Per item, the error that refuses it once applied after the good entries of `base` (bad ones go
 * to `refuse`) and the earlier items, or undefined. Nothing is kept: the document is built and freed.
 */
export function checkAfter(
  docId: string,
  base: Entry[],
  items: Entry[],
  refuse: (e: Entry, error: Error) => void
): (Error | undefined)[] {
  const bad = new Set<Entry>()
  let doc = loadChecked(docId, base, (e, error) => {
    bad.add(e)
    refuse(e, error)
  })
  const accepted = base.filter(e => !bad.has(e))
  const verdicts: (Error | undefined)[] = []
  try {
    for (const e of items) {
      const r = tryApply(docId, doc, e, true)
      if ('doc' in r) {
        verdicts.push(undefined)
        accepted.push(e)
        doc = r.doc
      } else {
        verdicts.push(r.error)
        doc = A.load<unknown>(concatChanges(accepted))
      }
    }
  } finally {
    A.free(doc)
  }
  return verdicts
}

/** The entries' changes as one byte array, in order (what `A.load` reads). */
export function concatChanges(entries: Entry[]): Uint8Array {
  return concatBytes(entries.map(e => e.changes))
}
