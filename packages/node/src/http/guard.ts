/**
 * The checks every request to the local API passes before any route runs (docs/THREAT_MODEL.md,
 * "the local API"): the `Host` allowlist that defeats DNS rebinding, `Origin` on every
 * state-changing request and on `/sync`, and JSON bodies declared as such.
 */
import type { IncomingMessage } from 'node:http'
import { ForbiddenOriginError } from './errors.js'
import { HostNotAllowedError, OriginRequiredError, UnsupportedMediaTypeError } from '../staff/errors.js'

/** Who the node answers for. */
export interface HostPolicy {
  /** Lower-case host names and addresses (no port) a request's `Host` may name. */
  hosts: ReadonlySet<string>
  /** Whether the server speaks TLS (the scheme an `Origin` must have). */
  tls: boolean
}

/**
 * The names a node answers for: loopback names, the address it is bound to, and names the facility
 * configured (e.g. `pagdandi.chc-tokapal.lan`). A wildcard bind answers only for configured names and
 * loopback, so a rebinding name is never among them.
 */
export function hostPolicy(bound: string, names: readonly string[], tls: boolean): HostPolicy {
  const hosts = new Set(['localhost', '127.0.0.1', '::1'])
  if (bound !== '0.0.0.0' && bound !== '::') hosts.add(bound.toLowerCase())
  for (const n of names) hosts.add(n.toLowerCase())
  return { hosts, tls }
}

/** The host name of a `Host` header or an origin's host, without port or IPv6 brackets. */
function hostname(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, '').toLowerCase()
  } catch {
    return undefined
  }
}

/** Refuses a request whose `Host` is not one the node answers for. */
export function checkHost(req: Pick<IncomingMessage, 'headers'>, policy: HostPolicy): void {
  const host = req.headers.host
  const name = host === undefined ? undefined : hostname(host)
  if (name === undefined || !policy.hosts.has(name)) throw new HostNotAllowedError()
}

/** Requires `Origin` to be the node's own origin (scheme and the allowlisted `Host`). */
export function checkOrigin(req: Pick<IncomingMessage, 'headers'>, policy: HostPolicy): void {
  const origin = req.headers.origin
  if (origin === undefined || origin === '') throw new OriginRequiredError()
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    throw new ForbiddenOriginError()
  }
  if (url.protocol !== (policy.tls ? 'https:' : 'http:') || url.host !== req.headers.host?.toLowerCase())
    throw new ForbiddenOriginError()
}

/** Requires a body-carrying request to declare `application/json` (a `text/plain` form post is refused). */
export function checkJsonBody(req: Pick<IncomingMessage, 'headers'>): void {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json') throw new UnsupportedMediaTypeError()
}

/** Methods that change state: they need `Origin`, a JSON body and the CSRF token. */
export function changesState(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'
}
