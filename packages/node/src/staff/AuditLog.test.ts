import { createHash } from 'node:crypto'
import { readFile, truncate, writeFile, stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../testing/fixtures.js'
import { AuditLog } from './AuditLog.js'

/** The facility's audit key in these tests (a node derives it from its keyring: `auditKeyFrom`). */
const KEY = new Uint8Array(32).fill(7)

async function logWith(n: number): Promise<AuditLog> {
  const log = new AuditLog(await tempDir('pagdandi-audit-'), KEY, () => new Date('2026-12-03T10:00:00Z'))
  for (let i = 0; i < n; i++) await log.record({ event: 'record.open', actor: 'a1b2c3', patient: `P${i}abcdefgh` })
  return log
}

describe('AuditLog', () => {
  it('chains every entry to the one before and verifies; files are owner-only', async () => {
    const log = await logWith(3)
    const entries = await log.entries()
    expect(entries.map(e => e.seq)).toEqual([1, 2, 3])
    expect(entries[1]!.prev).toBe(entries[0]!.hash)
    expect(await log.verify()).toEqual({ entries: 3, head: entries[2]!.hash })
    expect((await stat(log.file)).mode & 0o777).toBe(0o600)
    expect((await stat(log.headFile)).mode & 0o777).toBe(0o600)
  })

  it('names an edited byte: AuditLogTamperedError at that entry', async () => {
    const log = await logWith(3)
    const text = await readFile(log.file, 'utf8')
    const at = text.indexOf('P1abcdefgh')
    await writeFile(log.file, text.slice(0, at) + 'Q' + text.slice(at + 1))
    await expect(log.verify()).rejects.toMatchObject({ name: 'AuditLogTamperedError', seq: 2 })
  })

  it('names a truncated log, at a line boundary or mid-entry: AuditLogTruncatedError', async () => {
    const log = await logWith(3)
    const text = await readFile(log.file, 'utf8')
    await truncate(log.file, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1)))
    await expect(log.verify()).rejects.toMatchObject({ name: 'AuditLogTruncatedError' })
    await truncate(log.file, Buffer.byteLength(text) - 10)
    await expect(log.verify()).rejects.toMatchObject({ name: 'AuditLogTruncatedError' })
  })

  it('cuts a torn last line on the next append and records that it did', async () => {
    const log = await logWith(2)
    await writeFile(log.file, '{"seq":3,"at":"2026', { flag: 'a' })
    const again = new AuditLog(log.file.replace(/audit\.log$/, ''), KEY)
    await again.record({ event: 'sign-out', actor: 'a1b2c3' })
    const entries = await again.entries()
    expect(entries.map(e => e.event)).toEqual(['record.open', 'record.open', 'audit.repaired', 'sign-out'])
    expect(entries[2]!.detail).toEqual({ droppedBytes: 19 })
  })

  it('names a chain rewritten consistently without the key (an entry removed, every later hash and the head redone): AuditLogTamperedError at entry 1', async () => {
    const log = await logWith(3)
    const entries = (await readFile(log.file, 'utf8'))
      .trim()
      .split('\n')
      .map(l => JSON.parse(l) as Record<string, unknown>)
    // What someone with file access can do: drop entry 2 (an opened record) and redo the chain with
    // the unkeyed SHA-256 the log used before, so every link, sequence number and the head agree.
    let prev = '0'.repeat(64)
    const rewritten = [entries[0]!, entries[2]!].map((e, i) => {
      const body: Record<string, unknown> = { ...e, seq: i + 1, prev }
      delete body.hash
      const hash = createHash('sha256').update(prev).update('\n').update(JSON.stringify(body)).digest('hex')
      prev = hash
      return { ...body, hash }
    })
    await writeFile(log.file, rewritten.map(e => JSON.stringify(e) + '\n').join(''))
    await writeFile(log.headFile, JSON.stringify({ seq: 2, hash: prev }) + '\n')
    await expect(log.verify()).rejects.toMatchObject({ name: 'AuditLogTamperedError', seq: 1 })
  })

  it('holds ids only: a name or free text is refused', async () => {
    const log = await logWith(0)
    await expect(log.record({ event: 'record.open', patient: 'Somaru Markam' })).rejects.toThrow(TypeError)
    await expect(log.record({ event: 'record.search', detail: { query: 'somaru markam' } })).rejects.toThrow(TypeError)
    expect(await log.verify()).toEqual({ entries: 0, head: '0'.repeat(64) })
  })
})
