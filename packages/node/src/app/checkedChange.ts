/**
 * A change to a patient record made by the node's API on behalf of a signed-in member, checked
 * exactly as a browser's `/sync` change is (gate/editCheck.ts: schema, the member's role, the
 * author the entries claim) on a scratch copy before anything is sealed.
 */
import * as A from '@automerge/automerge'
import type { Author, ChangeContext, PatientDoc, PatientId } from '@pagdandi/core/record'
import type { DocHandle } from '@automerge/automerge-repo'
import { editProblem } from '../gate/editCheck.js'
import { PatientErasedError, PatientNotFoundError } from '../http/errors.js'
import { changeContext, type NodeParts } from './parts.js'

type Parts = Pick<NodeParts, 'self' | 'bridge' | 'sealer' | 'now'>

/** The change context of a change `by` makes here now. */
export function contextOf(parts: Pick<NodeParts, 'self' | 'now'>, by: Author | undefined): ChangeContext {
  return { ...changeContext(parts), ...(by === undefined ? {} : { by }) }
}

/** The resident handle of a record held here, or the named error why there is none. */
export async function residentRecord(parts: Parts, patientId: PatientId): Promise<DocHandle<PatientDoc>> {
  if (parts.sealer.isErased(patientId)) throw new PatientErasedError(patientId)
  const handle = await parts.bridge.resident<PatientDoc>(patientId)
  if (handle === undefined) throw new PatientNotFoundError(patientId)
  return handle
}

/**
 * Runs `fn` on a copy of the record and throws what the gate would refuse it for (or what `fn`
 * throws), leaving the record untouched.
 */
export function checkOnCopy(
  parts: Parts,
  handle: DocHandle<PatientDoc>,
  fn: (d: PatientDoc) => void,
  by: Author | undefined
): void {
  const base = handle.doc() as A.Doc<PatientDoc>
  let scratch = A.clone(base)
  try {
    scratch = A.change(scratch, d => {
      fn(d)
    })
    const problem = editProblem(base, scratch, by, parts.self.facility)
    if (problem !== undefined) throw problem
  } finally {
    A.free(scratch)
  }
}

/** Checks `fn` on a copy, then applies it; resolves once sealed durably, with the heads that cover it. */
export async function checkedChange(
  parts: Parts,
  patientId: PatientId,
  fn: (d: PatientDoc) => void,
  by: Author | undefined
): Promise<string[]> {
  const handle = await residentRecord(parts, patientId)
  checkOnCopy(parts, handle, fn, by)
  return [...(await parts.bridge.change<PatientDoc>(patientId, fn, by))]
}
