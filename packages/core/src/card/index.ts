/**
 * @pagdandi/core/card: the patient's health card (docs/PROTOCOL.md, "Health card"): the code a QR
 * holds, the keys its secret derives, the card items, the card protocol's frames and the rule a
 * carrier applies before serving a record to a card holder. Pure; no I/O.
 */
export * from './errors.js'
export {
  CARD_CODE_BYTES,
  CARD_CODE_VERSION,
  CARD_QR_PREFIX,
  CARD_SECRET_BYTES,
  MAX_CARD_TEXT,
  cardQrText,
  cardTypedCode,
  decodeCardBytes,
  encodeCardBytes,
  parseCardText,
  type CardCode
} from './code.js'
export {
  deriveCardKeys,
  openCard,
  sealCard,
  sealCardGrant,
  sealCardRevocation,
  type CardKeys,
  type CardWindow
} from './keys.js'
export {
  CARD_FRAME_VERSION,
  CHALLENGE_BYTES,
  MAX_CARD_FRAME_BYTES,
  MAX_CARD_FRAME_ITEMS,
  cardProofMessage,
  decodeCardFrame,
  encodeCardFrame,
  type CardFrame,
  type CardRefusal
} from './frames.js'
export { judgeCard } from './rules.js'
