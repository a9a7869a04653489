import { describe, expect, it } from 'vitest'
import type { Io } from './command.js'
import { COMMANDS } from './commands/index.js'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main } from './main.js'
import { TEST_SECRET, tempDir } from '../testing/fixtures.js'

function capture(env: NodeJS.ProcessEnv = {}): Io & { lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] }
  return { lines, out: l => lines.out.push(l), err: l => lines.err.push(l), progress: l => lines.err.push(l), env }
}

const noStack = (lines: string[]): boolean => lines.every(l => !/\n\s+at /.test(l) && !/^\s+at /.test(l))

describe('pagdandi CLI', () => {
  it('exits 2 with one plain line and no stack trace on usage errors', async () => {
    for (const argv of [
      ['bogus'],
      ['init', '--kind', 'XX'],
      ['init', '--zzz'],
      ['roster', 'frobnicate'],
      ['patient', 'find'],
      ['seed', '--count', 'many']
    ]) {
      const io = capture()
      expect(await main(argv, COMMANDS, io), argv.join(' ')).toBe(EXIT_USAGE)
      expect(io.lines.err).toHaveLength(1)
      expect(io.lines.err[0]).toMatch(/^pagdandi: UsageError: /)
      expect(noStack(io.lines.err)).toBe(true)
    }
  })

  it('prints help for every command and exits 0', async () => {
    for (const cmd of COMMANDS.filter(c => c.raw !== true)) {
      const io = capture()
      expect(await main([cmd.name, '--help'], COMMANDS, io)).toBe(EXIT_OK)
      expect(io.lines.out.join('\n')).toContain(`usage: pagdandi ${cmd.name}`)
    }
  })

  it('names the error and exits 1 for a runtime failure a user can fix', async () => {
    const dir = await tempDir()
    const missing = capture({ PAGDANDI_SECRET: TEST_SECRET })
    expect(await main(['status', '--data', `${dir}/nowhere`], COMMANDS, missing)).toBe(EXIT_FAILURE)
    expect(missing.lines.err[0]).toMatch(/^pagdandi: DataDirError: /)
    const init = capture({ PAGDANDI_SECRET: TEST_SECRET })
    expect(
      await main(
        ['init', '--data', dir, '--facility', 'IN2210000001', '--name', 'CHC', '--kind', 'CHC', '--district', 'Bastar'],
        COMMANDS,
        init
      )
    ).toBe(EXIT_OK)
    const wrong = capture({ PAGDANDI_SECRET: 'a-different-secret' })
    expect(await main(['status', '--data', dir], COMMANDS, wrong)).toBe(EXIT_FAILURE)
    expect(wrong.lines.err[0]).toMatch(/^pagdandi: WrongSecretError: /)
    expect(noStack(wrong.lines.err)).toBe(true)
  })
})
