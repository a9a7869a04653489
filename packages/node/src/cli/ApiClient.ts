/**
 * A client of a node's local API as a browser on the node's own page would be: its `Origin`, JSON
 * bodies, the session cookie and the CSRF header. The CLI talks to a running node through it (with
 * the operator session of the run file); tests and benchmarks sign in through it as staff.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { StaffSession } from '@pagdandi/core/staff'
import { NodeRequestError } from './errors.js'

/** A session's credentials: the cookie's token and the CSRF token. */
export interface ApiCredentials {
  token: string
  csrf: string
}

/** A raw answer. */
export interface ApiAnswer {
  status: number
  json: unknown
  headers: IncomingHttpHeaders
}

/** Options of a request: extra or replaced headers (tests forge them), a raw body. */
export interface ApiRequestOptions {
  headers?: Record<string, string | undefined>
  /** Sent as is instead of JSON of `body`. */
  raw?: string
}

/** A signed-in (or not yet signed-in) client of one node. */
export class ApiClient {
  readonly base: URL
  credentials: ApiCredentials | undefined
  staff: StaffSession | undefined
  /** PEM of the node's certificate, trusted for an `https:` base. */
  readonly ca: string | undefined

  constructor(base: string, credentials?: ApiCredentials, ca?: string) {
    this.base = new URL(base)
    this.credentials = credentials
    this.ca = ca
  }

  /** Signs in; throws `NodeRequestError` named as the node answered (SignInFailedError, SignInLockedError). */
  static async signIn(base: string, username: string, password: string, ca?: string): Promise<ApiClient> {
    const client = new ApiClient(base, undefined, ca)
    const a = await client.call('POST', '/api/session', { username, password })
    const token = /pagdandi_session=([^;]*)/.exec(String(a.headers['set-cookie'] ?? ''))?.[1]
    if (a.status !== 200 || token === undefined) throw failure(a)
    const body = a.json as { staff: StaffSession; csrf: string }
    client.credentials = { token, csrf: body.csrf }
    client.staff = body.staff
    return client
  }

  /** One request; answers whatever the node answered. */
  async call(method: string, path: string, body?: unknown, opts: ApiRequestOptions = {}): Promise<ApiAnswer> {
    const url = new URL(path, this.base)
    const payload = opts.raw ?? (body === undefined ? undefined : JSON.stringify(body))
    const headers: Record<string, string> = { origin: this.base.origin }
    if (payload !== undefined) headers['content-type'] = 'application/json'
    if (this.credentials !== undefined) {
      headers.cookie = `pagdandi_session=${this.credentials.token}`
      if (method !== 'GET') headers['x-pagdandi-csrf'] = this.credentials.csrf
    }
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (v === undefined) delete headers[k.toLowerCase()]
      else headers[k.toLowerCase()] = v
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    return await new Promise<ApiAnswer>((resolve, reject) => {
      const req = send(
        url,
        { method, headers, ...(this.ca !== undefined ? { ca: this.ca } : {}), timeout: 120_000 },
        res => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            let json: unknown
            try {
              json = text.length === 0 ? undefined : JSON.parse(text)
            } catch {
              json = text
            }
            resolve({ status: res.statusCode ?? 0, json, headers: res.headers })
          })
          res.on('error', reject)
        }
      )
      req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin}`)))
      req.on('error', reject)
      req.end(payload)
    })
  }

  /** GET, answering the JSON or throwing the node's named error. */
  async get<T>(path: string): Promise<T> {
    return (await this.#ok(await this.call('GET', path))) as T
  }

  /** POST JSON, answering the JSON or throwing the node's named error. */
  async post<T>(path: string, body: unknown): Promise<T> {
    return (await this.#ok(await this.call('POST', path, body))) as T
  }

  async #ok(a: ApiAnswer): Promise<unknown> {
    if (a.status >= 200 && a.status < 300) return a.json
    throw failure(a)
  }
}

function failure(a: ApiAnswer): NodeRequestError {
  const err = (a.json as { error?: { name?: unknown; message?: unknown } } | undefined)?.error
  return new NodeRequestError(
    typeof err?.name === 'string' ? err.name : 'NodeRequestError',
    typeof err?.message === 'string' ? err.message : `HTTP ${a.status}`
  )
}
