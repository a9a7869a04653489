/**
 * A CHC and its DH as real `pagdandi start` processes whose only path is Pagdandi's link emulator
 * set to lwe-2g-vsat (64 kbit/s, 1.4 s RTT with jitter, 3% loss as retransmission stalls, no
 * outages). The CHC reaches the DH through the emulator by a local route (routes.json). Connection
 * set-up alone takes several seconds here; the node must connect, not time out and redial forever.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LinkEmulator, PROFILES } from '../bench/src/link/index.js'
import { makeNetwork, registration, tempDir } from '../packages/node/src/testing/fixtures.js'
import { chcAndHub, getJson, postJson, useNodeProcesses } from './processes.js'

const start = useNodeProcesses()
const links: LinkEmulator[] = []
// Runs before the processes stop (hooks run as a stack); a link closing under a running node is a link outage.
afterAll(async () => {
  for (const l of links) await l.close()
})

describe('a CHC and its DH over 2G via VSAT', () => {
  it('connects through the emulated link and delivers every item', async () => {
    const seed = 6401
    console.log(`link seed ${seed}`)
    const root = await tempDir('pagdandi-2g-')
    const facilities = await chcAndHub(true)
    const dhAddress = facilities[1]!.addresses![0]!
    const { dirs } = await makeNetwork(root, facilities)
    const dhPort = Number(/tcp\/(\d+)/.exec(dhAddress)![1])
    const link = new LinkEmulator({ target: { port: dhPort }, profile: PROFILES['lwe-2g-vsat'], seed })
    links.push(link)
    const viaLink = await link.start()
    await writeFile(
      join(dirs[0]!, 'routes.json'),
      JSON.stringify({ routes: { IN2210000001: [`/ip4/127.0.0.1/tcp/${viaLink}/ws`] } })
    )

    const chc = await start(dirs[0]!)
    for (let i = 0; i < 3; i++)
      expect((await postJson(chc, '/api/patients', registration({ uhid: `CHC-${i}` }))).status).toBe(201)
    const want = (await getJson(chc, '/api/status')).items
    const dh = await start(dirs[1]!)
    await expect
      .poll(async () => (await getJson(dh, '/api/status')).items, { timeout: 120_000, interval: 500 })
      .toBe(want)
    // Every byte crossed the emulated 2G link: nothing bypassed it.
    expect(link.stats().up.bytes).toBeGreaterThan(0)
    expect((await getJson(chc, '/api/status')).peers[0].connected).toBe(true)
  }, 180_000)
})
