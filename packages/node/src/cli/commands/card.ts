/** `pagdandi card print|open|revoke`: the patient's health card (docs/PROTOCOL.md, "Health card"). */
import { writeFile } from 'node:fs/promises'
import type { PatientId } from '@pagdandi/core/record'
import type { PrintedCard } from '../../app/CardService.js'
import { cardHtml, cardQrSvg } from '../../app/cardPrint.js'
import type { CardsApi } from '../../http/NodeApi.js'
import { intOpt, need, opt, type Command, type Io, type Values } from '../command.js'
import { withApi } from '../context.js'
import { UsageError } from '../errors.js'

/** How often `card open` asks the node how its fetch goes, and for how long at most. */
const POLL_MS = 250
const MAX_WAIT_MS = 180_000

async function writeCard(card: PrintedCard, out: string | undefined, io: Io, json: boolean): Promise<void> {
  if (out !== undefined) {
    const body = out.endsWith('.svg')
      ? await cardQrSvg(card.qrText)
      : await cardHtml({
          qrText: card.qrText,
          typedCode: card.typedCode,
          name: card.name,
          facility: card.facility,
          notAfter: card.notAfter,
          ...(card.uhid === undefined ? {} : { uhid: card.uhid })
        })
    await writeFile(out, body, { mode: 0o600 })
  }
  // The code goes to stdout only (for the person printing), never to the node's log.
  io.out(
    json
      ? JSON.stringify(card)
      : `card for ${card.patientId} (generation ${card.generation}, valid until ${card.notAfter.slice(0, 10)})` +
          `${out === undefined ? '' : `, written to ${out}`}\ncode: ${card.typedCode}`
  )
}

async function followFetch(api: CardsApi, fetchId: string, io: Io, names: Map<string, string>): Promise<number> {
  let said = 0
  for (let waited = 0; waited <= MAX_WAIT_MS; waited += POLL_MS) {
    const st = await api.fetch(fetchId)
    if (st === undefined) throw new UsageError(`card open: fetch ${fetchId} is not known to the node`)
    // Every facility asked, in order, even those asked between two polls.
    for (const f of st.tried.slice(said)) io.err(`fetching from ${names.get(f) ?? f} (${f})`)
    said = st.tried.length
    if (st.state === 'opened') {
      io.out(`opened ${st.patientId}${st.from === undefined ? '' : ` (from ${st.from.name})`}`)
      return 0
    }
    if (st.state === 'failed') {
      io.err(`pagdandi: ${st.error?.name ?? 'Error'}: ${st.error?.message ?? 'the card did not open'}`)
      return 1
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
  }
  io.err('pagdandi: card open: still fetching; ask again with the UI or `pagdandi status`')
  return 1
}

function daysOf(values: Values): number | undefined {
  return opt(values, 'days') === undefined ? undefined : intOpt(values, 'days', 0, 'card')
}

/** `pagdandi card`. */
export const card: Command = {
  name: 'card',
  summary: "the patient's health card: print one, open a scanned one, revoke a lost one",
  usage:
    'print --patient ID [--out FILE.html|FILE.svg] [--days N]\n' +
    '       open CODE\n' +
    '       revoke --patient ID [--out FILE.html|FILE.svg] [--days N]\n\n' +
    'print: a new card for a record held here (the QR and the typed code; HTML in Hindi and English, or the QR as SVG).\n' +
    'open: the typed code (or the QR text) of a card; fetches the record from its home facility or a hub carrying for it.\n' +
    'revoke: every card of the record stops opening it; the key rotates and a replacement card is printed.\n' +
    'Needs the running node (`pagdandi start`) for open.',
  options: { patient: { type: 'string' }, out: { type: 'string' }, days: { type: 'string' } },
  async run(values, positionals, io) {
    const [sub, ...rest] = positionals
    const json = values.json === true
    if (sub === 'print' || sub === 'revoke') {
      const patientId = need(values, 'patient', `card ${sub}`) as PatientId
      const days = daysOf(values)
      const out = opt(values, 'out')
      const printed = await withApi(values, io, async api =>
        sub === 'print' ? await api.cards.print(patientId, days) : (await api.cards.revoke(patientId, days)).card
      )
      await writeCard(printed, out, io, json)
      return 0
    }
    if (sub === 'open') {
      const code = rest.join(' ')
      if (code.length === 0) throw new UsageError('card open: the code is required')
      return await withApi(values, io, async api => {
        const names = new Map((await api.roster.entries()).map(e => [e.facility as string, e.name]))
        return await followFetch(api.cards, (await api.cards.open(code)).fetchId, io, names)
      })
    }
    throw new UsageError('card: print, open or revoke')
  }
}
