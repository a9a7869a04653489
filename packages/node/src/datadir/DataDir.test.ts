import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DataDir } from './DataDir.js'

let dir = ''
afterEach(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true })
})

async function withRoutes(text: string | undefined): Promise<DataDir> {
  dir = await mkdtemp(join(tmpdir(), 'pagdandi-datadir-'))
  const d = new DataDir(dir)
  if (text !== undefined) await writeFile(d.routesFile, text)
  return d
}

describe('routes.json', () => {
  it('is optional', async () => {
    expect(await (await withRoutes(undefined)).readRoutes()).toBeUndefined()
  })

  it('reads addresses per facility, and [] for a facility never dialled from here', async () => {
    const d = await withRoutes(
      JSON.stringify({ routes: { IN2210000001: ['/ip4/10.0.0.5/tcp/7001/ws'], IN2210000003: [] } })
    )
    expect(await d.readRoutes()).toEqual(
      new Map([
        ['IN2210000001', ['/ip4/10.0.0.5/tcp/7001/ws']],
        ['IN2210000003', []]
      ])
    )
  })

  it.each([
    ['not JSON', '{routes:'],
    ['no routes object', JSON.stringify({ IN2210000001: [] })],
    ['an address that is not a multiaddr', JSON.stringify({ routes: { IN2210000001: ['10.0.0.5:7001'] } })],
    ['a route that is not a list', JSON.stringify({ routes: { IN2210000001: '/ip4/10.0.0.5/tcp/7001/ws' } })]
  ])('refuses %s with DataDirError naming the file', async (_what, text) => {
    const d = await withRoutes(text)
    await expect(d.readRoutes()).rejects.toMatchObject({
      name: 'DataDirError',
      message: expect.stringContaining('routes.json')
    })
  })
})
