import { afterEach, describe, expect, it } from 'vitest'
import type { FacilityId } from '@pagdandi/core/record'
import { ApiClient } from '../cli/ApiClient.js'
import { StaffService } from '../staff/StaffService.js'
import { staffClient, tempDir } from '../testing/fixtures.js'
import { HttpServer, MAX_BODY_BYTES } from './HttpServer.js'
import type { NodeApi } from './NodeApi.js'
import { InvalidReferralTransitionError } from '@pagdandi/core/record'
import { UnsupportedVersionError } from '@pagdandi/core/sync'
import { StoreClosedError } from '../store/errors.js'

/** Errors the fake node throws for a search query, to see which status each class answers with. */
const FAILURES: Record<string, () => Error> = {
  transition: () => new InvalidReferralTransitionError('r1', 'sent cannot become completed'),
  version: () => new UnsupportedVersionError('frame version 9'),
  store: () => new StoreClosedError(),
  bug: () => new TypeError('a value from a document')
}

const servers: HttpServer[] = []
const errorName = (a: { json: unknown }): string | undefined => (a.json as { error?: { name: string } }).error?.name
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
      matches: async () => ({ sameIdentifier: [], possible: [] }),
      read: async () => undefined,
      addEncounter: no,
      register: async () => {
        calls.push('register')
        return { patientId: 'x' as never }
      },
      durableHeads: async () => undefined,
      provenance: no
    },
    records: { editDemographics: no, merge: no, unmerge: no },
    work: { today: no },
    referrals: { list: async () => [], create: no },
    fhir: { exportPatient: no, preview: no, importBundle: no },
    erasure: { erase: no },
    consent: { share: no, report: no },
    everywhere: { issue: no, status: no, list: no },
    quarantine: { list: async () => [] },
    cards: { print: no, revoke: no, open: no, fetch: no }
  }
}

/** The server over a fake node, and a medical officer signed in to it. */
async function serve(calls: string[]): Promise<ApiClient> {
  const staff = new StaffService(
    await tempDir('pagdandi-http-'),
    'IN2210000101' as FacilityId,
    new Uint8Array(32).fill(7)
  )
  const s = new HttpServer(fakeApi(calls), { staff, port: 0, uiDir: '/nonexistent' })
  servers.push(s)
  const url = (await s.listen()).url
  return await staffClient({ staff, url })
}

describe('HTTP boundary', () => {
  it('refuses a cross-origin write (403 ForbiddenOriginError) before it reaches the node', async () => {
    const calls: string[] = []
    const mo = await serve(calls)
    const res = await mo.call('POST', '/api/patients', {}, { headers: { origin: 'http://evil.example' } })
    expect(res.status).toBe(403)
    expect(errorName(res)).toBe('ForbiddenOriginError')
    expect(calls).toEqual([])
  })

  it('refuses an oversized body (413) and an unknown route (404), each with a named JSON error', async () => {
    const calls: string[] = []
    const mo = await serve(calls)
    const big = await mo.call('POST', '/api/patients', undefined, { raw: 'x'.repeat(MAX_BODY_BYTES + 1) })
    expect(big.status).toBe(413)
    expect(errorName(big)).toBe('BodyTooLargeError')
    const missing = await mo.call('GET', '/api/nothing')
    expect(missing.status).toBe(404)
    expect(errorName(missing)).toBe('RouteNotFoundError')
    const unknownPatient = await mo.call('GET', '/api/patients/abcdefgh12345678/heads')
    expect(errorName(unknownPatient)).toBe('PatientNotFoundError')
    expect(calls).toEqual([])
  })

  it('answers with the status the error class names: refused input 400, a failed part 503, a bug 500 without detail', async () => {
    const mo = await serve([])
    const answer = async (q: string): Promise<[number, unknown]> => {
      const res = await mo.call('GET', `/api/patients?q=${q}`)
      return [res.status, (res.json as { error: unknown }).error]
    }
    expect(await answer('transition')).toEqual([
      400,
      expect.objectContaining({ name: 'InvalidReferralTransitionError' })
    ])
    expect(await answer('version')).toEqual([400, expect.objectContaining({ name: 'UnsupportedVersionError' })])
    expect(await answer('store')).toEqual([503, expect.objectContaining({ name: 'StoreClosedError' })])
    expect(await answer('bug')).toEqual([500, { name: 'InternalError', message: 'internal error; see the node log' }])
  })

  it('answers an unknown route without a session 401, so routes cannot be probed signed out', async () => {
    const mo = await serve([])
    const anon = new ApiClient(mo.base.href)
    const a = await anon.call('GET', '/api/nothing')
    expect([a.status, errorName(a)]).toEqual([401, 'SignInRequiredError'])
  })
})
