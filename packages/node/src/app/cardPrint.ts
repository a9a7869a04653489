/**
 * The printed health card (issue 18): the QR of the card code at error-correction level Q, which
 * the 68-character code fills to QR version 5 (37 × 37 modules; docs/PROTOCOL.md, "Health card"),
 * as SVG, and a printable bilingual page (Hindi and English) holding it with the typed code.
 */
import QRCode from 'qrcode'
import { CARD_QR_PREFIX } from '@pagdandi/core/card'

/** QR error-correction level of the card: Q (25 % of codewords recoverable: a creased, smudged card). */
export const CARD_QR_ECC = 'Q'
/** The QR version the card's text fills at that level (checked by the test, stated in PROTOCOL.md). */
export const CARD_QR_VERSION = 5

/** The QR's module matrix (true = dark), row by row, with its version. */
export function cardQrMatrix(qrText: string): {
  version: number
  size: number
  dark: (x: number, y: number) => boolean
} {
  if (!qrText.startsWith(CARD_QR_PREFIX)) throw new TypeError('not a card QR text')
  const qr = QRCode.create(qrText, { errorCorrectionLevel: CARD_QR_ECC })
  const { size, data } = qr.modules
  return { version: qr.version, size, dark: (x, y) => data[y * size + x] === 1 }
}

/** The QR as SVG, 4 modules of quiet zone, sized in millimetres for print. */
export async function cardQrSvg(qrText: string, sizeMm = 30): Promise<string> {
  const svg = await QRCode.toString(qrText, { type: 'svg', errorCorrectionLevel: CARD_QR_ECC, margin: 4 })
  return svg.replace('<svg ', `<svg width="${sizeMm}mm" height="${sizeMm}mm" role="img" aria-label="QR" `)
}

/** What the printed card shows besides the code. */
export interface CardFace {
  qrText: string
  typedCode: string
  name: string
  uhid?: string
  facility: string
  notAfter: string
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** A printable page (85.6 × 54 mm card) in Hindi and English. */
export async function cardHtml(face: CardFace): Promise<string> {
  const qr = await cardQrSvg(face.qrText)
  const until = face.notAfter.slice(0, 10)
  return `<!doctype html>
<html lang="hi"><head><meta charset="utf-8"><title>स्वास्थ्य कार्ड / Health card</title>
<style>
@page { size: 85.6mm 54mm; margin: 0 }
body { margin: 0; font-family: 'Noto Sans Devanagari', 'Nirmala UI', Mangal, sans-serif }
.card { width: 85.6mm; height: 54mm; box-sizing: border-box; padding: 3mm; display: flex; gap: 3mm; border: 0.3mm solid #333 }
.text { font-size: 8pt; line-height: 1.25; flex: 1 }
h1 { font-size: 10pt; margin: 0 0 1mm }
.code { font-family: monospace; font-size: 6.5pt; word-break: break-all; margin-top: 1mm }
</style></head>
<body><div class="card">
<div class="qr">${qr}</div>
<div class="text">
<h1>स्वास्थ्य कार्ड · Health card</h1>
<div><b>${esc(face.name)}</b>${face.uhid === undefined ? '' : ` · ${esc(face.uhid)}`}</div>
<div>${esc(face.facility)}</div>
<div lang="hi">किसी भी अस्पताल में यह कार्ड दिखाएँ: वहाँ आपका रिकॉर्ड खुल जाएगा।</div>
<div lang="en">Show this card at any hospital: it opens your record there.</div>
<div>मान्य / Valid until ${esc(until)}</div>
<div class="code" lang="en">${esc(face.typedCode)}</div>
</div></div></body></html>
`
}
