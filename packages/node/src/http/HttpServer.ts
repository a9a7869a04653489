/**
 * The node's local HTTP server: the JSON API, the built UI, and the automerge-repo WebSocket
 * endpoint at `/sync` for browsers in the facility. Bound to 127.0.0.1 unless told otherwise; on the
 * facility LAN only over TLS. Every request passes guard.ts, then sign-in and the role (access.ts).
 */
import { timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import isomorphicWs from 'isomorphic-ws'
import type { GateServer } from '../gate/SyncGate.js'
import { PagdandiError } from '@pagdandi/core'
import { authorOf, can } from '@pagdandi/core/staff'
import { CsrfTokenError, RoleForbiddenError, SignInLockedError, SignInRequiredError } from '../staff/errors.js'
import { SESSION_COOKIE, SWEEP_MS, type LiveSession } from '../staff/SessionStore.js'
import type { StaffService } from '../staff/StaffService.js'
import { StoreFaultedError } from '../store/errors.js'
import { accessOf } from './access.js'
import {
  BadRequestError,
  BodyTooLargeError,
  NodeStartingError,
  RouteNotFoundError,
  TlsRequiredError
} from './errors.js'
import { changesState, checkHost, checkJsonBody, checkOrigin, hostPolicy, type HostPolicy } from './guard.js'
import type { NodeApi } from './NodeApi.js'
import { routeApi, type ApiRequest } from './routes.js'
import { routeStaff } from './staffRoutes.js'
import { serveStatic } from './static.js'

/** Cap on a JSON body: a FHIR bundle of one patient is well under this; anything larger is hostile. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024

/** Options of the HTTP server. */
export interface HttpServerOptions {
  /** Staff accounts, sessions and the audit log: every route but sign-in and health needs a session. */
  staff: StaffService
  host?: string
  /** Further host names the node answers for (its name on the facility LAN); see guard.ts. */
  names?: readonly string[]
  /** Certificate and key (PEM) to serve HTTPS; required for any address but loopback. */
  tls?: { cert: string; key: string }
  /** 0 picks a free port. */
  port?: number
  /** Directory of the built UI (packages/ui/dist by default). */
  uiDir?: string
  /** Logger for one-line request failures; receives no patient data. */
  log?: (line: string) => void
}

/** HTTP status an error answers with: the error class's own (`PagdandiError.status`); anything else is a 500. */
export function statusOf(err: unknown): number {
  return err instanceof PagdandiError ? err.status : 500
}

/** The local HTTP + WebSocket server. */
export class HttpServer {
  readonly #server: Server
  /** Browsers' automerge-repo sockets; hand it to `WebSocketServerAdapter`. */
  readonly wss: GateServer
  readonly #opts: HttpServerOptions
  readonly #policy: HostPolicy
  readonly #syncSessions = new WeakMap<IncomingMessage, LiveSession>()
  /** Open `/sync` sockets by the session token that opened them: closed when the session ends. */
  readonly #socketsOf = new Map<string, Set<WebSocket>>()
  #sweeper: ReturnType<typeof setInterval> | undefined
  #unlisten: () => void

  /** The node answering the API; set once the node has finished opening. */
  api: NodeApi | undefined

  constructor(api: NodeApi | undefined, opts: HttpServerOptions) {
    this.api = api
    this.#opts = opts
    const host = opts.host ?? '127.0.0.1'
    if (!LOOPBACK.has(host) && opts.tls === undefined) throw new TlsRequiredError(host)
    this.#policy = hostPolicy(host, opts.names ?? [], opts.tls !== undefined)
    this.wss = new isomorphicWs.WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      void this.#handle(req, res)
    }
    this.#server = opts.tls !== undefined ? createTlsServer({ ...opts.tls }, handler) : createServer(handler)
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.#upgrade(req, socket, head)
    })
    // A socket never outlives its session (signed out, idled out, disabled or reset).
    this.#unlisten = opts.staff.sessions.onEnd(token => {
      for (const ws of this.#socketsOf.get(token) ?? []) ws.close(SESSION_ENDED_CLOSE, 'session ended')
      this.#socketsOf.delete(token)
    })
  }

  /** The staff session that opened a `/sync` socket (its upgrade request), for binding changes to their author. */
  syncSessionOf(req: IncomingMessage): LiveSession | undefined {
    return this.#syncSessions.get(req)
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<{ host: string; port: number; url: string }> {
    const host = this.#opts.host ?? '127.0.0.1'
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#opts.port ?? 0, host, () => {
        this.#server.off('error', reject)
        resolve()
      })
    })
    // Idle sessions end by themselves, closing their sockets, even when no request looks them up.
    this.#sweeper = setInterval(() => this.#opts.staff.sessions.sweep(), SWEEP_MS)
    this.#sweeper.unref()
    const addr = this.#server.address() as AddressInfo
    const scheme = this.#opts.tls !== undefined ? 'https' : 'http'
    // A wildcard bind is reached here as localhost, a name the node answers for.
    const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host
    return { host, port: addr.port, url: `${scheme}://${shown.includes(':') ? `[${shown}]` : shown}:${addr.port}/` }
  }

  /** Stops accepting, closes browser sockets and waits for the server to close. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper)
    this.#unlisten()
    for (const ws of this.wss.clients) ws.terminate()
    this.wss.close()
    this.#server.closeAllConnections()
    await new Promise<void>(resolve => this.#server.close(() => resolve()))
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      checkHost(req, this.#policy)
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname !== '/sync') throw new RouteNotFoundError('GET', url.pathname)
      checkOrigin(req, this.#policy)
      const session = await this.#opts.staff.sessionOf(req)
      if (session === undefined) throw new SignInRequiredError()
      this.#syncSessions.set(req, session)
      this.wss.handleUpgrade(req, socket, head, ws => {
        const mine = this.#socketsOf.get(session.token) ?? new Set()
        this.#socketsOf.set(session.token, mine.add(ws))
        ws.once('close', () => {
          mine.delete(ws)
          if (mine.size === 0 && this.#socketsOf.get(session.token) === mine) this.#socketsOf.delete(session.token)
        })
        this.wss.emit('connection', ws, req)
      })
    } catch (err) {
      const status = statusOf(err)
      const body = JSON.stringify({ error: { name: (err as Error).name, message: (err as Error).message } })
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
      )
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    try {
      checkHost(req, this.#policy)
      if (!url.pathname.startsWith('/api/')) {
        if (method !== 'GET' && method !== 'HEAD') throw new BadRequestError('only GET is served outside /api/')
        await serveStatic(res, url.pathname, this.#opts.uiDir)
        return
      }
      const writes = changesState(method)
      if (writes) {
        checkOrigin(req, this.#policy)
        if (method !== 'DELETE') checkJsonBody(req)
      }
      const staff = this.#opts.staff
      const found = accessOf(method, url.pathname)
      const session = await staff.sessionOf(req)
      if (found?.row.access !== 'public') {
        if (session === undefined) throw new SignInRequiredError()
        if (writes && !sameToken(req.headers['x-pagdandi-csrf'], session.csrf)) throw new CsrfTokenError()
      }
      if (found === undefined) throw new RouteNotFoundError(method, url.pathname)
      const { row, match } = found
      if (
        session !== undefined &&
        row.access !== 'public' &&
        row.access !== 'signed-in' &&
        !can(session.staff.role, row.access)
      ) {
        await staff.audit.record({
          event: 'request.refused',
          actor: session.staff.staffId,
          detail: { action: row.access }
        })
        throw new RoleForbiddenError(session.staff.role, row.access)
      }
      if (url.pathname === '/api/health') {
        send(res, 200, { ok: true, ready: this.api !== undefined })
        return
      }
      let body: unknown
      const apiReq: ApiRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        body: async () => (body ??= await readJson(req)),
        // Every entry a route writes names the signed-in practitioner (ChangeContext.by).
        ...(session === undefined ? {} : { by: authorOf(session.staff) })
      }
      const mine = await routeStaff(staff, apiReq, session)
      if (mine !== undefined) {
        const cookie = mine.session === undefined ? undefined : this.#cookie(mine.session?.token ?? null)
        send(res, mine.status, mine.json, cookie === undefined ? {} : { 'set-cookie': cookie })
        return
      }
      if (this.api === undefined) throw new NodeStartingError()
      const answer = await routeApi(this.api, apiReq)
      if (row.audit !== undefined && session !== undefined) {
        try {
          await staff.audit.record({ ...row.audit(match, answer.json, body), actor: session.staff.staffId })
        } catch (err) {
          // The action is done and durable, so its answer is the truth; the failed append has
          // stopped the node's writes (the store latched: 503 from the next write on).
          if (!(err instanceof StoreFaultedError)) throw err
          this.#opts.log?.(`${method} ${url.pathname}: done, but its audit entry was not written: ${err.message}`)
        }
      }
      send(res, answer.status, answer.json)
    } catch (err) {
      const status = statusOf(err)
      const e = err instanceof Error ? err : new Error(String(err))
      // Our own failures keep their detail out of the answer: it may echo a value from a document.
      const name = status >= 500 && !(err instanceof PagdandiError) ? 'InternalError' : e.name
      const message = status >= 500 && !(err instanceof PagdandiError) ? 'internal error; see the node log' : e.message
      if (status >= 500)
        this.#opts.log?.(
          `${method} ${url.pathname} failed: ${e.name}${err instanceof PagdandiError ? ': ' + e.message : ''}`
        )
      const headers: Record<string, string> =
        err instanceof SignInLockedError ? { 'retry-after': String(err.retryAfterSeconds) } : {}
      if (!res.headersSent) send(res, status, { error: { name, message } }, headers)
      else res.destroy()
    }
  }

  /** The session cookie: set to a token, or cleared (`null`). */
  #cookie(token: string | null): string {
    const attrs = `HttpOnly; SameSite=Strict; Path=/${this.#opts.tls !== undefined ? '; Secure' : ''}`
    return token === null ? `${SESSION_COOKIE}=; ${attrs}; Max-Age=0` : `${SESSION_COOKIE}=${token}; ${attrs}`
  }
}

/** WebSocket close code of a `/sync` socket whose session ended (an application code, 4000-4999). */
export const SESSION_ENDED_CLOSE = 4401

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  421: 'Misdirected Request',
  503: 'Service Unavailable'
}

/**
 * Compares the CSRF header with the session's token in time that does not depend on their bytes; a
 * header of another length fails at once (every token has the same, public, length).
 */
function sameToken(header: string | string[] | undefined, token: string): boolean {
  if (typeof header !== 'string') return false
  const a = Buffer.from(header)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function send(res: ServerResponse, status: number, json: unknown, extra: Record<string, string> = {}): void {
  const body = JSON.stringify(json)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra
  })
  res.end(body)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(MAX_BODY_BYTES)
    chunks.push(chunk)
  }
  if (size === 0) throw new BadRequestError('a JSON body is required')
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new BadRequestError('body is not valid JSON')
  }
}
