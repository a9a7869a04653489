/**
 * The attacks of issue 13 against a real node on loopback: a DNS-rebinding page, a form post with no
 * `Origin` or as `text/plain`, a forged request without the CSRF token, an unauthenticated or
 * cross-origin `/sync` upgrade, guessed passwords. Each fails by name and changes nothing.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { ApiClient } from '../cli/ApiClient.js'
import { openStore } from '../cli/storeFactory.js'
import { FacilityNode } from '../FacilityNode.js'
import { LOCKOUT } from '../staff/SessionStore.js'
import {
  TEST_SECRET,
  TEST_STAFF_PASSWORD,
  makeNetwork,
  registration,
  staffClient,
  tempDir
} from '../testing/fixtures.js'
import { HttpServer } from './HttpServer.js'

let node: FacilityNode
let dir: string
let clerk: ApiClient
let rebound: string

beforeAll(async () => {
  const { dirs } = await makeNetwork(await tempDir(), [{ facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC' }])
  dir = dirs[0]!
  node = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: { port: 0 }, openStore })
  await node.start()
  clerk = await staffClient(node, 'registration-clerk')
  rebound = `evil.example:${new URL(node.url!).port}`
}, 60_000)
afterAll(async () => {
  await node?.stop()
})

const nameOf = (a: { json: unknown }): string | undefined => (a.json as { error?: { name: string } }).error?.name
const patients = async (): Promise<number> => (await clerk.get<{ patients: number }>('/api/status')).patients

async function upgrade(headers: Record<string, string>): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(node.url!.replace('http://', 'ws://') + 'sync', { headers })
    ws.once('open', () => {
      ws.close()
      resolve(101)
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('error', reject)
  })
}

describe('the local API is closed to everyone but signed-in staff on the node’s own pages', () => {
  it('refuses a DNS-rebinding page (Host and Origin both the attacker’s name), even with a session: 421 HostNotAllowedError', async () => {
    const before = await patients()
    const forged = { host: rebound, origin: `http://${rebound}` }
    const search = await clerk.call('GET', '/api/patients?q=somaru', undefined, { headers: forged })
    expect([search.status, nameOf(search)]).toEqual([421, 'HostNotAllowedError'])
    const reg = await clerk.call('POST', '/api/patients', registration(), { headers: forged })
    expect([reg.status, nameOf(reg)]).toEqual([421, 'HostNotAllowedError'])
    const page = await clerk.call('GET', '/', undefined, { headers: forged })
    expect(page.status).toBe(421)
    const cookie = `pagdandi_session=${clerk.credentials!.token}`
    expect(await upgrade({ ...forged, cookie })).toBe(421)
    expect(await patients()).toBe(before)
  })

  it('refuses a state-changing request without Origin (403 OriginRequiredError) or from another origin (403 ForbiddenOriginError)', async () => {
    const before = await patients()
    const none = await clerk.call('POST', '/api/patients', registration(), { headers: { origin: undefined } })
    expect([none.status, nameOf(none)]).toEqual([403, 'OriginRequiredError'])
    const other = await clerk.call('POST', '/api/patients', registration(), {
      headers: { origin: 'http://evil.example' }
    })
    expect([other.status, nameOf(other)]).toEqual([403, 'ForbiddenOriginError'])
    expect(await patients()).toBe(before)
  })

  it('refuses a text/plain body (415 UnsupportedMediaTypeError), the form post a page can send without preflight', async () => {
    const before = await patients()
    const a = await clerk.call('POST', '/api/patients', undefined, {
      raw: JSON.stringify(registration()),
      headers: { 'content-type': 'text/plain' }
    })
    expect([a.status, nameOf(a)]).toEqual([415, 'UnsupportedMediaTypeError'])
    expect(await patients()).toBe(before)
  })

  it('refuses a state-changing request without the session’s CSRF token: 403 CsrfTokenError', async () => {
    const before = await patients()
    const missing = await clerk.call('POST', '/api/patients', registration(), {
      headers: { 'x-pagdandi-csrf': undefined }
    })
    expect([missing.status, nameOf(missing)]).toEqual([403, 'CsrfTokenError'])
    const wrong = await clerk.call('POST', '/api/patients', registration(), {
      headers: { 'x-pagdandi-csrf': 'x'.repeat(43) }
    })
    expect([wrong.status, nameOf(wrong)]).toEqual([403, 'CsrfTokenError'])
    expect(await patients()).toBe(before)
    const ok = await clerk.call('POST', '/api/patients', registration())
    expect(ok.status).toBe(201)
  })

  it('upgrades /sync only for a signed-in session from the node’s own origin', async () => {
    const origin = node.url!.replace(/\/$/, '')
    const cookie = `pagdandi_session=${clerk.credentials!.token}`
    expect(await upgrade({ origin })).toBe(401)
    expect(await upgrade({ origin, cookie: 'pagdandi_session=forged' })).toBe(401)
    expect(await upgrade({ cookie })).toBe(403)
    expect(await upgrade({ cookie, origin: 'http://evil.example' })).toBe(403)
    expect(await upgrade({ cookie, origin })).toBe(101)
  })

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/ and answers who is signed in', async () => {
    const a = await new ApiClient(node.url!).call('POST', '/api/session', {
      username: 'registration-clerk',
      password: TEST_STAFF_PASSWORD
    })
    expect(a.status).toBe(200)
    expect(String(a.headers['set-cookie'])).toMatch(
      /^pagdandi_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/
    )
    const me = await clerk.get<{ staff: { username: string; role: string; facility: string }; csrf: string }>(
      '/api/session'
    )
    expect(me.staff).toMatchObject({
      username: 'registration-clerk',
      role: 'registration-clerk',
      facility: 'IN2210000101'
    })
    expect(me.csrf).toBe(clerk.credentials!.csrf)
  })

  it('locks a username out after repeated wrong passwords: 429 SignInLockedError with Retry-After', async () => {
    await staffClient(node, 'pharmacist')
    const anon = new ApiClient(node.url!)
    for (let i = 0; i < LOCKOUT.freeFailures; i++) {
      const a = await anon.call('POST', '/api/session', { username: 'pharmacist', password: 'guess' + i })
      expect([a.status, nameOf(a)]).toEqual([401, 'SignInFailedError'])
    }
    const locked = await anon.call('POST', '/api/session', { username: 'pharmacist', password: TEST_STAFF_PASSWORD })
    expect([locked.status, nameOf(locked)]).toEqual([429, 'SignInLockedError'])
    // The node's clock is real here (staff.test.ts drives the delays with an injected one): at most the first 30 s.
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(30)
  })

  it('records sign-ins, failures and opened records in the audit log by id, never a name', async () => {
    const { patientId } = await clerk.post<{ patientId: string }>('/api/patients', registration({ uhid: 'CHC-0777' }))
    await clerk.get(`/api/patients/${patientId}`)
    const admin = await staffClient(node, 'facility-admin')
    const log = await admin.get<{ log: Array<{ event: string; actor?: string; patient?: string }> }>('/api/audit')
    const events = log.log.map(e => e.event)
    expect(events).toEqual(
      expect.arrayContaining(['sign-in', 'sign-in.failed', 'sign-in.locked', 'record.register', 'record.open'])
    )
    expect(log.log).toContainEqual(
      expect.objectContaining({ event: 'record.open', actor: clerk.staff!.staffId, patient: patientId })
    )
    const text = await readFile(join(dir, 'audit.log'), 'utf8')
    expect(text).not.toMatch(/Somaru|Markam|Kilepal|9826123456|registration-clerk|pharmacist/)
  })

  it('serves the facility LAN only over TLS: a non-loopback --host without a certificate is refused', () => {
    expect(() => new HttpServer(undefined, { staff: node.staff, host: '0.0.0.0' })).toThrow(
      expect.objectContaining({ name: 'TlsRequiredError' })
    )
  })
})
