/**
 * Named refusals of the `/sync` gate. The browser is told the name (the UI maps it to a message in
 * the clinician's language); messages carry document ids and paths, never a value.
 */
import { HttpError } from '../http/errors.js'

/** A `/sync` change names a facility or an author other than the signed-in staff member at this node. */
export class ClaimedAuthorError extends HttpError {
  override name = 'ClaimedAuthorError'
  constructor(path: string) {
    super(403, 'ERR_CLAIMED_AUTHOR', `${path}: names someone other than the signed-in staff member`)
  }
}

/** A `/sync` change is for a document this node does not hold (records are registered over HTTP). */
export class SyncDocumentUnknownError extends HttpError {
  override name = 'SyncDocumentUnknownError'
  constructor(docId: string) {
    super(404, 'ERR_SYNC_DOCUMENT_UNKNOWN', `document ${docId} is not held here; register patients through the API`)
  }
}

/** A `/sync` message or one of its changes does not decode. */
export class MalformedSyncMessageError extends HttpError {
  override name = 'MalformedSyncMessageError'
  constructor(why: string) {
    super(400, 'ERR_MALFORMED_SYNC_MESSAGE', why)
  }
}

/**
 * A `/sync` message's changes depend on changes the browser has not sent (a sync bloom-filter false
 * positive), so they cannot be judged; they are refused like any change the gate cannot check.
 */
export class IncompleteSyncChangeError extends HttpError {
  override name = 'IncompleteSyncChangeError'
  constructor(docId: string) {
    super(409, 'ERR_INCOMPLETE_SYNC_CHANGE', `changes to ${docId} depend on changes not sent`)
  }
}
