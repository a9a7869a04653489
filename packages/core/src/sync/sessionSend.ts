/**
 * The sender's policy of a sync session: after every event, what leaves next (batches, offers, cursor
 * marks) and what is read from the store, within the send window. Its invariants are the protocol's
 * (docs/PROTOCOL.md, Session) as the machine (`sessionMachine.ts`) keeps them.
 */
import { BATCH_TARGET_BYTES, MAX_BATCH_ITEMS, SEND_WINDOW_BYTES } from './constants.js'
import type { BatchFrame } from './frames.js'
import { enqueue, type Queued, type SessionAction, type SessionState } from './sessionState.js'

/**
 * The one place that decides what to send next. It runs after every event. Invariants:
 *
 * 1. Nothing is sent before both hellos are exchanged and the peer's cursor has been checked.
 * 2. Unacknowledged batch bytes never exceed `SEND_WINDOW_BYTES` (one batch may overshoot it), so a
 *    peer that stops acknowledging stops the sender instead of growing its memory.
 * 3. Items leave in queue order and a cursor mark closes the batch that contains the items it covers,
 *    so an acknowledged mark means every entitled item up to it is durably stored by the peer.
 * 4. The store is read only when the queue is empty and the window has room, one read at a time:
 *    at most one batch (or one document, for a HAVE) of read-ahead per peer. HAVEs wait their turn.
 * 5. During repair no cursor mark is sent until the peer has sent repair-fin and every HAVE it sent
 *    has been answered; then the repair base closes the last repair batch and catch-up resumes there.
 * 6. The receiver sends repair-fin only when no summary request is outstanding or being compared.
 * 8. A cursor mark never leaves while an offer sent before it is unanswered: the offered document's
 *    items (those the peer lacks) go out ahead of the mark, so a session that ends between the two
 *    leaves the peer's cursor before the grant, and the next session offers the document again.
 * 7. A receiver that asked for repair stores no cursor mark of the peer's flow until that flow
 *    restarts with repair: a catch-up begun before the peer heard of our restore skips, as echoes,
 *    items we may have lost, and a cursor past them would hide them for good.
 * 9. Every item sent lies in our log at or below every cursor mark sent after it: a HAVE is answered
 *    only with items up to the log position read so far (the repair base, in repair), and later
 *    items follow in log order. So a receiver that stores a mark with its batch knows that our log
 *    held every item of the batch at or below the mark, and may skip them as echoes only while its
 *    cursor of our log is valid (`SyncSession`: an item is stored as `from` the peer only with a
 *    mark). An item it holds beyond its cursor, if our log lost it in a restore, is sent back to us.
 */
export function decide(s: SessionState, out: SessionAction[]): void {
  if (s.phase !== 'open') return
  const repairing = s.recv.repair
  if (repairing !== undefined && repairing.outstanding.length === 0 && repairing.comparing === 0) {
    delete s.recv.repair
    out.push({ type: 'send', frame: { type: 'repair-fin' } })
  }
  const sending = s.send
  if (
    sending.mode === 'repair' &&
    sending.repairFin &&
    sending.haveReads === 0 &&
    sending.haves.length === 0 &&
    sending.repairBase !== undefined
  ) {
    enqueue(s, { kind: 'mark', upTo: sending.repairBase.seq, token: sending.repairBase.token })
    sending.readUpTo = sending.repairBase.seq
    delete sending.repairBase
    sending.mode = 'catch-up'
  }
  if (sending.mode !== 'catch-up' && sending.mode !== 'repair') return
  while (sending.queue.length > 0 && sending.inflightBytes < SEND_WINDOW_BYTES) {
    const head = sending.queue[0] as Queued
    if (head.kind === 'offer') {
      sending.queue.shift()
      sending.offered.push(head.docId)
      out.push({ type: 'send', frame: { type: 'offer', docId: head.docId } })
      continue
    }
    if (head.kind === 'mark' && sending.offered.length > 0) break
    const items: Uint8Array[] = []
    let bytes = 0
    let mark: (Queued & { kind: 'mark' }) | undefined
    while (sending.queue.length > 0) {
      const q = sending.queue[0] as Queued
      if (q.kind === 'offer') break
      if (q.kind === 'mark') {
        if (sending.offered.length > 0) break
        sending.queue.shift()
        mark = q
        break
      }
      if (items.length > 0 && (bytes + q.bytes.length > BATCH_TARGET_BYTES || items.length >= MAX_BATCH_ITEMS)) break
      sending.queue.shift()
      sending.queueBytes -= q.bytes.length
      items.push(q.bytes)
      bytes += q.bytes.length
    }
    const batchNo = sending.nextBatchNo++
    const upTo = mark?.upTo ?? 0
    // A mark at 0 (a repair base of an empty log) is no cursor: the wire carries no token for it.
    const frame: BatchFrame =
      mark === undefined || upTo === 0
        ? { type: 'batch', batchNo, upTo: 0, items }
        : { type: 'batch', batchNo, upTo, token: mark.token, items }
    sending.inflight.push({ batchNo, bytes: bytes + 16, upTo })
    sending.inflightBytes += bytes + 16
    out.push({ type: 'send', frame })
  }
  // A mark held behind an unanswered offer lets HAVEs be read (the answer among them), not the log.
  const held = sending.queue.length > 0 && (sending.queue[0] as Queued).kind === 'mark' && sending.offered.length > 0
  if (
    (sending.queue.length > 0 && !held) ||
    sending.reading ||
    sending.haveReads > 0 ||
    sending.inflightBytes >= SEND_WINDOW_BYTES
  )
    return
  const have = sending.haves.shift()
  if (have !== undefined) {
    sending.haveIds -= have.exclude.length
    sending.haveReads++
    if (have.offer === true) sending.answering = have.docId
    // Invariant 9: every item sent lies at or below every cursor mark sent after it.
    const upTo =
      sending.mode === 'repair' && sending.repairBase !== undefined ? sending.repairBase.seq : sending.readUpTo
    out.push({ type: 'read-doc', docId: have.docId, exclude: have.exclude, upTo })
    return
  }
  if (sending.mode === 'catch-up' && sending.readUpTo < sending.logEnd && sending.queue.length === 0) {
    sending.reading = true
    out.push({ type: 'read-log', after: sending.readUpTo })
  }
}
