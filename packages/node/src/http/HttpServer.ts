/**
 * The node's local HTTP server: the JSON API, the built UI, and the automerge-repo WebSocket
 * endpoint at `/sync` for browsers in the facility. Bound to 127.0.0.1 unless told otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { PagdandiError } from '@pagdandi/core'
import { BadRequestError, BodyTooLargeError, ForbiddenOriginError, NodeStartingError } from './errors.js'
import type { NodeApi } from './NodeApi.js'
import { routeApi } from './routes.js'
import { serveStatic } from './static.js'

/** Cap on a JSON body: a FHIR bundle of one patient is well under this; anything larger is hostile. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024

/** Options of the HTTP server. */
export interface HttpServerOptions {
  host?: string
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
  readonly wss: WebSocketServer
  readonly #opts: HttpServerOptions

  /** The node answering the API; set once the node has finished opening. */
  api: NodeApi | undefined

  constructor(api: NodeApi | undefined, opts: HttpServerOptions = {}) {
    this.api = api
    this.#opts = opts
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })
    this.#server = createServer((req, res) => {
      void this.#handle(req, res)
    })
    this.#server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head))
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
    const addr = this.#server.address() as AddressInfo
    return { host, port: addr.port, url: `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}/` }
  }

  /** Stops accepting, closes browser sockets and waits for the server to close. */
  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate()
    this.wss.close()
    this.#server.closeAllConnections()
    await new Promise<void>(resolve => this.#server.close(() => resolve()))
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/sync' || !sameOrigin(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    this.wss.handleUpgrade(req, socket, head, ws => this.wss.emit('connection', ws, req))
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    try {
      if (!url.pathname.startsWith('/api/')) {
        if (method !== 'GET' && method !== 'HEAD') throw new BadRequestError('only GET is served outside /api/')
        await serveStatic(res, url.pathname, this.#opts.uiDir)
        return
      }
      if (method !== 'GET' && !sameOrigin(req)) throw new ForbiddenOriginError()
      if (this.api === undefined) throw new NodeStartingError()
      const answer = await routeApi(this.api, {
        method,
        path: url.pathname,
        query: url.searchParams,
        body: async () => await readJson(req)
      })
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
      if (!res.headersSent) send(res, status, { error: { name, message } })
      else res.destroy()
    }
  }
}

/** Browsers send Origin on cross-site requests; only the node's own pages may call the API. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

function send(res: ServerResponse, status: number, json: unknown): void {
  const body = JSON.stringify(json)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store'
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
