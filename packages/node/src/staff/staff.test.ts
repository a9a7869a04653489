import { readFile, stat, writeFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { FacilityId } from '@pagdandi/core/record'
import { tempDir } from '../testing/fixtures.js'
import { LOCKOUT, SESSION_IDLE_MS, SessionStore } from './SessionStore.js'
import { StaffStore } from './StaffStore.js'

const FACILITY = 'IN2210000101' as FacilityId
const HPR = '71-4000-1234-5678'

async function store(): Promise<StaffStore> {
  return new StaffStore(await tempDir('pagdandi-staff-'), FACILITY)
}

describe('StaffStore', () => {
  it('adds, lists, disables and resets accounts; the file is owner-only and holds no password', async () => {
    const s = await store()
    const mo = await s.add({
      username: 'dr.kashyap',
      name: 'Dr. Kashyap',
      role: 'medical-officer',
      hprId: HPR,
      password: 'correct horse'
    })
    expect(mo).toMatchObject({
      username: 'dr.kashyap',
      role: 'medical-officer',
      hprId: '71400012345678',
      disabled: false
    })
    expect(mo).not.toHaveProperty('passwordHash')
    expect((await stat(s.file)).mode & 0o777).toBe(0o600)
    const text = await readFile(s.file, 'utf8')
    expect(text).not.toContain('correct horse')
    expect(text).toMatch(/"passwordHash": "scrypt\$32768\$8\$3\$/)
    expect(await s.verify('dr.kashyap', 'correct horse')).toMatchObject({ staffId: mo.staffId })
    expect(await s.verify('dr.kashyap', 'wrong horse')).toBeUndefined()
    expect(await s.verify('nobody', 'correct horse')).toBeUndefined()
    await s.disable('dr.kashyap')
    expect(await s.verify('dr.kashyap', 'correct horse')).toBeUndefined()
    await s.reset('dr.kashyap', 'battery staple')
    expect(await s.verify('dr.kashyap', 'battery staple')).toMatchObject({ disabled: false })
    expect((await s.list()).map(a => a.username)).toEqual(['dr.kashyap'])
  })

  it('refuses bad usernames, roles, short passwords, a repeated username and HPR ids by rule', async () => {
    const s = await store()
    const base = { username: 'clerk1', name: 'Clerk One', role: 'registration-clerk', password: 'long enough' }
    await s.add(base)
    await expect(s.add(base)).rejects.toMatchObject({ name: 'StaffExistsError', status: 409 })
    await expect(s.add({ ...base, username: 'X' })).rejects.toMatchObject({ name: 'InvalidStaffError' })
    await expect(s.add({ ...base, username: 'clerk2', role: 'doctor' })).rejects.toMatchObject({
      name: 'InvalidStaffError'
    })
    await expect(s.add({ ...base, username: 'clerk2', password: 'short' })).rejects.toMatchObject({
      name: 'InvalidStaffError'
    })
    await expect(s.add({ ...base, username: 'clerk2', hprId: HPR })).rejects.toThrow(/has none/)
    await expect(s.add({ ...base, username: 'nurse1', role: 'nurse' })).rejects.toThrow(/hprId: required/)
    await expect(s.add({ ...base, username: 'nurse1', role: 'nurse', hprId: '71-4000-1234' })).rejects.toThrow(
      /14 digits/
    )
    await expect(s.disable('nobody')).rejects.toMatchObject({ name: 'StaffNotFoundError', status: 404 })
  })

  it('keeps the last enabled admin', async () => {
    const s = await store()
    await s.add({ username: 'admin', name: 'Admin', role: 'facility-admin', password: 'long enough' })
    await expect(s.disable('admin')).rejects.toMatchObject({ name: 'LastAdminError' })
  })

  it('refuses a hand-edited staff file by name', async () => {
    const s = await store()
    await s.add({ username: 'clerk1', name: 'Clerk One', role: 'registration-clerk', password: 'long enough' })
    const json = JSON.parse(await readFile(s.file, 'utf8'))
    json.staff[0].role = 'superuser'
    await writeFile(s.file, JSON.stringify(json))
    await expect(s.list()).rejects.toMatchObject({ name: 'StaffFileError' })
    await writeFile(s.file, '{not json')
    await expect(s.verify('clerk1', 'long enough')).rejects.toMatchObject({ name: 'StaffFileError' })
  })

  it('refuses a staff file whose password hash asks for more than a sign-in may cost (a damaged file must not cost minutes and gigabytes per sign-in)', async () => {
    const s = await store()
    await s.add({ username: 'clerk1', name: 'Clerk One', role: 'registration-clerk', password: 'long enough' })
    const json = JSON.parse(await readFile(s.file, 'utf8'))
    // 2 GiB and minutes of scrypt per sign-in attempt, which every attempt (and the decoy) would pay.
    json.staff[0].passwordHash = json.staff[0].passwordHash.replace(/^scrypt\$32768\$8\$3\$/, 'scrypt$1048576$16$16$')
    await writeFile(s.file, JSON.stringify(json))
    await expect(s.list()).rejects.toMatchObject({ name: 'StaffFileError', message: /passwordHash/ })
    await expect(s.verify('clerk1', 'long enough')).rejects.toMatchObject({ name: 'StaffFileError' })
  })
})

describe('SessionStore', () => {
  async function signedIn(): Promise<{ s: StaffStore; sessions: SessionStore; clock: { t: number } }> {
    const s = await store()
    await s.add({ username: 'pharm1', name: 'Pharmacist', role: 'pharmacist', password: 'long enough' })
    const clock = { t: 1_000_000 }
    return { s, sessions: new SessionStore(s, { now: () => clock.t }), clock }
  }

  it('opens a session with the staff shape and ends it after the idle timeout', async () => {
    const { sessions, clock } = await signedIn()
    const live = await sessions.signIn('pharm1', 'long enough')
    expect(live.staff).toEqual({
      staffId: live.staff.staffId,
      username: 'pharm1',
      name: 'Pharmacist',
      role: 'pharmacist',
      facility: FACILITY
    })
    expect(live.csrf).not.toBe(live.token)
    clock.t += SESSION_IDLE_MS - 1
    expect(await sessions.lookup(live.token)).toMatchObject({ csrf: live.csrf })
    clock.t += SESSION_IDLE_MS - 1
    expect(await sessions.lookup(live.token)).toBeDefined()
    clock.t += SESSION_IDLE_MS + 1
    expect(await sessions.lookup(live.token)).toBeUndefined()
  })

  it('locks a username out after repeated failures, with a delay that grows, and a success resets it', async () => {
    const { sessions, clock } = await signedIn()
    for (let i = 0; i < LOCKOUT.freeFailures; i++)
      await expect(sessions.signIn('pharm1', 'wrong')).rejects.toMatchObject({ name: 'SignInFailedError', status: 401 })
    // Locked now: even the right password is refused unheard.
    await expect(sessions.signIn('pharm1', 'long enough')).rejects.toMatchObject({
      name: 'SignInLockedError',
      status: 429,
      retryAfterSeconds: 30
    })
    clock.t += LOCKOUT.firstDelayMs
    await expect(sessions.signIn('pharm1', 'wrong')).rejects.toMatchObject({ name: 'SignInFailedError' })
    await expect(sessions.signIn('pharm1', 'long enough')).rejects.toMatchObject({ retryAfterSeconds: 60 })
    clock.t += 60_000
    await expect(sessions.signIn('pharm1', 'wrong')).rejects.toMatchObject({ name: 'SignInFailedError' })
    await expect(sessions.signIn('pharm1', 'long enough')).rejects.toMatchObject({ retryAfterSeconds: 120 })
    clock.t += 120_000
    expect((await sessions.signIn('pharm1', 'long enough')).staff.username).toBe('pharm1')
    await expect(sessions.signIn('pharm1', 'wrong')).rejects.toMatchObject({ name: 'SignInFailedError' })
  })

  it('counts parallel guesses before checking them', async () => {
    const { sessions } = await signedIn()
    const all = await Promise.allSettled(
      Array.from({ length: 20 }, async () => await sessions.signIn('pharm1', 'wrong'))
    )
    const names = all.map(r => (r.status === 'rejected' ? (r.reason as Error).name : 'ok'))
    expect(names.filter(n => n === 'SignInFailedError')).toHaveLength(LOCKOUT.freeFailures)
    expect(names.filter(n => n === 'SignInLockedError')).toHaveLength(20 - LOCKOUT.freeFailures)
  })

  it('ends the sessions of a disabled account', async () => {
    const { s, sessions } = await signedIn()
    await s.add({ username: 'admin', name: 'Admin', role: 'facility-admin', password: 'long enough' })
    const live = await sessions.signIn('pharm1', 'long enough')
    await s.disable('pharm1')
    expect(await sessions.lookup(live.token)).toBeUndefined()
  })
})
