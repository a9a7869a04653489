/**
 * A damaged item store (Invariant 10): every CLI command that opens it explains itself by name and
 * points at `pagdandi store recover`, which keeps every item that verifies; the node then opens.
 */
import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FacilityNode } from '../FacilityNode.js'
import { TEST_SECRET, makeNetwork, registration, tempDir } from '../testing/fixtures.js'
import type { Io } from './command.js'
import { COMMANDS } from './commands/index.js'
import { EXIT_FAILURE, EXIT_OK, main } from './main.js'
import { openStore } from './storeFactory.js'

function capture(): Io & { lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] }
  const env = { PAGDANDI_SECRET: TEST_SECRET }
  return { lines, out: l => lines.out.push(l), err: l => lines.err.push(l), progress: () => {}, env }
}

describe('pagdandi on a damaged item store', () => {
  it('every command that opens the store names StoreDamagedError; store recover keeps what verifies', async () => {
    const root = await tempDir('pagdandi-recover-')
    const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC' }])
    const data = dirs[0]!
    const node = await FacilityNode.open({ data, secret: TEST_SECRET, http: false, openStore })
    for (let i = 0; i < 30; i++) await node.patients.register(registration({ uhid: `CHC-${i}`, name: `Patient ${i}` }))
    await node.stop()
    // One flipped byte in LevelDB's log, inside the write of an item halfway through (its key in the
    // log sub-level, `!log!<seq>`): LevelDB drops that record and the rest of its block.
    const items = join(data, 'items')
    const log = (await readdir(items)).find(f => f.endsWith('.log'))!
    const bytes = await readFile(join(items, log))
    const itemKeys: number[] = []
    for (let at = bytes.indexOf('!log!'); at !== -1; at = bytes.indexOf('!log!', at + 1)) itemKeys.push(at)
    // (A key split across LevelDB's 32 KiB blocks is not found: fewer than the 60 items written.)
    expect(itemKeys.length).toBeGreaterThan(2)
    bytes[itemKeys[Math.floor(itemKeys.length / 2)]! + 1]! ^= 0xff
    await writeFile(join(items, log), bytes)

    for (const argv of [
      ['status'],
      ['patient', 'find', 'Patient'],
      ['export-bundle', '--for', 'IN2210000101', '--out', join(root, 'b.bundle')],
      ['start', '--port', '0'],
      ['status']
    ]) {
      const io = capture()
      expect(await main([...argv, '--data', data], COMMANDS, io), argv.join(' ')).toBe(EXIT_FAILURE)
      expect(io.lines.err.join('\n'), argv.join(' ')).toMatch(/^pagdandi: StoreDamagedError: .*pagdandi store recover/)
    }
    const kept = (await readdir(root)).find(f => f.includes('.damaged-'))
    expect(kept).toBeUndefined() // kept beside the items dir, inside the data directory
    const inData = (await readdir(data)).filter(f => f.startsWith('items.damaged-'))
    expect(inData).toHaveLength(1)
    expect(await readFile(join(data, inData[0]!, log))).toEqual(bytes)

    const io = capture()
    expect(await main(['store', 'recover', '--data', data], COMMANDS, io)).toBe(EXIT_OK)
    const m = /kept (\d+) items that verify, dropped (\d+)/.exec(io.lines.out.join('\n'))
    expect(m).not.toBeNull()
    const keptItems = Number(m![1])
    expect(keptItems).toBeGreaterThan(0)
    expect(keptItems).toBeLessThan(60) // 30 registrations of 2 items: the damaged record's are lost
    await stat(join(data, inData[0]!)) // the damaged files are still there

    const after = capture()
    expect(await main(['status', '--json', '--data', data], COMMANDS, after)).toBe(EXIT_OK)
    const status = JSON.parse(after.lines.out.join('\n')) as { items: number; patients: number }
    expect(status.items).toBe(keptItems)
    expect(status.patients).toBeGreaterThan(0)
    expect(status.patients).toBeLessThanOrEqual(keptItems / 2)
  })
})
