/**
 * The one check of a change to a patient record made here, by a browser over `/sync` (SyncGate)
 * or through the API (`POST /api/patients/:id/encounters`): schema (core/record `checkEdit`), the
 * signed-in member's role (core/staff `forbiddenEdit`) and the author the entries claim.
 */
import * as A from '@automerge/automerge'
import type { PagdandiError } from '@pagdandi/core'
import { checkEdit, InvalidPatientDocumentError, type Author, type EditSummary } from '@pagdandi/core/record'
import { forbiddenEdit, type Role } from '@pagdandi/core/staff'
import { RoleForbiddenError } from '../staff/errors.js'
import { ClaimedAuthorError } from './errors.js'

/**
 * Why the change from `base` to `after` may not be sealed here, or undefined when it may. `by`
 * undefined (a node without sign-in) checks the schema only.
 */
export function editProblem(
  base: A.Doc<unknown>,
  after: A.Doc<unknown>,
  by: Author | undefined,
  facility: string
): PagdandiError | undefined {
  let summary: EditSummary
  try {
    summary = checkEdit(base, after)
  } catch (err) {
    if (err instanceof InvalidPatientDocumentError) return err
    throw err
  }
  if (by === undefined) return undefined
  const forbidden = forbiddenEdit(by.role as Role, summary.kinds)
  if (forbidden !== undefined) return new RoleForbiddenError(by.role as Role, forbidden)
  for (const c of summary.claims) {
    if (c.facilities.some(f => f !== facility)) return new ClaimedAuthorError(c.path)
    if (c.author !== undefined && !sameAuthor(c.author, by)) return new ClaimedAuthorError(c.path)
  }
  return undefined
}

function sameAuthor(a: Author, b: Author): boolean {
  return a.staffId === b.staffId && a.name === b.name && a.role === b.role && a.hprId === b.hprId
}
