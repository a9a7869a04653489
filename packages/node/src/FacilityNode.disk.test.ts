import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readPatient, type PatientDoc } from '@pagdandi/core/record'
import { makeNetwork, registration, tempDir } from './testing/fixtures.js'
import { openOnLevel } from './testing/runningNodes.js'

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await filesUnder(p)))
    else out.push(p)
  }
  return out
}

describe('confidentiality at rest (Invariant 6)', () => {
  it('leaves no patient name or phone number in any file of the data directory', async () => {
    const root = await tempDir()
    const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000001', name: 'CHC Tokapal', kind: 'CHC' }])
    const { node, store } = await openOnLevel(dirs[0]!)
    await node.start()
    const ids = await node.patients.seed(12, 11)
    await node.patients.register(registration({ name: 'Somaru Markam', phone: '9826123456' }))
    const secrets = new Set<string>(['Somaru Markam', '9826123456'])
    for (const id of ids) {
      const d = readPatient((await node.documents.open<PatientDoc>(id))!).demographics
      secrets.add(d.name)
      if (d.phone !== undefined) secrets.add(d.phone)
    }
    // Control: the same scan does find plaintext that the store holds as is.
    await store().putKv?.('control', new TextEncoder().encode('CONTROL-Somaru-Markam'))
    await node.stop()

    const files = await filesUnder(dirs[0]!)
    const blobs = await Promise.all(files.map(async f => ({ f, text: (await readFile(f)).toString('latin1') })))
    expect(blobs.some(b => b.text.includes('CONTROL-Somaru-Markam'))).toBe(true)
    for (const s of secrets) {
      const hits = blobs.filter(b => b.text.includes(s)).map(b => b.f)
      expect(hits, `"${s}" found on disk`).toEqual([])
    }

    // And the records are all still there after a restart, rebuilt from sealed items.
    const { node: again } = await openOnLevel(dirs[0]!)
    expect((await again.patients.search('Somru Markaam')).length).toBe(1)
    expect(again.documents.docIds().length).toBe(13)
    await again.stop()
  })
})
