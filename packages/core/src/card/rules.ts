/** Whether a card may be served or opened now: its standing in the record's access items and the clock. */
import { toHex } from '../bytes.js'
import type { CardStanding, DocumentAccess } from '../crypto/types.js'
import type { CardRefusal } from './frames.js'

/** The card with `cardKey`, or why it may not be used at `nowSeconds` (Unix seconds). */
export function judgeCard(
  access: DocumentAccess,
  cardKey: Uint8Array,
  nowSeconds: number
): { ok: true; card: CardStanding } | { ok: false; reason: CardRefusal } {
  const card = access.cards.get(toHex(cardKey))
  if (card === undefined) return { ok: false, reason: 'unknown' }
  if (card.revoked) return { ok: false, reason: 'revoked' }
  if (nowSeconds < card.notBefore || nowSeconds > card.notAfter) return { ok: false, reason: 'outside-window' }
  return { ok: true, card }
}
