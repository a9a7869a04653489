import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { HttpServer, MAX_BODY_BYTES } from './HttpServer.js'
import type { NodeApi } from './NodeApi.js'
import { InvalidReferralTransitionError } from '@pagdandi/core/record'
import { UnsupportedVersionError } from '@pagdandi/core/sync'
import { StoreClosedError } from '../store/errors.js'

/** Errors the fake node throws for a search query, to see which status each class answers with. */
const FAILURES: Record<string, () => Error> = {
  transition: () => new InvalidReferralTransitionError('r1', 'sent cannot become completed'),
  version: () => new UnsupportedVersionError(9),
  store: () => new StoreClosedError(),
  bug: () => new TypeError('a value from a document')
}

const servers: HttpServer[] = []
const errorName = async (res: Response): Promise<string> =>
  ((await res.json()) as { error: { name: string } }).error.name
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

/** A node that records what reached it. */
function fakeApi(calls: string[]): NodeApi {
  const no = async (): Promise<never> => {
    throw new TypeError('not used')
  }
  return {
    status: { report: no },
    roster: { entries: async () => [], accept: no },
    patients: {
      search: async query => {
        const fail = FAILURES[query]
        if (fail !== undefined) throw fail()
        return []
      },
      read: async () => undefined,
      register: async () => {
        calls.push('register')
        return { patientId: 'x' as never }
      },
      durableHeads: async () => undefined,
      provenance: no
    },
    referrals: { list: async () => [], create: no },
    fhir: { exportPatient: no, preview: no, importBundle: no },
    erasure: { erase: no },
    quarantine: { list: async () => [] }
  }
}

async function serve(calls: string[]): Promise<string> {
  const s = new HttpServer(fakeApi(calls), { port: 0, uiDir: '/nonexistent' })
  servers.push(s)
  return (await s.listen()).url
}

describe('HTTP boundary', () => {
  it('refuses a cross-origin write (403 ForbiddenOriginError) before it reaches the node', async () => {
    const calls: string[] = []
    const url = await serve(calls)
    const res = await fetch(new URL('/api/patients', url), {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}'
    })
    expect(res.status).toBe(403)
    expect(await errorName(res)).toBe('ForbiddenOriginError')
    expect(calls).toEqual([])
  })

  it('refuses an oversized body (413) and an unknown route (404), each with a named JSON error', async () => {
    const calls: string[] = []
    const url = await serve(calls)
    const big = await fetch(new URL('/api/patients', url), { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES + 1) })
    expect(big.status).toBe(413)
    expect(await errorName(big)).toBe('BodyTooLargeError')
    const missing = await fetch(new URL('/api/nothing', url))
    expect(missing.status).toBe(404)
    expect(await errorName(missing)).toBe('RouteNotFoundError')
    const unknownPatient = await fetch(new URL('/api/patients/abcdefgh12345678/heads', url))
    expect(await errorName(unknownPatient)).toBe('PatientNotFoundError')
    expect(calls).toEqual([])
  })

  it('answers with the status the error class names: refused input 400, a failed part 503, a bug 500 without detail', async () => {
    const url = await serve([])
    const answer = async (q: string): Promise<[number, unknown]> => {
      const res = await fetch(new URL(`/api/patients?q=${q}`, url))
      return [res.status, ((await res.json()) as { error: unknown }).error]
    }
    expect(await answer('transition')).toEqual([
      400,
      expect.objectContaining({ name: 'InvalidReferralTransitionError' })
    ])
    expect(await answer('version')).toEqual([400, expect.objectContaining({ name: 'UnsupportedVersionError' })])
    expect(await answer('store')).toEqual([503, expect.objectContaining({ name: 'StoreClosedError' })])
    expect(await answer('bug')).toEqual([500, { name: 'InternalError', message: 'internal error; see the node log' }])
  })

  it('accepts the /sync WebSocket only from its own origin', async () => {
    const url = await serve([])
    const ws = url.replace('http', 'ws') + 'sync'
    const outcome = async (origin: string): Promise<string> =>
      await new Promise(resolve => {
        const sock = new WebSocket(ws, { origin })
        sock.once('open', () => {
          sock.close()
          resolve('open')
        })
        sock.once('error', () => resolve('refused'))
      })
    expect(await outcome('http://evil.example')).toBe('refused')
    expect(await outcome(url.replace(/\/$/, ''))).toBe('open')
  })
})
