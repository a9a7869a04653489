/**
 * The two sides of the card protocol (docs/PROTOCOL.md, "Health card", card protocol): a node that
 * holds a record's items serves them to a member that proves it holds a valid card; a node that
 * scanned a card asks for them. Every frame read is hostile: decoded strictly, in order, bounded
 * in count, bytes and time.
 */
import {
  CardExpiredError,
  CardNotFoundError,
  CardProofRefusedError,
  CardRevokedError,
  MalformedCardFrameError,
  cardProofMessage,
  decodeCardFrame,
  encodeCardFrame,
  judgeCard,
  MAX_CARD_FRAME_ITEMS,
  CHALLENGE_BYTES,
  type CardFrame,
  type CardKeys
} from '@pagdandi/core/card'
import { computeAccess, decodeItemHeader, itemId, randomBytes, type SignatureScheme } from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import type { CardChannel } from '../ports.js'

/** How long either side waits for the other's next frame. */
export const CARD_FRAME_TIMEOUT_MS = 30_000
/** Most items and bytes one record fetch accepts (a record is far smaller; this bounds a hostile server). */
export const MAX_CARD_FETCH_ITEMS = 200_000
export const MAX_CARD_FETCH_BYTES = 256 * 1024 * 1024
/** Bytes of items a server puts in one frame (under the 1 MiB frame cap). */
const FRAME_ITEM_BYTES = 768 * 1024

/** Reads one frame within the timeout; a stream that ends or stalls is a `MalformedCardFrameError`. */
async function next(channel: CardChannel, timeoutMs: number): Promise<CardFrame> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MalformedCardFrameError('card stream: no frame in time')), timeoutMs)
  })
  try {
    const bytes = await Promise.race([channel.read(), timeout])
    return decodeCardFrame(bytes)
  } catch (err) {
    if (err instanceof MalformedCardFrameError) throw err
    throw new MalformedCardFrameError(`card stream ended: ${(err as Error).name}`)
  } finally {
    clearTimeout(timer)
  }
}

/** What the serving side needs. */
export interface CardServerParts {
  me: FacilityId
  scheme: SignatureScheme
  accessItems(docId: PatientId): Promise<Uint8Array[]>
  items(docId: PatientId): Promise<Uint8Array[]>
  nowSeconds(): number
  timeoutMs?: number
}

/**
 * Serves one ask: judges the card from the stored access items and the clock, challenges, checks
 * the proof, then sends every stored item of the record. Returns what it did (for the log).
 */
export async function serveCard(channel: CardChannel, from: FacilityId, parts: CardServerParts): Promise<string> {
  const timeoutMs = parts.timeoutMs ?? CARD_FRAME_TIMEOUT_MS
  const ask = await next(channel, timeoutMs)
  if (ask.type !== 'ask') throw new MalformedCardFrameError(`card stream: ${ask.type} before ask`)
  const access = computeAccess(
    ask.docId,
    (await parts.accessItems(ask.docId)).map(bytes => ({
      id: itemId(bytes, parts.scheme),
      header: decodeItemHeader(bytes)
    }))
  )
  const verdict = judgeCard(access, ask.cardKey, parts.nowSeconds())
  if (!verdict.ok) {
    await channel.write(encodeCardFrame({ type: 'refused', reason: verdict.reason }))
    return `refused ${verdict.reason}`
  }
  const nonce = randomBytes(CHALLENGE_BYTES)
  await channel.write(encodeCardFrame({ type: 'challenge', nonce }))
  const proof = await next(channel, timeoutMs)
  if (proof.type !== 'proof') throw new MalformedCardFrameError(`card stream: ${proof.type} instead of proof`)
  if (!parts.scheme.verify(cardProofMessage(nonce, ask.docId, from, parts.me), proof.signature, ask.cardKey)) {
    await channel.write(encodeCardFrame({ type: 'refused', reason: 'bad-proof' }))
    return 'refused bad-proof'
  }
  const items = await parts.items(ask.docId)
  let frame: Uint8Array[] = []
  let bytes = 0
  for (const it of items) {
    if (frame.length === MAX_CARD_FRAME_ITEMS || (frame.length > 0 && bytes + it.length > FRAME_ITEM_BYTES)) {
      await channel.write(encodeCardFrame({ type: 'items', items: frame }))
      frame = []
      bytes = 0
    }
    frame.push(it)
    bytes += it.length
  }
  if (frame.length > 0) await channel.write(encodeCardFrame({ type: 'items', items: frame }))
  await channel.write(encodeCardFrame({ type: 'end', count: items.length }))
  return `served ${items.length} items`
}

/**
 * Asks one peer for the record a card names, proving the card; resolves with the items it sent
 * (not yet verified: the caller verifies each against the roster). A refusal is named:
 * `CardRevokedError`, `CardExpiredError`, `CardNotFoundError` (unknown there), `CardProofRefusedError`.
 */
export async function fetchWithCard(
  channel: CardChannel,
  ask: { docId: PatientId; keys: CardKeys; me: FacilityId; server: FacilityId; scheme: SignatureScheme },
  timeoutMs = CARD_FRAME_TIMEOUT_MS
): Promise<Uint8Array[]> {
  await channel.write(encodeCardFrame({ type: 'ask', docId: ask.docId, cardKey: ask.keys.auth.publicKey }))
  const first = await next(channel, timeoutMs)
  if (first.type === 'refused') throw refusal(first.reason, ask.server)
  if (first.type !== 'challenge') throw new MalformedCardFrameError(`card stream: ${first.type} instead of challenge`)
  const signature = ask.scheme.sign(
    cardProofMessage(first.nonce, ask.docId, ask.me, ask.server),
    ask.keys.auth.secretKey
  )
  await channel.write(encodeCardFrame({ type: 'proof', signature }))
  const items: Uint8Array[] = []
  let bytes = 0
  for (;;) {
    const f = await next(channel, timeoutMs)
    if (f.type === 'refused') throw refusal(f.reason, ask.server)
    if (f.type === 'end') {
      if (f.count !== items.length) throw new MalformedCardFrameError('card stream: end names another count')
      return items
    }
    if (f.type !== 'items') throw new MalformedCardFrameError(`card stream: ${f.type} among items`)
    for (const it of f.items) {
      bytes += it.length
      items.push(it)
    }
    if (items.length > MAX_CARD_FETCH_ITEMS || bytes > MAX_CARD_FETCH_BYTES)
      throw new MalformedCardFrameError('card stream: more items than a record holds')
  }
}

function refusal(reason: string, server: FacilityId): Error {
  if (reason === 'revoked') return new CardRevokedError(`${server}: this card was revoked`)
  if (reason === 'outside-window') return new CardExpiredError(`${server}: this card is not valid now`)
  if (reason === 'unknown') return new CardNotFoundError(`${server} holds no such card`)
  return new CardProofRefusedError(`${server} refused the card's proof`)
}
