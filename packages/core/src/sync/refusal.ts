/**
 * Which refusals of a received item end the session. An item that fails because of what the
 * *receiver* knows (a newer item format, a newer roster than ours, an author revoked in our newer
 * roster) is skipped and reported: a correct peer may hold it, and refusing the whole batch would
 * block every later item from that peer for good. An item a correct peer could never have sent
 * (malformed bytes, a bad signature, an author no roster names) proves the peer broken or hostile,
 * so the stream ends.
 */
import { RevokedAuthorError, StaleRosterError, UnsupportedVersionError } from '../crypto/errors.js'

/** Whether refusing this item must end the session (the peer's fault), rather than skip it. */
export function endsSession(error: Error): boolean {
  return !(
    error instanceof UnsupportedVersionError ||
    error instanceof StaleRosterError ||
    error instanceof RevokedAuthorError
  )
}
