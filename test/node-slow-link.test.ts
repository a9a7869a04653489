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
import {
  TEST_SECRET,
  loopbackAddress,
  makeNetwork,
  registration,
  tempDir
} from '../packages/node/src/testing/fixtures.js'
import { getJson, nodeProcessPool, postJson } from './processes.js'

const pool = nodeProcessPool({ PAGDANDI_SECRET: TEST_SECRET })
const links: LinkEmulator[] = []
afterAll(async () => {
  await pool.stopAll()
  for (const l of links) await l.close()
})

describe('a CHC and its DH over 2G via VSAT', () => {
  it('connects through the emulated link and delivers every item', async () => {
    const seed = 6401
    console.log(`link seed ${seed}`)
    const root = await tempDir('pagdandi-2g-')
    const dhAddress = await loopbackAddress()
    const { dirs } = await makeNetwork(root, [
      { facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC' },
      {
        facility: 'IN2210000001',
        name: 'DH Jagdalpur',
        kind: 'DH',
        carriesFor: ['IN2210000101'],
        addresses: [dhAddress]
      }
    ])
    const dhPort = Number(/tcp\/(\d+)/.exec(dhAddress)![1])
    const link = new LinkEmulator({ target: { port: dhPort }, profile: PROFILES['lwe-2g-vsat'], seed })
    links.push(link)
    const viaLink = await link.start()
    await writeFile(
      join(dirs[0]!, 'routes.json'),
      JSON.stringify({ routes: { IN2210000001: [`/ip4/127.0.0.1/tcp/${viaLink}/ws`] } })
    )

    const chc = await pool.start(dirs[0]!)
    for (let i = 0; i < 3; i++)
      expect((await postJson(chc, '/api/patients', registration({ uhid: `CHC-${i}` }))).status).toBe(201)
    const want = (await getJson(chc, '/api/status')).items
    const dh = await pool.start(dirs[1]!)
    await expect
      .poll(async () => (await getJson(dh, '/api/status')).items, { timeout: 120_000, interval: 500 })
      .toBe(want)
    // Every byte crossed the emulated 2G link: nothing bypassed it.
    expect(link.stats().up.bytes).toBeGreaterThan(0)
    expect((await getJson(chc, '/api/status')).peers[0].connected).toBe(true)
  }, 180_000)
})
