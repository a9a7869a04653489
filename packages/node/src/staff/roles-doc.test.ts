import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { ACTIONS, ROLES, can } from '@pagdandi/core/staff'

describe('docs/ROLES.md', () => {
  it('the matrix in docs/ROLES.md is the one the code enforces', async () => {
    const text = await readFile(new URL('../../../../docs/ROLES.md', import.meta.url), 'utf8')
    const rows = new Map<string, string[]>()
    for (const m of text.matchAll(/^\| `([a-z]+\.[a-z]+)` \|(.*)\|$/gm))
      rows.set(
        m[1]!,
        m[2]!.split('|').map(c => c.trim())
      )
    expect([...rows.keys()]).toEqual([...ACTIONS])
    for (const action of ACTIONS) expect(rows.get(action), action).toEqual(ROLES.map(r => (can(r, action) ? '✓' : '·')))
  })
})
