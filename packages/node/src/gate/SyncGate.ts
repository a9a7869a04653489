/**
 * The `/sync` gate: automerge-repo's WebSocket server adapter, with every message from a browser
 * held at the door until it is judged. A sync message's changes are applied to a scratch copy of
 * the node's document and the result is checked against the patient-document schema, the
 * signed-in staff member's role, and the author and facility its new entries claim
 * (core/record `checkEdit`, core/staff `forbiddenEdit`). Only then does the message reach the
 * node's Repo, and only then can DocBridge seal it; the gate records who made each change it lets
 * through (Authorship), so the sealed item names them.
 *
 * Invariants (docs/SPEC.md, Node N7–N9):
 * 1. A change is applied to the Repo only after it passed: a refused one is never applied, sealed
 *    or sent on, and the browser hears why (an ephemeral message `{ refused: { name, path? } }`
 *    on that document, which the UI maps to its catalogue) and the audit log records it.
 * 2. A socket is bound to the staff member whose session opened it, looked up again for every
 *    message: sign-out, idle expiry or a disabled account refuse the next change and close it.
 * 3. Messages from one socket are judged one at a time, in order.
 * 4. A browser's ephemeral messages are dropped: the node's Repo would relay them to others.
 */
import type { IncomingMessage } from 'node:http'
import * as A from '@automerge/automerge'
import {
  cbor,
  type DocHandle,
  type DocumentId,
  type EphemeralMessage,
  type SessionId,
  type Message,
  type PeerId,
  type RequestMessage,
  type SyncMessage
} from '@automerge/automerge-repo'
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket'
import type { WebSocketServer } from 'isomorphic-ws'
import type { WebSocket } from 'ws'
import { PagdandiError } from '@pagdandi/core'
import { InvalidPatientDocumentError } from '@pagdandi/core/record'
import { authorOf, type StaffSession } from '@pagdandi/core/staff'
import type { Authorship } from '../repo/Authorship.js'
import { SignInRequiredError } from '../staff/errors.js'
import { editProblem } from './editCheck.js'
import type { AuditInput } from '../staff/AuditLog.js'
import { IncompleteSyncChangeError, MalformedSyncMessageError, SyncDocumentUnknownError } from './errors.js'

/** Refusals remembered per socket, so a browser resending one refused change is audited once. */
const MAX_REMEMBERED_REFUSALS = 256

/** What the gate needs from the node. */
export interface SyncGateOptions {
  /** The signed-in staff member behind a socket's upgrade request, looked up for every message. */
  sessionOf: (req: IncomingMessage) => Promise<StaffSession | undefined>
  /** The node's live document (made resident if cold); undefined when this node does not hold it. */
  resident: (docId: string) => Promise<DocHandle<unknown> | undefined>
  authorship: Authorship
  /** This facility: every entry a browser writes here must name it. */
  facility: string
  /** The node's audit log. */
  audit: (entry: AuditInput) => Promise<void>
  log?: (line: string) => void
}

interface Socket {
  req: IncomingMessage | undefined
  queue: Promise<void>
  refused: Set<string>
}

/**
 * The `ws` server the adapter takes, as its declaration names it: through isomorphic-ws, whose
 * CommonJS view of `ws` types the server's socket class as the whole module (ESM's `ws` types do
 * not fit it). HttpServer makes the server through isomorphic-ws, which on Node is `ws` itself.
 */
export type GateServer = WebSocketServer

/** The WebSocket server adapter that judges every browser change before the Repo sees it. */
export class GatedWebSocketAdapter extends WebSocketServerAdapter {
  readonly #opts: SyncGateOptions
  readonly #sockets = new WeakMap<WebSocket, Socket>()
  readonly #session = Math.random().toString(36).slice(2)
  #count = 0
  /** Counters for tests and the status page: messages let through and refused. */
  readonly stats = { passed: 0, refused: 0 }

  constructor(wss: GateServer, opts: SyncGateOptions) {
    super(wss)
    this.#opts = opts
    // Registered before the adapter's own listener (added in connect()), so every socket is known.
    wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
      this.#sockets.set(ws, { req, queue: Promise.resolve(), refused: new Set() })
    })
  }

  override receiveMessage(messageBytes: Uint8Array, socket: WebSocket): void {
    const s = this.#sockets.get(socket)
    if (s === undefined) {
      socket.close()
      return
    }
    s.queue = s.queue
      .then(async () => {
        await this.#judge(messageBytes, socket, s)
      })
      .catch((err: unknown) => {
        this.#opts.log?.(`/sync: ${(err as Error).name}; socket closed`)
        socket.close()
      })
  }

  async #judge(bytes: Uint8Array, socket: WebSocket, s: Socket): Promise<void> {
    let message: Message
    try {
      message = cbor.decode(bytes) as Message
    } catch {
      socket.close()
      return
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') {
      socket.close()
      return
    }
    const session = s.req === undefined ? undefined : await this.#opts.sessionOf(s.req)
    if (session === undefined) {
      this.#tell(message, new SignInRequiredError())
      socket.close()
      return
    }
    if (message.type === 'join') {
      super.receiveMessage(bytes, socket)
      return
    }
    // Only the socket that joined as a peer speaks for it (as the adapter itself checks).
    if (this.sockets[message.senderId] !== socket) return
    if (message.type === 'ephemeral') return
    if (message.type !== 'sync' && message.type !== 'request') {
      if (['doc-unavailable', 'remote-subscription-change', 'remote-heads-changed'].includes(message.type))
        this.emit('message', message)
      return
    }
    const passed = await this.#check(message as SyncMessage | RequestMessage, session, s)
    if (passed !== undefined) {
      this.stats.passed++
      this.emit('message', passed)
    }
  }

  /** The message to hand the Repo, or undefined when its changes are refused. */
  async #check(message: SyncMessage | RequestMessage, session: StaffSession, s: Socket): Promise<Message | undefined> {
    const docId = message.documentId
    let decoded: A.DecodedSyncMessage
    try {
      decoded = A.decodeSyncMessage(message.data)
    } catch {
      throw new MalformedSyncMessageError('sync message does not decode')
    }
    if (decoded.changes.length === 0) return message
    const handle = await this.#opts.resident(docId)
    if (handle === undefined) return await this.#refuse(message, session, s, docId, new SyncDocumentUnknownError(docId))
    const base = handle.doc() as A.Doc<unknown>
    let scratch = A.clone(base)
    try {
      try {
        // What the Repo will do with it, on a copy: the changes may be whole-document chunks.
        ;[scratch] = A.receiveSyncMessage(scratch, A.initSyncState(), message.data)
      } catch {
        throw new MalformedSyncMessageError('a change does not apply')
      }
      const fresh = A.getChangesMetaSince(scratch, A.getHeads(base)).map(m => m.hash)
      const key = `${docId} ${[...A.getHeads(scratch)].sort().join(',')}`
      if (fresh.length === 0) return message
      if (s.refused.has(key)) return undefined
      // Changes that wait for others the browser has not sent cannot be judged yet.
      if (A.getMissingDeps(scratch, []).length > 0)
        return await this.#refuse(message, session, s, key, new IncompleteSyncChangeError(docId))
      const problem = editProblem(base, scratch, authorOf(session), this.#opts.facility)
      if (problem !== undefined) return await this.#refuse(message, session, s, key, problem)
      this.#opts.authorship.attribute(fresh, authorOf(session))
      await this.#opts.audit({
        event: 'record.change',
        actor: session.staffId,
        patient: docId,
        detail: { changes: fresh.length }
      })
      return message
    } finally {
      A.free(scratch)
    }
  }

  async #refuse(
    message: SyncMessage | RequestMessage,
    session: StaffSession,
    s: Socket,
    key: string,
    why: PagdandiError
  ): Promise<undefined> {
    this.stats.refused++
    if (s.refused.size >= MAX_REMEMBERED_REFUSALS) s.refused.clear()
    s.refused.add(key)
    const path = why instanceof InvalidPatientDocumentError ? why.path : undefined
    this.#opts.log?.(`/sync: refused a change to ${message.documentId}: ${why.name}${path ? ` at ${path}` : ''}`)
    await this.#opts.audit({
      event: 'record.change.refused',
      actor: session.staffId,
      patient: message.documentId,
      detail: { reason: why.name, ...(path === undefined ? {} : { path: path.slice(0, 100) }) }
    })
    this.#tell(message, why, path)
    return undefined
  }

  /** Tells the browser why, on the document concerned, as an automerge-repo ephemeral message. */
  #tell(message: Message, why: Error, path?: string): void {
    const documentId = (message as { documentId?: unknown }).documentId
    if (typeof documentId !== 'string' || this.peerId === undefined || this.sockets[message.senderId] === undefined)
      return
    const refusal: EphemeralMessage = {
      type: 'ephemeral',
      senderId: this.peerId,
      targetId: message.senderId as PeerId,
      documentId: documentId as DocumentId,
      sessionId: this.#session as SessionId,
      count: ++this.#count,
      data: cbor.encode({ refused: { name: why.name, ...(path === undefined ? {} : { path }) } })
    }
    this.send(refusal)
  }
}
