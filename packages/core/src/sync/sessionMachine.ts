/**
 * The sans-I/O sync session between this node and one peer: `step(state, event)` mutates the state
 * and returns the actions to perform (frames to send, store reads and writes). It never touches a
 * socket or a disk; `SyncSession` (the driver) performs the actions and feeds their results back as events.
 *
 * Each side runs the same machine and plays two roles at once: *sender* of its own log to the peer
 * and *receiver* of the peer's log.
 */
import { MAX_PENDING_HAVE_IDS, MAX_PENDING_HAVES, MAX_RANGES_PER_REQUEST, MAX_REPAIR_RANGES } from './constants.js'
import { PeerMismatchError, ProtocolViolationError } from './errors.js'
import type { Frame } from './frames.js'
import { decide } from './sessionSend.js'
import { enqueue, type Queued, type SessionAction, type SessionEvent, type SessionState } from './sessionState.js'

export { initialState } from './sessionState.js'
export type { Queued, SessionAction, SessionEvent, SessionState } from './sessionState.js'

/**
 * Apply one event. Throws a named error (`ProtocolViolationError`, `PeerMismatchError`) when the peer
 * breaks the protocol; the driver then closes the stream.
 */
export function step(s: SessionState, ev: SessionEvent): SessionAction[] {
  if (s.phase === 'closed') return []
  const out: SessionAction[] = []
  switch (ev.type) {
    case 'start':
      if (s.phase !== 'new') throw new TypeError('session already started')
      s.phase = 'hello-sent'
      s.send.logEnd = ev.lastSeq
      if (ev.cursor !== undefined) s.recv.cursor = ev.cursor
      out.push(ev.cursor === undefined ? { type: 'send-hello' } : { type: 'send-hello', cursor: ev.cursor })
      break
    case 'frame':
      onFrame(s, ev.frame, out)
      break
    case 'cursor-checked':
      if (ev.valid) {
        s.send.mode = 'catch-up'
        s.send.readUpTo = ev.base.seq
        s.send.ackedUpTo = ev.base.seq
      } else {
        // Invariant 5 (sessionSend.ts): a suspect cursor is never used; repair first, then resume from `base`.
        s.send.mode = 'repair'
        if (s.recv.peerRepaired !== true) s.recv.distrust = true
        s.send.repairBase = ev.base
        s.send.repairFin = false
        s.send.answered = 0
        out.push({ type: 'send', frame: { type: 'repair' } })
      }
      break
    case 'log-read':
      s.send.reading = false
      for (const bytes of ev.items) enqueue(s, { kind: 'item', bytes })
      for (const docId of ev.offers) enqueue(s, { kind: 'offer', docId })
      if (ev.upTo > s.send.readUpTo) {
        enqueue(s, { kind: 'mark', upTo: ev.upTo, token: ev.token })
        s.send.readUpTo = ev.upTo
      } else {
        s.send.logEnd = s.send.readUpTo
      }
      break
    case 'doc-read': {
      s.send.haveReads--
      const answered = s.send.answering
      if (answered === undefined) {
        for (const bytes of ev.items) enqueue(s, { kind: 'item', bytes })
        break
      }
      // Invariant 8 (sessionSend.ts): an offered document's items go before the mark waiting behind the offer.
      delete s.send.answering
      s.send.offered.splice(s.send.offered.indexOf(answered), 1)
      const mark = s.send.queue.findIndex(q => q.kind === 'mark')
      const items: Queued[] = ev.items.map(bytes => ({ kind: 'item', bytes }))
      s.send.queue.splice(mark < 0 ? s.send.queue.length : mark, 0, ...items)
      for (const bytes of ev.items) s.send.queueBytes += bytes.length
      break
    }
    case 'stored':
      if (ev.cursor !== undefined) s.recv.cursor = ev.cursor
      out.push({ type: 'send', frame: { type: 'ack', batchNo: ev.batchNo } })
      break
    case 'compared': {
      const repairing = s.recv.repair
      if (repairing === undefined) break
      repairing.comparing--
      for (const have of ev.haves) out.push({ type: 'send', frame: have })
      for (let i = 0; i < ev.requests.length; i += MAX_RANGES_PER_REQUEST) {
        const ranges = ev.requests.slice(i, i + MAX_RANGES_PER_REQUEST)
        repairing.requested += ranges.length
        if (repairing.requested > MAX_REPAIR_RANGES) throw new ProtocolViolationError('repair does not converge')
        repairing.outstanding.push(ranges)
        out.push({ type: 'send', frame: { type: 'summary-request', ranges } })
      }
      break
    }
    case 'offer-answered':
      out.push({ type: 'send', frame: ev.have })
      break
    case 'log-grew':
      if (ev.lastSeq > s.send.logEnd) s.send.logEnd = ev.lastSeq
      break
    case 'roster-changed':
      s.rosterVersion = Math.max(s.rosterVersion, ev.version)
      offerRoster(s, out)
      break
  }
  decide(s, out)
  return out
}

/** Sends our roster once to a peer whose hello named an older one (protocol 1.1 only). */
function offerRoster(s: SessionState, out: SessionAction[]): void {
  if (!s.rosterExchange || s.phase !== 'open' || s.peerRosterVersion >= s.rosterVersion) return
  s.peerRosterVersion = s.rosterVersion
  out.push({ type: 'send-roster' })
}

function onFrame(s: SessionState, f: Frame, out: SessionAction[]): void {
  if (f.type === 'hello') {
    if (s.phase !== 'hello-sent') throw new ProtocolViolationError('unexpected hello')
    if (f.facility !== s.peer) throw new PeerMismatchError(s.peer, f.facility)
    s.phase = 'open'
    s.peerRosterVersion = f.rosterVersion
    // Before anything else we send: the peer's roster check of our items needs our roster.
    offerRoster(s, out)
    s.recv.peerLastSeq = f.lastSeq
    s.send.mode = 'checking'
    out.push(
      f.cursor === undefined
        ? { type: 'check-cursor', peerEmpty: f.lastSeq === 0 }
        : { type: 'check-cursor', cursor: f.cursor }
    )
    return
  }
  if (s.phase !== 'open') throw new ProtocolViolationError(`${f.type} before hello`)
  switch (f.type) {
    case 'roster':
      if (!s.rosterExchange) throw new ProtocolViolationError('roster frame in a protocol 1.0 session')
      out.push({ type: 'adopt-roster', roster: f.roster })
      break
    case 'batch':
      if (f.batchNo !== s.recv.expectBatchNo) {
        throw new ProtocolViolationError(`batch ${f.batchNo}, expected ${s.recv.expectBatchNo}`)
      }
      s.recv.expectBatchNo++
      if (f.upTo > s.recv.peerLastSeq) s.recv.peerLastSeq = f.upTo
      // Invariant 7 (sessionSend.ts): the items are kept, the mark of a flow we distrust is not.
      out.push({
        type: 'store',
        batch: s.recv.distrust === true ? { type: 'batch', batchNo: f.batchNo, upTo: 0, items: f.items } : f
      })
      break
    case 'ack': {
      const first = s.send.inflight[0]
      if (first === undefined || first.batchNo !== f.batchNo)
        throw new ProtocolViolationError(`ack of batch ${f.batchNo}`)
      s.send.inflight.shift()
      s.send.inflightBytes -= first.bytes
      if (first.upTo > 0) s.send.ackedUpTo = first.upTo
      break
    }
    case 'offer':
      out.push({ type: 'answer-offer', docId: f.docId })
      break
    case 'have': {
      // Held, not read: the document is loaded only when the queue is empty (invariant 4), so a peer
      // that sends HAVEs without acknowledging holds the node to the size of its requests.
      if (s.send.haves.length >= MAX_PENDING_HAVES) throw new ProtocolViolationError('too many unanswered have frames')
      const keep = s.send.haveIds + f.ids.length <= MAX_PENDING_HAVE_IDS
      const offer = s.send.offered.includes(f.docId) && !s.send.haves.some(h => h.offer === true && h.docId === f.docId)
      s.send.haves.push(
        offer ? { docId: f.docId, exclude: keep ? f.ids : [], offer } : { docId: f.docId, exclude: keep ? f.ids : [] }
      )
      if (keep) s.send.haveIds += f.ids.length
      break
    }
    case 'repair':
      if (s.recv.repair !== undefined) throw new ProtocolViolationError('repair already running')
      s.recv.peerRepaired = true
      delete s.recv.distrust
      s.recv.repair = { outstanding: [[{ lo: '' }]], requested: 1, comparing: 0 }
      out.push({ type: 'send', frame: { type: 'summary-request', ranges: [{ lo: '' }] } })
      // The peer's log no longer matches what we hold of it (restored or recreated), so its claim
      // about our log is suspect too: items it lost would be skipped as echoes. Repair our flow as well.
      if (s.send.mode === 'catch-up') {
        s.send.mode = 'checking'
        s.send.queue = []
        s.send.queueBytes = 0
        s.send.offered = []
        out.push({ type: 'check-cursor' })
      }
      break
    case 'summary-request':
      if (s.send.mode !== 'repair' || s.send.repairFin)
        throw new ProtocolViolationError('summary request outside repair')
      s.send.answered += f.ranges.length
      if (s.send.answered > MAX_REPAIR_RANGES)
        throw new ProtocolViolationError('repair does not converge (summary requests)')
      out.push({ type: 'answer-summary', ranges: f.ranges })
      break
    case 'summary': {
      const repairing = s.recv.repair
      const requested = repairing?.outstanding.shift()
      if (repairing === undefined || requested === undefined) throw new ProtocolViolationError('unrequested summary')
      repairing.comparing++
      out.push({ type: 'compare-summary', requested, frame: f })
      break
    }
    case 'repair-fin':
      if (s.send.mode !== 'repair' || s.send.repairFin) throw new ProtocolViolationError('unexpected repair-fin')
      s.send.repairFin = true
      break
  }
}
