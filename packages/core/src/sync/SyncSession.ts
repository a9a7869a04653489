/**
 * Runs the sans-I/O session machine against an `ItemStore` and a `FrameChannel`: performs each action
 * the machine asks for and feeds the result back as an event. Events are handled one at a time, in
 * arrival order, so a slow store slows the peer down (the transport's window fills) instead of
 * queueing work in memory.
 */
import type { FacilityId, PatientId } from '../record/types.js'
import { BATCH_TARGET_BYTES, LOG_SCAN_LIMIT, MAX_HAVE_IDS } from './constants.js'
import { ItemRejectedError, SessionClosedError } from './errors.js'
import { bytesEqual } from '../bytes.js'
import { cursorToken, suspectCursor } from './fingerprint.js'
import { decodeFrame, encodeFrame, type BatchFrame, type Frame, type HaveFrame } from './frames.js'
import { compareSummary, SummarySnapshot } from './reconcile.js'
import { initialState, step, type SessionAction, type SessionEvent, type SessionState } from './sessionMachine.js'
import type {
  AdmitItems,
  Cursor,
  Entitlement,
  InspectItem,
  ItemId,
  ItemStore,
  RefusedItem,
  StoredItem,
  VerifyItem
} from './types.js'
import { endsSession } from './refusal.js'

/** A duplex of whole frames. `send` resolves when the transport has room again (back-pressure). */
export interface FrameChannel {
  send(frame: Uint8Array): Promise<void>
  close(error?: Error): void
}

/** What a session needs from its node. */
export interface SyncSessionOptions {
  store: ItemStore
  me: FacilityId
  peer: FacilityId
  rosterVersion: number
  entitled: Entitlement
  verify: VerifyItem
  inspect: InspectItem
  /**
   * Content checks, after the roster check and before storing, of the items this node can open
   * (the node decrypts, decodes the Automerge change and applies the patient-document schema).
   * Returns, per item, the error that refuses it, or undefined.
   */
  admit?: AdmitItems
  /**
   * Stored items this node must not send (found bad after they were stored, e.g. poison kept by a
   * version without admission and named at start-up): skipped like items the peer may not receive.
   */
  withhold?: (id: ItemId) => boolean
  /**
   * Items of a batch refused without ending the session: not stored (so never logged and never
   * forwarded) and skipped, so one item cannot block the stream. The node keeps them as evidence.
   */
  onRefused?: (refused: RefusedItem[]) => void
  /**
   * Roster exchange (protocol 1.1): our signed roster's bytes, and adoption of a newer one a peer
   * sends (resolves with the version now held; throws a named error for a roster it refuses).
   * Omitted on a 1.0 session, which never sends or accepts a roster frame.
   */
  rosters?: {
    current(): Uint8Array
    adopt(roster: Uint8Array): Promise<number>
  }
  channel: FrameChannel
  /** Items newly stored from this peer (after verification and the durable write). */
  onItems?: (items: StoredItem[]) => void
  /** Called once when the session ends, with the error that ended it, if any. */
  onClose?: (error?: Error) => void
  /** Observes every frame sent and received, for traces and byte counts. */
  onFrame?: (direction: 'in' | 'out', frame: Frame, bytes: number) => void
}

/** Replication progress with one peer, as a user would want to see it. */
export interface SessionStatus {
  peer: FacilityId
  open: boolean
  /** Log entries of ours the peer has not yet acknowledged (an upper bound: some may not be for it). */
  itemsToSend: number
  /** Log entries of the peer's we have not stored yet (the peer's last sequence minus our cursor). */
  itemsToReceive: number
  /** The cursor we hold of the peer's log. */
  cursor: number
  /**
   * Bytes held for this peer: batches sent and not yet acknowledged plus items read from the store
   * and waiting to be sent. Bounded by the send window plus one batch of read-ahead (sessionSend.ts).
   */
  bufferedBytes: number
}

/** One replication session with one peer over one stream. */
export class SyncSession {
  readonly #options: SyncSessionOptions
  readonly #state: SessionState
  #chain: Promise<void> = Promise.resolve()
  #snapshot: SummarySnapshot | undefined
  #closed = false
  /** Our log position the peer's catch-up started from (its valid cursor, or the repair base). */
  #catchUpFrom = 0
  /** Documents with items this session skipped because the peer was not entitled to them then. */
  readonly #skipped = new Set<PatientId>()

  constructor(options: SyncSessionOptions) {
    this.#options = options
    this.#state = initialState(options.me, options.peer, options.rosterVersion, options.rosters !== undefined)
  }

  /** The peer's facility id. */
  get peer(): FacilityId {
    return this.#options.peer
  }

  /** Whether the session has ended. */
  get closed(): boolean {
    return this.#closed
  }

  /** Send our hello. Call once, before or after frames start arriving. */
  start(): Promise<void> {
    return this.#enqueue(async () => {
      const [lastSeq, cursor] = await Promise.all([
        this.#options.store.lastSeq(),
        this.#options.store.getCursor(this.#options.peer)
      ])
      await this.#run(cursor === undefined ? { type: 'start', lastSeq } : { type: 'start', lastSeq, cursor })
    })
  }

  /** Handle one inbound frame. Resolves when handled; a bad frame closes the session with its error. */
  receive(bytes: Uint8Array): Promise<void> {
    return this.#enqueue(async () => {
      const frame = decodeFrame(bytes)
      this.#options.onFrame?.('in', frame, bytes.length)
      await this.#run({ type: 'frame', frame })
    })
  }

  /** Our log has grown (a local write or items from another peer): push what the peer may have. */
  logGrew(): void {
    void this.#enqueue(async () => {
      await this.#run({ type: 'log-grew', lastSeq: await this.#options.store.lastSeq() })
    })
  }

  /** Our roster is now `version`: a peer that named an older one is sent it. */
  rosterChanged(version: number): void {
    void this.#enqueue(async () => {
      await this.#run({ type: 'roster-changed', version })
    })
  }

  /** Resolves once every event queued so far has been handled. */
  idle(): Promise<void> {
    return this.#chain
  }

  /** End the session; the channel is closed with `error` if given. Idempotent. */
  close(error?: Error): void {
    if (this.#closed) return
    this.#closed = true
    this.#state.phase = 'closed'
    this.#snapshot = undefined
    this.#options.channel.close(error)
    this.#options.onClose?.(error)
  }

  /** Progress with this peer. */
  status(): SessionStatus {
    const s = this.#state
    const cursor = s.recv.cursor?.seq ?? 0
    return {
      peer: s.peer,
      open: s.phase === 'open',
      itemsToSend: Math.max(0, s.send.logEnd - s.send.ackedUpTo),
      itemsToReceive: Math.max(0, s.recv.peerLastSeq - cursor),
      cursor,
      bufferedBytes: s.send.inflightBytes + s.send.queueBytes
    }
  }

  #enqueue(fn: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(async () => {
      if (this.#closed) return
      try {
        await fn()
      } catch (err) {
        this.close(err instanceof Error ? err : new Error(String(err)))
      }
    })
    return this.#chain
  }

  async #run(ev: SessionEvent): Promise<void> {
    const actions = step(this.#state, ev)
    for (const a of actions) {
      if (this.#closed) throw new SessionClosedError()
      const next = await this.#perform(a)
      if (next !== undefined) await this.#run(next)
    }
  }

  async #send(frame: Frame): Promise<void> {
    const bytes = encodeFrame(frame)
    this.#options.onFrame?.('out', frame, bytes.length)
    await this.#options.channel.send(bytes)
  }

  async #perform(a: SessionAction): Promise<SessionEvent | undefined> {
    const { store, peer } = this.#options
    switch (a.type) {
      case 'send':
        await this.#send(a.frame)
        return undefined
      case 'send-hello': {
        const [epoch, lastSeq] = await Promise.all([store.epoch(), store.lastSeq()])
        const hello: Frame = {
          type: 'hello',
          facility: this.#options.me,
          rosterVersion: this.#state.rosterVersion,
          epoch,
          lastSeq
        }
        if (a.cursor !== undefined) hello.cursor = a.cursor
        await this.#send(hello)
        return undefined
      }
      case 'check-cursor': {
        const lastSeq = await store.lastSeq()
        const base = await this.#tokenAt(lastSeq)
        let valid = false
        if (a.cursor !== undefined && a.cursor.seq <= lastSeq) {
          valid = bytesEqual((await this.#tokenAt(a.cursor.seq)).token, a.cursor.token)
        }
        // Nothing to reconcile when the peer holds nothing or we have nothing: catch up from the start.
        if (a.cursor === undefined && (a.peerEmpty === true || lastSeq === 0)) {
          this.#catchUpFrom = 0
          return { type: 'cursor-checked', valid: true, base: await this.#tokenAt(0) }
        }
        // Our log lost what the peer's cursor of it covered: forget our cursor of the peer's log, so
        // this and every later session repairs the peer's flow too (sessionSend.ts, invariant 7).
        if (a.cursor !== undefined && !valid) await store.setCursor(peer, suspectCursor())
        const from = valid && a.cursor !== undefined ? a.cursor : base
        this.#catchUpFrom = from.seq
        return { type: 'cursor-checked', valid, base: from }
      }
      case 'read-log':
        return await this.#readLog(a.after)
      case 'read-doc': {
        if (!(await this.#options.entitled(peer, a.docId))) return { type: 'doc-read', items: [] }
        const exclude = new Set<string>(a.exclude)
        const withheld = this.#options.withhold ?? (() => false)
        const items = (await store.itemsForDoc(a.docId))
          .filter(i => i.seq <= a.upTo && !exclude.has(i.id) && !withheld(i.id))
          .map(i => i.bytes)
        return { type: 'doc-read', items }
      }
      case 'store':
        return await this.#store(a.batch)
      case 'answer-summary': {
        const snap = await this.#snap()
        await this.#send({ type: 'summary', ranges: snap.answer(a.ranges) })
        return undefined
      }
      case 'compare-summary': {
        const snap = await this.#snap()
        const { requests, differing } = compareSummary(snap, a.requested, a.frame.ranges)
        const haves: HaveFrame[] = []
        for (const docId of differing) haves.push(await this.#have(docId))
        return { type: 'compared', requested: a.requested, requests, haves }
      }
      case 'answer-offer':
        return { type: 'offer-answered', have: await this.#have(a.docId) }
      case 'send-roster': {
        const current = this.#options.rosters?.current()
        if (current !== undefined) await this.#send({ type: 'roster', roster: current })
        return undefined
      }
      case 'adopt-roster': {
        // A roster the node refuses (another authority, a rollback, malformed) ends the session with
        // that error: a correct peer sends only the authority's newer roster.
        const version = await this.#options.rosters!.adopt(a.roster)
        return { type: 'roster-changed', version }
      }
    }
  }

  async #tokenAt(seq: number): Promise<Cursor> {
    const epoch = await this.#options.store.epoch()
    return { seq, token: cursorToken(epoch, seq, seq === 0 ? undefined : await this.#options.store.logDigest(seq)) }
  }

  /** What we hold of a document, answered as if we held nothing unless the peer is entitled to it. */
  async #have(docId: PatientId): Promise<HaveFrame> {
    if (!(await this.#options.entitled(this.#options.peer, docId))) return { type: 'have', docId, ids: [] }
    const ids = (await this.#options.store.itemsForDoc(docId)).map(i => i.id).slice(0, MAX_HAVE_IDS)
    return { type: 'have', docId, ids }
  }

  async #snap(): Promise<SummarySnapshot> {
    if (this.#snapshot === undefined) {
      const all = await this.#options.store.docSummaries()
      const mine = []
      for (const s of all) if (await this.#options.entitled(this.#options.peer, s.docId)) mine.push(s)
      this.#snapshot = new SummarySnapshot(mine)
    }
    return this.#snapshot
  }

  async #readLog(after: number): Promise<SessionEvent> {
    const { store, peer, entitled } = this.#options
    const items: Uint8Array[] = []
    const offers: PatientId[] = []
    const allowed = new Map<PatientId, boolean>()
    let bytes = 0
    let upTo = after
    const entries = await store.logSince(after, LOG_SCAN_LIMIT)
    for (const e of entries) {
      // Items the peer sent us are never sent back: no entitlement lookup for them (a hub's log
      // is mostly its CHC's items, and a lookup reads the store).
      if (e.from === peer) {
        upTo = e.seq
        // A grant the peer sent us entitles it to what we skipped before: offer that, as for any grant.
        if (e.kind === 'access' && !offers.includes(e.docId) && (await this.#mayHaveMissed(e.docId, e.seq)))
          if (await entitled(peer, e.docId)) offers.push(e.docId)
        continue
      }
      if (this.#options.withhold?.(e.id) === true) {
        upTo = e.seq
        continue
      }
      let ok = allowed.get(e.docId)
      if (ok === undefined) {
        ok = await entitled(peer, e.docId)
        allowed.set(e.docId, ok)
      }
      if (ok && items.length > 0 && bytes + e.bytes.length > BATCH_TARGET_BYTES) break
      upTo = e.seq
      if (!ok) this.#skipped.add(e.docId)
      if (ok) {
        if (e.kind === 'access' && !offers.includes(e.docId) && (await this.#mayHaveMissed(e.docId, e.seq))) {
          offers.push(e.docId)
          // The grant goes ahead of the document it opens, with the access items it rests on: a
          // session cut before the offer is answered, or an author that loses its store or its
          // standing, must not leave the peer holding a grant it cannot trace to the creator.
          for (const a of await this.#groundOf(e)) {
            items.push(a.bytes)
            bytes += a.bytes.length
          }
        }
        items.push(e.bytes)
        bytes += e.bytes.length
      }
    }
    const at = await this.#tokenAt(upTo)
    return { type: 'log-read', items, offers, upTo, token: at.token }
  }

  /** The document's access items logged before `grant` (what its author's standing rests on), minus withheld ones. */
  async #groundOf(grant: StoredItem): Promise<StoredItem[]> {
    const withheld = this.#options.withhold ?? (() => false)
    const { peer } = this.#options
    return (await this.#options.store.accessItems(grant.docId)).filter(
      a => a.seq < grant.seq && a.from !== peer && !withheld(a.id)
    )
  }

  /**
   * Whether a grant at `seq` may make the peer entitled to items of `docId` it was not sent: items
   * this session skipped, or items from before this session's catch-up began (an earlier session
   * may have skipped them). A document created after that point and never skipped, such as every
   * new registration with its self-grant, needs no offer: its items go out in log order.
   */
  async #mayHaveMissed(docId: PatientId, seq: number): Promise<boolean> {
    if (this.#skipped.has(docId)) return true
    const earliest = (await this.#options.store.itemsForDoc(docId)).reduce((m, i) => Math.min(m, i.seq), seq)
    return earliest <= this.#catchUpFrom
  }

  async #store(batch: BatchFrame): Promise<SessionEvent> {
    const { store, peer, inspect, verify, admit } = this.#options
    let accepted: Uint8Array[] = []
    const refused: RefusedItem[] = []
    for (const bytes of batch.items) {
      let error: Error | undefined
      try {
        inspect(bytes)
      } catch (err) {
        error = err instanceof Error ? err : new Error(String(err))
      }
      error ??= verify(bytes)
      if (error === undefined) accepted.push(bytes)
      else if (endsSession(error))
        throw new ItemRejectedError(`${error.name} in batch ${batch.batchNo}: ${error.message}`, { cause: error })
      else refused.push({ bytes, error })
    }
    if (admit !== undefined && accepted.length > 0) {
      const verdicts = await admit(accepted)
      const kept: Uint8Array[] = []
      accepted.forEach((bytes, i) => {
        const error = verdicts[i]
        if (error === undefined) kept.push(bytes)
        else refused.push({ bytes, error })
      })
      accepted = kept
    }
    const cursor: Cursor | undefined =
      batch.upTo > 0 && batch.token !== undefined ? { seq: batch.upTo, token: batch.token } : undefined
    // An item is recorded as `from` the peer (never echoed back to it) only with a mark: the peer's
    // log then held it at or below our cursor (sessionSend.ts, invariant 9), so it holds it while that
    // cursor checks out. An item that came without a mark is sent back, in case the peer lost it in
    // a restore that no cursor shows.
    const fresh = await store.putItems(accepted, cursor === undefined ? {} : { from: peer, cursor: { peer, cursor } })
    if (refused.length > 0) this.#options.onRefused?.(refused)
    if (fresh.length > 0) this.#options.onItems?.(fresh)
    return cursor === undefined
      ? { type: 'stored', batchNo: batch.batchNo }
      : { type: 'stored', batchNo: batch.batchNo, cursor }
  }
}
