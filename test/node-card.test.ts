/**
 * The patient's health card across real `pagdandi start` processes on loopback (issue 18): a card
 * printed at a CHC opens the record at a DH that was never referred, through the hub that carries
 * for the CHC, with the CHC stopped; a revoked card opens nothing, and its replacement does.
 * `pagdandi card print|open|revoke` run as real CLI processes against the running nodes.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loopbackAddress, makeNetwork, TEST_SECRET, tempDir } from '../packages/node/src/testing/fixtures.js'
import {
  chcAndHub,
  exited,
  getJson,
  POLL,
  postJson,
  registerPatients,
  spawnCli,
  useNodeProcesses,
  type NodeProcess
} from './processes.js'

const start = useNodeProcesses()

/** Runs `pagdandi card …` against the node running on `data`; its exit code and output. */
async function cardCli(data: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const child = spawnCli(['card', ...args, '--data', data], { PAGDANDI_SECRET: TEST_SECRET })
  let out = ''
  let err = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()))
  await exited(child)
  return { code: child.exitCode ?? -1, out, err }
}

/** Opens a card code at `node` over the API and waits for the fetch to end; its last state. */
async function openCard(node: NodeProcess, code: string): Promise<any> {
  const asked = await postJson(node, '/api/cards/open', { code })
  expect(asked.status).toBe(202)
  const path = `/api/cards/fetches/${asked.json.fetchId}`
  await expect.poll(async () => (await getJson(node, path)).state, POLL).not.toBe('fetching')
  return await getJson(node, path)
}

/** The hub holds every item the CHC holds. */
async function hubCaughtUp(chc: NodeProcess, hub: NodeProcess): Promise<void> {
  await expect
    .poll(async () => (await getJson(hub, '/api/status')).items, POLL)
    .toBe((await getJson(chc, '/api/status')).items)
}

describe('health card, real processes', () => {
  it('a card printed at a CHC opens the record at a DH never referred, through the hub, with the CHC stopped', async () => {
    const root = await tempDir('pagdandi-card-')
    const { dirs } = await makeNetwork(root, [
      ...(await chcAndHub()),
      { facility: 'IN2210000002', name: 'DH Dantewada', kind: 'DH', addresses: [await loopbackAddress()] }
    ])
    const [chc, hub, dh] = await Promise.all([start(dirs[0]!), start(dirs[1]!), start(dirs[2]!)])
    const ids = await registerPatients(chc)
    const enc = await postJson(chc, `/api/patients/${ids[0]}/encounters`, { complaints: ['fever for 3 days'] })
    expect(enc.status).toBe(201)

    const printed = await cardCli(dirs[0]!, ['print', '--patient', ids[0]!, '--out', join(root, 'card.html'), '--json'])
    expect(printed.code, printed.err).toBe(0)
    const card = JSON.parse(printed.out)
    expect(card.qrText).toMatch(/^PGD:[A-Z2-7]{64}$/)
    const html = await readFile(join(root, 'card.html'), 'utf8')
    expect(html).toContain('स्वास्थ्य कार्ड')
    expect(html).toContain('Health card')
    expect(html).toContain('<svg')
    // The card's secret is on the card only: not in the CHC's log output.
    expect(chc.output()).not.toContain(card.typedCode)
    expect(chc.output()).not.toContain(card.qrText.slice(4))

    await hubCaughtUp(chc, hub)
    const atHome = await getJson(chc, `/api/patients/${ids[0]}`)
    // The DH was never referred: it holds nothing of the CHC's patients.
    expect((await getJson(dh, '/api/status')).patients).toBe(0)
    chc.child.kill('SIGTERM')
    await exited(chc.child)

    const opened = await cardCli(dirs[2]!, ['open', card.typedCode])
    expect(opened.code, opened.err).toBe(0)
    // Truthful: it asked the CHC (stopped), then the hub, which served it.
    expect(opened.err).toContain('fetching from CHC Tokapal (IN2210000101)\nfetching from DH Jagdalpur (IN2210000001)')
    expect(opened.out).toContain(`opened ${ids[0]} (from DH Jagdalpur)`)
    const got = await getJson(dh, `/api/patients/${ids[0]}`)
    expect(got.doc).toEqual(atHome.doc)
    expect((await getJson(dh, '/api/patients?q=Kawasee')).map((p: any) => p.patientId)).toEqual([ids[0]])
    // Least privilege: the card opened one record, not the CHC's other patients.
    expect((await getJson(dh, '/api/status')).patients).toBe(1)
    // The hub still cannot read it.
    expect((await getJson(hub, '/api/status')).patients).toBe(0)
  })

  it('a revoked card opens nothing; the replacement opens the record', async () => {
    const root = await tempDir('pagdandi-card-revoke-')
    const { dirs } = await makeNetwork(root, [
      ...(await chcAndHub()),
      { facility: 'IN2210000002', name: 'DH Dantewada', kind: 'DH', addresses: [await loopbackAddress()] }
    ])
    const [chc, hub, dh] = await Promise.all([start(dirs[0]!), start(dirs[1]!), start(dirs[2]!)])
    const ids = await registerPatients(chc)
    const first = await postJson(chc, `/api/patients/${ids[0]}/card`, {})
    expect(first.status).toBe(201)
    const revoked = await cardCli(dirs[0]!, ['revoke', '--patient', ids[0]!, '--json'])
    expect(revoked.code, revoked.err).toBe(0)
    const replacement = JSON.parse(revoked.out)
    expect(replacement.generation).toBe(1)
    await hubCaughtUp(chc, hub)

    const lost = await openCard(dh, first.json.typedCode)
    expect(lost.state).toBe('failed')
    expect(lost.error.name).toBe('CardRevokedError')
    expect((await getJson(dh, '/api/status')).patients).toBe(0)
    const cli = await cardCli(dirs[2]!, ['open', first.json.qrText])
    expect(cli.code).toBe(1)
    expect(cli.err).toContain('CardRevokedError')

    const fresh = await openCard(dh, replacement.typedCode)
    expect(fresh.state).toBe('opened')
    expect(fresh.patientId).toBe(ids[0])
    expect((await getJson(dh, `/api/patients/${ids[0]}`)).doc).toEqual(
      (await getJson(chc, `/api/patients/${ids[0]}`)).doc
    )
    // The card grant made the DH a holder the ordinary way: the CHC's next visit reaches it by sync.
    const visit = await postJson(chc, `/api/patients/${ids[0]}/encounters`, { complaints: ['follow-up'] })
    expect(visit.status).toBe(201)
    await expect
      .poll(async () => [...(await getJson(dh, `/api/patients/${ids[0]}/heads`)).heads].sort(), POLL)
      .toEqual([...visit.json.heads].sort())
    // A typed code with a mistake is refused at once, by name.
    const code: string = first.json.typedCode
    const typo = `${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}`
    const bad = await postJson(dh, '/api/cards/open', { code: typo })
    expect(bad.status).toBe(400)
    expect(bad.json.error.name).toBe('MalformedCardCodeError')
  })
})
