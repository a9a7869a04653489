import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tweetnaclScheme } from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { FacilityNode } from '../FacilityNode.js'
import { revokeMember } from '../keyring/authority.js'
import { TEST_SECRET, makeNetwork, registration, tempDir, anaemiaReferral } from '../testing/fixtures.js'
import type { Io } from './command.js'
import { COMMANDS } from './commands/index.js'
import { removeRunFile, runFileOf, writeRunFile } from './context.js'
import { EXIT_FAILURE, EXIT_OK, main } from './main.js'
import { openStore } from './storeFactory.js'

const [CHC, DH] = ['IN2210000001', 'IN2210000002'] as FacilityId[]
const io = (): Io & { out: (l: string) => void; lines: string[] } => {
  const lines: string[] = []
  return {
    lines,
    out: l => lines.push(l),
    err: l => lines.push(l),
    progress: () => {},
    env: { PAGDANDI_SECRET: TEST_SECRET }
  }
}
let node: FacilityNode | undefined
afterEach(async () => {
  await node?.stop()
  node = undefined
})

describe('pagdandi roster import and erase', () => {
  it('roster import goes to the running node, which rotates; erase then works offline and the patient is gone', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [
      { facility: CHC, name: 'CHC Tokapal', kind: 'CHC' },
      { facility: DH, name: 'DH Jagdalpur', kind: 'DH' }
    ])
    const dir = dirs[0]!
    node = await FacilityNode.open({
      data: dir,
      secret: TEST_SECRET,
      http: { port: 0 },
      openStore,
      scheme: tweetnaclScheme
    })
    await node.start()
    const { patientId } = await node.patients.register(registration())
    await node.referrals.create(patientId, anaemiaReferral(DH, 'IFA started'))
    await writeRunFile(dir, runFileOf(node))
    await revokeMember(join(root, 'authority'), TEST_SECRET, tweetnaclScheme, DH)
    const imp = io()
    expect(await main(['roster', 'import', join(root, 'authority', 'roster.json'), '--data', dir], COMMANDS, imp)).toBe(
      EXIT_OK
    )
    expect(imp.lines.join('\n')).toContain('1 document keys rotated')
    expect(node.keys.latest(patientId as PatientId)!.generation).toBe(1)
    await removeRunFile(dir)
    await node.stop()
    node = undefined

    const erase = io()
    expect(await main(['erase', '--patient', patientId, '--data', dir], COMMANDS, erase)).toBe(EXIT_OK)
    expect(erase.lines.join('\n')).toContain('2 key generations destroyed')
    const show = io()
    expect(await main(['patient', 'show', patientId, '--data', dir], COMMANDS, show)).toBe(EXIT_FAILURE)
    expect(show.lines.join('\n')).toMatch(/PatientErasedError/)
    const find = io()
    expect(await main(['patient', 'find', 'Somaru', '--data', dir], COMMANDS, find)).toBe(EXIT_FAILURE)
  })
})
