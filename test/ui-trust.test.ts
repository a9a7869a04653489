/**
 * Issue 14 on screen: what the trust layer refuses or holds is named on the sync panel, in English
 * and Hindi. A real DH node process (the built CLI), a member turned attacker speaking the sync
 * protocol itself (it pushes a document nobody shared with the DH, then a stream of poisoned
 * documents), and a real Chromium on the DH's app.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import nacl from 'tweetnacl'
import type { BrowserContext, Page } from 'playwright-core'
import { decodeRoster, documentIdFromBytes } from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import { sealRawChange } from '@pagdandi/core/testing'
import { DataDir } from '@pagdandi/node'
import { attackerSealer, poisonedDocument, pushItems } from '@pagdandi/node/testing'
import { describeBrowser, ensureUiBuilt, launchBrowser, shot, watchErrors } from './ui-harness.js'
import { haveCli, setUpCliNetwork, type CliNode } from './ui-cli-nodes.js'

const DH = { facility: 'IN2210000100', name: 'DH Jagdalpur', kind: 'DH' as const }
const ATT = { facility: 'IN2210000102', name: 'CHC Bakawand', kind: 'CHC' as const }
const SECRET = 'ui-test-operator-secret'
const TIMEOUT = 60_000

describeBrowser('the sync panel names what the trust layer refuses (issue 14)', haveCli, () => {
  let dhNode: CliNode
  let ctx: BrowserContext
  let page: Page
  let errors: string[] = []
  let stopPush: (() => Promise<void>) | undefined
  let junkDoc = ''

  beforeAll(async () => {
    ensureUiBuilt()
    const [dh, att] = (await setUpCliNetwork([DH, ATT])) as [CliNode, CliNode]
    dhNode = dh
    await dhNode.start()
    const file = (await new DataDir(dhNode.dir).readRoster())!
    const roster = decodeRoster(new Uint8Array(Buffer.from(file.roster, 'base64')))
    const target = roster.body.entries.find(e => e.facility === DH.facility)!
    const sealer = await attackerSealer(att.dir, SECRET)
    // A document of the attacker's that nobody shared with the DH: its items wait for a grant.
    const docId = documentIdFromBytes(nacl.randomBytes(16))
    junkDoc = docId
    const junk = [...sealer.ensureKey(docId)]
    const key = sealer.keyring.latest(docId)!
    for (let c = 0; c < 3; c++)
      junk.push(sealRawChange(nacl.randomBytes(64), key, sealer.identity, roster.body.version, sealer.scheme))
    // Then poison, more than its admission budget: its batches are held.
    const poison = Array.from({ length: 600 }, () => poisonedDocument(sealer, DH.facility as FacilityId).items).flat()
    const pusher = await pushItems(
      att.dir,
      ATT.facility as FacilityId,
      `${target.addresses[0]!}/p2p/${target.peerId}`,
      [...junk, ...poison],
      roster.body.version,
      SECRET
    )
    void pusher.done.catch(() => {})
    stopPush = pusher.stop
    ctx = await launchBrowser()
    page = ctx.pages()[0] ?? (await ctx.newPage())
    errors = watchErrors(page)
  })
  afterAll(async () => {
    await stopPush?.()
    await ctx?.close()
    await dhNode?.stop()
  })

  it('shows the held member, the refused items and what waits for whose grant, in English and in Hindi', async () => {
    await page.goto(dhNode.url)
    await page.getByRole('button', { name: 'English' }).click()
    await dhNode.signInOnScreen(page, 'mo')
    await page.goto(dhNode.url + '#/sync')
    const trust = page.getByTestId('trust')
    await expect.poll(async () => await page.getByTestId('peer-held').count(), { timeout: TIMEOUT }).toBeGreaterThan(0)
    await expect
      .poll(async () => (await trust.textContent()) ?? '', { timeout: TIMEOUT })
      .toContain('CHC Bakawand (IN2210000102): too many of its items were refused. Its sync is slowed, not stopped')
    expect(await page.getByTestId('quarantined').textContent()).toMatch(
      /^\s*\d+ received items refused and kept as evidence/
    )
    // (A poisoned document cut by a batch boundary may wait too: its self-grant before its grant.)
    const waiting = page.getByTestId('awaiting-grant').filter({ hasText: junkDoc })
    expect(await waiting.getAttribute('data-author')).toBe(ATT.facility)
    expect(await waiting.textContent()).toContain(
      `4 items of record ${junkDoc} wait for the sharing (grant) from CHC Bakawand`
    )
    await shot(page, 'trust-sync-panel-en')

    await page.getByRole('button', { name: 'हिन्दी' }).click()
    await expect
      .poll(async () => (await trust.textContent()) ?? '', { timeout: TIMEOUT })
      .toContain('CHC Bakawand (IN2210000102): इसके बहुत से आइटम अस्वीकार हुए')
    expect(await page.getByTestId('quarantined').textContent()).toContain('अस्वीकार हुए और सबूत के रूप में रखे गए')
    expect(await waiting.textContent()).toContain(`रिकॉर्ड ${junkDoc} के 4 आइटम CHC Bakawand की साझेदारी (ग्रांट) का इंतज़ार`)
    await shot(page, 'trust-sync-panel-hi')
    expect(errors).toEqual([])
  })
})
