/**
 * Admission of received notices (docs/PROTOCOL.md, "Notices", "Erasure request"), after the node's
 * other checks: a plain notice whose payload does not decode is `MalformedItemError`, and an erasure
 * request whose author is not the record's home facility (the creator this store knows) is
 * `ErasureNotByHomeError`. Either is skipped, kept in quarantine and never forwarded.
 */
import {
  decodeErasureConfirmation,
  decodeErasureRequest,
  ErasureNotByHomeError,
  NOTICE_ERASURE_CONFIRMATION,
  NOTICE_ERASURE_REQUEST
} from '@pagdandi/core/consent'
import { decodeItemHeader, openNotice } from '@pagdandi/core/crypto'
import type { AdmitItems } from '@pagdandi/core/sync'
import type { CreatorOf } from './admission.js'

/** `admit`, then the notice checks on what it let through. */
export function withNoticeChecks(admit: AdmitItems, creatorOf: CreatorOf): AdmitItems {
  return async items => {
    const verdicts = await admit(items)
    for (const [at, bytes] of items.entries()) {
      if (verdicts[at] !== undefined) continue
      let h
      try {
        h = decodeItemHeader(bytes)
      } catch {
        continue
      }
      if (h.kind !== 'notice') continue
      try {
        if (h.noticeType === NOTICE_ERASURE_REQUEST) {
          const req = decodeErasureRequest(openNotice(bytes).payload)
          const home = await creatorOf(req.record)
          if (home !== undefined && home !== h.author)
            verdicts[at] = new ErasureNotByHomeError(req.record, h.author, home)
        } else if (h.noticeType === NOTICE_ERASURE_CONFIRMATION) decodeErasureConfirmation(openNotice(bytes).payload)
      } catch (err) {
        verdicts[at] = err instanceof Error ? err : new Error(String(err))
      }
    }
    return verdicts
  }
}
