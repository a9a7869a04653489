/**
 * `pagdandi init`, `staff` and `audit` as an operator runs them: the first admin's sign-in works
 * against the started node, staff changes are audited, and a tampered or truncated audit log is
 * reported by name with exit code 1.
 */
import { createHash } from 'node:crypto'
import { readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FacilityNode } from '../FacilityNode.js'
import { TEST_SECRET, tempDir } from '../testing/fixtures.js'
import { ApiClient } from './ApiClient.js'
import type { Io } from './command.js'
import { COMMANDS } from './commands/index.js'
import { EXIT_FAILURE, EXIT_OK, main } from './main.js'
import { openStore } from './storeFactory.js'

function capture(): Io & { out: (l: string) => void; text: () => string } {
  const lines: string[] = []
  return {
    out: l => lines.push(l),
    err: l => lines.push(l),
    progress: () => {},
    env: { PAGDANDI_SECRET: TEST_SECRET },
    text: () => lines.join('\n')
  }
}

async function cli(...argv: string[]): Promise<{ code: number; text: string }> {
  const io = capture()
  const code = await main(argv, COMMANDS, io)
  return { code, text: io.text() }
}

async function initialised(): Promise<{ dir: string; password: string }> {
  const dir = join(await tempDir('pagdandi-cli-staff-'), 'chc')
  const init = await cli(
    'init',
    '--data',
    dir,
    '--facility',
    'IN2210000101',
    '--name',
    'CHC Tokapal',
    '--kind',
    'CHC',
    '--district',
    'Bastar'
  )
  expect(init.code).toBe(EXIT_OK)
  const password = /username admin, password (\S+) /.exec(init.text)?.[1]
  expect(password, init.text).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/)
  return { dir, password: password! }
}

describe('pagdandi init, staff and audit', () => {
  it('init prints the first admin’s sign-in, and it signs in to the started node', async () => {
    const { dir, password } = await initialised()
    const node = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: { port: 0 }, openStore })
    try {
      await node.start()
      const admin = await ApiClient.signIn(node.url!, 'admin', password)
      expect(admin.staff).toMatchObject({ username: 'admin', role: 'facility-admin', facility: 'IN2210000101' })
      const wrong = await new ApiClient(node.url!).call('POST', '/api/session', {
        username: 'admin',
        password: 'not-it-at-all'
      })
      expect(wrong.status).toBe(401)
    } finally {
      await node.stop()
    }
  })

  it('adds, lists, disables and resets staff; refuses a practitioner without an HPR id; audits each change', async () => {
    const { dir } = await initialised()
    const pw = join(dir, '..', 'pw')
    await writeFile(pw, 'a long password\n')
    const noHpr = await cli(
      'staff',
      'add',
      '--data',
      dir,
      '--username',
      'dr.netam',
      '--name',
      'Dr. Netam',
      '--role',
      'medical-officer',
      '--password-file',
      pw
    )
    expect([noHpr.code, noHpr.text]).toEqual([
      EXIT_FAILURE,
      expect.stringMatching(/InvalidStaffError: hprId: required/)
    ])
    const add = await cli(
      'staff',
      'add',
      '--data',
      dir,
      '--username',
      'dr.netam',
      '--name',
      'Dr. Netam',
      '--role',
      'medical-officer',
      '--hpr',
      '71-4000-1234-5678',
      '--password-file',
      pw
    )
    expect([add.code, add.text]).toEqual([EXIT_OK, 'added dr.netam (medical-officer)'])
    const list = await cli('staff', 'list', '--data', dir, '--json')
    expect(JSON.parse(list.text)).toEqual([
      expect.objectContaining({ username: 'admin', role: 'facility-admin', disabled: false }),
      expect.objectContaining({ username: 'dr.netam', hprId: '71400012345678', disabled: false })
    ])
    expect(list.text).not.toContain('scrypt')
    expect((await cli('staff', 'disable', 'dr.netam', '--data', dir)).code).toBe(EXIT_OK)
    const reset = await cli('staff', 'reset', 'dr.netam', '--data', dir)
    expect(reset.text).toMatch(/^reset dr.netam; new password: [a-z2-9-]{19}$/)
    const shown = await cli('audit', 'show', '--data', dir, '--json')
    expect(JSON.parse(shown.text).map((e: { event: string }) => e.event)).toEqual([
      'staff.add',
      'staff.add',
      'staff.disable',
      'staff.reset'
    ])
    expect(await readFile(join(dir, 'audit.log'), 'utf8')).not.toMatch(/Netam|dr\.netam/)
  })

  it('audit verify names an edited byte (AuditLogTamperedError) and a truncated log (AuditLogTruncatedError); export writes the checked log', async () => {
    const { dir } = await initialised()
    await cli(
      'staff',
      'add',
      '--data',
      dir,
      '--username',
      'clerk1',
      '--name',
      'Clerk One',
      '--role',
      'registration-clerk'
    )
    expect(await cli('audit', 'verify', '--data', dir)).toEqual({
      code: EXIT_OK,
      text: expect.stringMatching(/^audit log intact: 2 entries, head [0-9a-f]{64}$/)
    })
    const out = join(dir, '..', 'audit-export.jsonl')
    expect((await cli('audit', 'export', '--data', dir, '--out', out)).code).toBe(EXIT_OK)
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(2)

    const file = join(dir, 'audit.log')
    const text = await readFile(file, 'utf8')
    const at = text.indexOf('"staff.add"', text.indexOf('\n'))
    await writeFile(file, text.slice(0, at + 2) + 'T' + text.slice(at + 3))
    const tampered = await cli('audit', 'verify', '--data', dir)
    expect(tampered).toEqual({
      code: EXIT_FAILURE,
      text: "pagdandi: AuditLogTamperedError: audit log entry 2 does not match its MAC under this facility's audit key"
    })
    expect((await cli('audit', 'export', '--data', dir, '--out', out)).text).toMatch(/AuditLogTamperedError/)

    await writeFile(file, text)
    await truncate(file, text.indexOf('\n') + 1)
    const truncated = await cli('audit', 'verify', '--data', dir)
    expect(truncated).toEqual({
      code: EXIT_FAILURE,
      text: 'pagdandi: AuditLogTruncatedError: audit log has 1 entries; its head names entry 2'
    })

    // A consistent rewrite by someone with file access but not the operator secret: entry 1
    // dropped, the chain and the head redone with the unkeyed SHA-256 the log used before.
    const second = JSON.parse(text.trim().split('\n')[1]!) as Record<string, unknown>
    const body: Record<string, unknown> = { ...second, seq: 1, prev: '0'.repeat(64) }
    delete body.hash
    const hash = createHash('sha256').update('0'.repeat(64)).update('\n').update(JSON.stringify(body)).digest('hex')
    await writeFile(file, JSON.stringify({ ...body, hash }) + '\n')
    await writeFile(join(dir, 'audit.head'), JSON.stringify({ seq: 1, hash }) + '\n')
    expect(await cli('audit', 'verify', '--data', dir)).toEqual({
      code: EXIT_FAILURE,
      text: "pagdandi: AuditLogTamperedError: audit log entry 1 does not match its MAC under this facility's audit key"
    })
  })
})
