/**
 * A DH node killed with SIGKILL in the middle of its first catch-up from a CHC, as real processes on
 * loopback with real LevelDB. After the restart it resumes from its durable cursor (Invariant 3: the
 * cursor never points past stored items) and the CHC sends no more than 25% extra item bytes,
 * compared with a clean catch-up of the same items to another DH.
 */
import { describe, expect, it } from 'vitest'
import { TEST_SECRET, loopbackAddress, makeNetwork, tempDir } from '../packages/node/src/testing/fixtures.js'
import { chcAndHub, exited, getJson, POLL, spawnCli, useNodeProcesses, type NodeProcess } from './processes.js'

const env = { PAGDANDI_SECRET: TEST_SECRET }
const start = useNodeProcesses()

async function items(node: NodeProcess): Promise<number> {
  return (await getJson(node, '/api/status')).items as number
}

async function itemBytesOut(node: NodeProcess): Promise<number> {
  return (await getJson(node, '/api/status')).traffic.itemBytesOut as number
}

describe('restart in the middle of catch-up, real processes', () => {
  it('resumes after kill -9 and resends no more than 25% extra item bytes', async () => {
    const root = await tempDir('pagdandi-restart-')
    const { dirs } = await makeNetwork(root, [
      ...(await chcAndHub()),
      {
        facility: 'IN2210000002',
        name: 'DH Dantewada',
        kind: 'DH',
        carriesFor: ['IN2210000101'],
        addresses: [await loopbackAddress()]
      }
    ])
    const [chcDir, cleanDir, killedDir] = dirs as [string, string, string]

    const seeding = spawnCli(['seed', '--data', chcDir, '--count', '1500', '--seed', '11'], env)
    await exited(seeding)
    expect(seeding.exitCode).toBe(0)
    const chc = await start(chcDir)
    const total = await items(chc)
    expect(total).toBeGreaterThanOrEqual(3000)

    // The yardstick: a clean catch-up of every item to one DH.
    const clean = await start(cleanDir)
    await expect.poll(async () => await items(clean), POLL).toBe(total)
    const cleanBytes = await itemBytesOut(chc)
    clean.child.kill('SIGTERM')
    await exited(clean.child)

    // The other DH is killed part-way through the same catch-up.
    const victim = await start(killedDir)
    await expect.poll(async () => await items(victim), { timeout: 60_000, interval: 25 }).toBeGreaterThan(total / 10)
    victim.child.kill('SIGKILL')
    await exited(victim.child)
    const restarted = await start(killedDir)
    const atRestart = await items(restarted)
    console.log(`killed with ${atRestart} of ${total} items stored`)
    expect(atRestart, 'the kill must land mid catch-up for this test to mean anything').toBeLessThan(total)

    await expect.poll(async () => await items(restarted), POLL).toBe(total)
    const resumedBytes = (await itemBytesOut(chc)) - cleanBytes
    console.log(
      `clean catch-up ${cleanBytes} item bytes; interrupted and resumed ${resumedBytes} (${((resumedBytes / cleanBytes - 1) * 100).toFixed(1)}% extra)`
    )
    expect(resumedBytes).toBeLessThanOrEqual(cleanBytes * 1.25)
  })
})
