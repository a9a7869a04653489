/**
 * The patient's health card (docs/PROTOCOL.md, "Health card"): printing one (a card item wrapping
 * the record's current key generation), revoking every card of a record (revocations, a rotation
 * granted to the holders, a replacement card), opening a scanned card (fetch the record from the
 * home facility or a carrier for it, then grant itself with a card grant), and serving the record
 * to a member that proves it holds a card.
 */
import {
  CardExpiredError,
  CardNotFoundError,
  CardRevokedError,
  deriveCardKeys,
  judgeCard,
  openCard,
  parseCardText,
  sealCard,
  sealCardGrant,
  sealCardRevocation,
  cardQrText,
  cardTypedCode,
  CARD_SECRET_BYTES,
  type CardCode
} from '@pagdandi/core/card'
import {
  computeAccess,
  currentHolders,
  decodeItemHeader,
  itemId,
  newDocumentKey,
  randomBytes,
  rosterEntry,
  sealGrant,
  sealRotation,
  type DocumentKey
} from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { BadRequestError, PatientNotFoundError } from '../http/errors.js'
import { NotOnRosterError } from '../keyring/errors.js'
import type { CardsApi } from '../http/NodeApi.js'
import type { CardChannel } from '../ports.js'
import { checkItem } from '../repo/exchange.js'
import type { BundleService } from './BundleService.js'
import { fetchWithCard, serveCard } from './cardExchange.js'
import type { NodeParts } from './parts.js'

type Parts = Pick<
  NodeParts,
  'self' | 'store' | 'bridge' | 'sealer' | 'roster' | 'replication' | 'now' | 'log' | 'views'
>

/** Default validity of a new card: five years. */
export const DEFAULT_CARD_DAYS = 5 * 365
const DAY = 86_400

/** A printed card: what goes on paper (never logged, never stored here). */
export interface PrintedCard {
  patientId: PatientId
  /** The QR text (`PGD:` + 64 characters). */
  qrText: string
  /** The typed code (16 groups of 4). */
  typedCode: string
  notBefore: string
  notAfter: string
  generation: number
  /** What the card shows besides the code: the patient's name and UHID, the issuing facility. */
  name: string
  uhid?: string
  facility: string
}

/** Progress of opening a scanned card (`GET /api/cards/fetches/:id`). */
export interface CardFetch {
  fetchId: string
  state: 'fetching' | 'opened' | 'failed'
  /** The facility being asked now (or that served the record). */
  from?: { facility: FacilityId; name: string }
  /** Facilities asked so far, in order. */
  tried: FacilityId[]
  patientId?: PatientId
  /** The named error of a failed fetch. */
  error?: { name: string; message: string }
}

/** Most fetches remembered (a desk opens a few cards an hour). */
const MAX_FETCHES = 256

/** The health card service of this node. */
export class CardService implements CardsApi {
  readonly #parts: Parts
  readonly #bundles: BundleService
  readonly #fetches = new Map<string, CardFetch>()

  constructor(parts: Parts, bundles: BundleService) {
    this.#parts = parts
    this.#bundles = bundles
  }

  #nowSeconds(): number {
    return Math.floor(this.#parts.now().getTime() / 1000)
  }

  /** Prints a new card for a record held here: a card item wrapping the current generation. */
  async print(patientId: PatientId, days = DEFAULT_CARD_DAYS): Promise<PrintedCard> {
    if (!Number.isInteger(days) || days < 1 || days > 10 * 365) throw new BadRequestError('days: 1 to 3650')
    const key = this.#latestKey(patientId)
    const card = this.#sealCard(patientId, key, days)
    await this.#parts.bridge.flushWith(patientId, [card.item])
    return card.printed
  }

  #latestKey(patientId: PatientId): DocumentKey {
    const key = this.#parts.sealer.keyring.latest(patientId)
    if (key === undefined || this.#parts.sealer.isErased(patientId)) throw new PatientNotFoundError(patientId)
    return key
  }

  #sealCard(patientId: PatientId, key: DocumentKey, days: number): { item: Uint8Array; printed: PrintedCard } {
    const { sealer, roster, self } = this.#parts
    const secret = randomBytes(CARD_SECRET_BYTES)
    const code: CardCode = { docId: patientId, home: self.facility, secret }
    const notBefore = this.#nowSeconds()
    const window = { notBefore, notAfter: notBefore + days * DAY }
    const item = sealCard(
      key,
      deriveCardKeys(patientId, secret),
      window,
      sealer.identity,
      roster.current?.body.version ?? 0,
      sealer.scheme
    )
    return {
      item,
      printed: {
        patientId,
        qrText: cardQrText(code),
        typedCode: cardTypedCode(code),
        notBefore: new Date(window.notBefore * 1000).toISOString(),
        notAfter: new Date(window.notAfter * 1000).toISOString(),
        generation: key.generation,
        ...this.#face(patientId)
      }
    }
  }

  #face(patientId: PatientId): { name: string; uhid?: string; facility: string } {
    const p = this.#parts.views.index.summary(patientId)
    return {
      name: p?.name ?? '',
      ...(p?.uhid == null ? {} : { uhid: p.uhid }),
      facility: this.#parts.self.name
    }
  }

  /**
   * Revokes every live card of a record: a revocation each, a rotation to a new generation granted
   * to every current holder (those who opened a card before now stay holders), and a replacement
   * card of the new generation, stored in one batch; only then does the new key seal.
   */
  async revoke(patientId: PatientId, days = DEFAULT_CARD_DAYS): Promise<{ revoked: number; card: PrintedCard }> {
    const { store, sealer, bridge } = this.#parts
    const roster = this.#parts.roster.current
    if (roster === undefined) throw new NotOnRosterError(this.#parts.self.facility)
    const current = this.#latestKey(patientId)
    const access = computeAccess(
      patientId,
      (await store.accessItems(patientId)).map(i => ({ id: itemId(i.bytes), header: decodeItemHeader(i.bytes) }))
    )
    const live = [...access.cards.entries()].filter(([, c]) => !c.revoked).map(([k]) => k)
    const previous: DocumentKey[] = []
    for (let g = 0; g <= current.generation; g++) {
      const k = sealer.keyring.get(patientId, g)
      if (k === undefined) throw new PatientNotFoundError(patientId)
      previous.push(k)
    }
    const next = newDocumentKey(patientId, current.generation + 1)
    const v = roster.body.version
    const items = live.map(hex => sealCardRevocation(current, fromHex(hex), sealer.identity, v, sealer.scheme))
    items.push(sealRotation(next, previous, sealer.identity, v, sealer.scheme))
    const holders = new Set([...currentHolders(access), sealer.identity.facility])
    for (const f of holders) {
      const entry = rosterEntry(roster, f)
      if (entry !== undefined) items.push(sealGrant(next, sealer.identity, entry, v, sealer.scheme))
    }
    const replacement = this.#sealCard(patientId, next, days)
    items.push(replacement.item)
    await bridge.flushWith(patientId, items, () => {
      sealer.keyring.put(next)
    })
    this.#parts.log('card').info(`revoked ${live.length} card(s) of ${patientId}; generation ${next.generation}`)
    return { revoked: live.length, card: replacement.printed }
  }

  /** Starts opening a scanned or typed card code; its progress is `fetch(fetchId)`. */
  async open(text: unknown): Promise<{ fetchId: string }> {
    if (typeof text !== 'string') throw new BadRequestError('code: required text')
    const code = parseCardText(text)
    const fetchId = toHex(randomBytes(12))
    const st: CardFetch = { fetchId, state: 'fetching', tried: [] }
    if (this.#fetches.size >= MAX_FETCHES) this.#fetches.delete(this.#fetches.keys().next().value!)
    this.#fetches.set(fetchId, st)
    void this.#open(st, code).catch((err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err))
      st.state = 'failed'
      st.error = { name: e.name, message: e.message }
      this.#parts.log('card').warn(`card for ${code.docId}: ${e.name}`)
    })
    return { fetchId }
  }

  /** Progress of a card being opened; undefined for an unknown id. */
  async fetch(fetchId: string): Promise<CardFetch | undefined> {
    const st = this.#fetches.get(fetchId)
    return st === undefined ? undefined : { ...st, tried: [...st.tried] }
  }

  async #open(st: CardFetch, code: CardCode): Promise<void> {
    const { sealer, replication, self } = this.#parts
    const roster = this.#parts.roster.current
    if (roster === undefined) throw new NotOnRosterError(self.facility)
    if (sealer.canOpen(code.docId)) {
      st.state = 'opened'
      st.patientId = code.docId
      return
    }
    const keys = deriveCardKeys(code.docId, code.secret)
    const candidates = [
      code.home,
      ...roster.body.entries.filter(e => e.carriesFor.includes(code.home)).map(e => e.facility)
    ]
    let last: Error = new CardNotFoundError(`no reachable facility holds the record of this card`)
    for (const f of [...new Set(candidates)]) {
      const entry = rosterEntry(roster, f)
      if (f === self.facility || entry === undefined) continue
      st.from = { facility: f, name: entry.name }
      st.tried.push(f)
      let items: Uint8Array[]
      try {
        const channel = await replication.openCard(f)
        if (channel === undefined) throw new CardNotFoundError('this node is not replicating')
        try {
          items = await fetchWithCard(channel, {
            docId: code.docId,
            keys,
            me: self.facility,
            server: f,
            scheme: sealer.scheme
          })
        } finally {
          channel.close()
        }
      } catch (err) {
        last = err instanceof Error ? err : new Error(String(err))
        // A revoked or expired card stays so wherever it is asked.
        if (err instanceof CardRevokedError || err instanceof CardExpiredError) break
        continue
      }
      const bad = items.findIndex(
        b => checkItem(b, roster, sealer.scheme) !== undefined || decodeItemHeader(b).docId !== code.docId
      )
      if (bad >= 0) {
        last = new CardNotFoundError(`${f} sent an item that does not verify`)
        continue
      }
      const access = computeAccess(
        code.docId,
        items.map(b => ({ id: itemId(b), header: decodeItemHeader(b) }))
      )
      const verdict = judgeCard(access, keys.auth.publicKey, this.#nowSeconds())
      if (!verdict.ok) {
        if (verdict.reason === 'revoked') throw new CardRevokedError('this card was revoked')
        if (verdict.reason === 'outside-window') throw new CardExpiredError('this card is not valid now')
        last = new CardNotFoundError(`${f} sent no such card`)
        continue
      }
      const cardItem = items.find(b => itemId(b) === verdict.card.id)!
      const key = openCard(cardItem, keys, sealer.scheme)
      const grant = sealCardGrant(key, keys, this.#nowSeconds(), sealer.identity, roster.body.version, sealer.scheme)
      await this.#bundles.importItems([grant, ...items], (_i, err) => {
        throw err
      })
      // Opened means the record opens here now, never only that items arrived.
      if (!sealer.canOpen(code.docId)) throw new CardNotFoundError(`the record from ${f} did not open with this card`)
      st.patientId = code.docId
      st.state = 'opened'
      this.#parts.log('card').info(`opened ${code.docId} with a card, from ${f} (${items.length} items)`)
      return
    }
    throw last
  }

  /** Serves one card-protocol stream from member `from`. */
  async serve(channel: CardChannel, from: FacilityId): Promise<void> {
    const { store, bridge, sealer, self } = this.#parts
    try {
      const outcome = await serveCard(channel, from, {
        me: self.facility,
        scheme: sealer.scheme,
        accessItems: async docId => (await store.accessItems(docId)).map(i => i.bytes),
        items: async docId =>
          (await store.itemsForDoc(docId)).filter(i => !bridge.isExcluded(itemId(i.bytes))).map(i => i.bytes),
        nowSeconds: () => this.#nowSeconds()
      })
      this.#parts.log('card').info(`card stream from ${from}: ${outcome}`)
    } catch (err) {
      this.#parts.log('card').warn(`card stream from ${from}: ${(err as Error).name}`)
    }
  }
}

function toHex(b: Uint8Array): string {
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!, b => parseInt(b, 16))
}
