/** The division report's SVG charts: latency distribution, bytes per facility, timeline. */
import type { ReferralLatency, Sample, Traffic } from './measure.js'

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
const W = 900

function frame(h: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" font-family="sans-serif" font-size="11">` +
    `<rect width="100%" height="100%" fill="white"/><text x="10" y="18" font-size="14">${esc(title)}</text>${body}</svg>\n`
  )
}

/** Histogram of referral latency from link-up, seconds, in log-spaced bins. */
export function latencyChart(rs: readonly ReferralLatency[]): string {
  const xs = rs.filter(r => r.afterLinkUpS !== undefined).map(r => Math.max(0.1, r.afterLinkUpS!))
  const edges = [0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, Infinity]
  const counts = edges.slice(0, -1).map((lo, i) => xs.filter(x => x >= lo && x < edges[i + 1]!).length)
  const max = Math.max(1, ...counts)
  const bw = (W - 80) / counts.length
  let body = ''
  counts.forEach((c, i) => {
    const h = (c / max) * 220
    const x = 50 + i * bw
    body += `<rect x="${x + 2}" y="${260 - h}" width="${bw - 4}" height="${h}" fill="#3a7"/>`
    body += `<text x="${x + bw / 2}" y="${254 - h}" text-anchor="middle">${c}</text>`
    const hi = edges[i + 1]!
    body += `<text x="${x + bw / 2}" y="276" text-anchor="middle">${edges[i]}–${Number.isFinite(hi) ? hi : '∞'} s</text>`
  })
  return frame(300, `Referral delivery after link-up (${xs.length} referrals), seconds`, body)
}

/** Bytes each way per facility, sorted by total, with the sealed-item share marked. */
export function bytesChart(traffic: ReadonlyMap<string, Traffic>, names: ReadonlyMap<string, string>): string {
  const rows = [...traffic].sort((a, b) => b[1].out + b[1].in - (a[1].out + a[1].in))
  const max = Math.max(1, ...rows.map(([, t]) => Math.max(t.out, t.in)))
  const rh = 14
  const left = 230
  const half = (W - left - 20) / 2
  let body = `<text x="${left}" y="38">sent (dark: sealed items)</text><text x="${left + half + 10}" y="38">received</text>`
  rows.forEach(([f, t], i) => {
    const y = 46 + i * rh
    const wo = (t.out / max) * (half - 10)
    const wi = (t.in / max) * (half - 10)
    const wItems = (Math.min(t.itemBytesOut, t.out) / max) * (half - 10)
    body += `<text x="${left - 6}" y="${y + 10}" text-anchor="end">${esc(names.get(f) ?? f)}</text>`
    body += `<rect x="${left}" y="${y}" width="${wo}" height="${rh - 3}" fill="#9bd"/>`
    body += `<rect x="${left}" y="${y}" width="${wItems}" height="${rh - 3}" fill="#37a"/>`
    body += `<rect x="${left + half + 10}" y="${y}" width="${wi}" height="${rh - 3}" fill="#d96"/>`
    body += `<text x="${left + half + 14 + wi}" y="${y + 10}">${(t.in / 1e3).toFixed(0)} kB</text>`
  })
  return frame(60 + rows.length * rh, `Bytes per facility through its links (max ${(max / 1e6).toFixed(2)} MB)`, body)
}

/** Timeline: links down and nodes down against pending referrals and items to send. */
export function timelineChart(samples: readonly Sample[], events: readonly { atS: number; what: string }[]): string {
  const T = Math.max(1, ...samples.map(s => s.atS))
  const x = (t: number): number => 50 + (t / T) * (W - 80)
  const series = [
    { key: 'linksDown', color: '#c33', label: 'links down' },
    { key: 'nodesDown', color: '#000', label: 'nodes down' },
    { key: 'pendingReferrals', color: '#37a', label: 'referrals in flight' },
    { key: 'outstandingWrites', color: '#999', label: 'writes not yet answered' },
    { key: 'itemsToSend', color: '#3a7', label: 'items to send (sum over nodes)' }
  ] as const
  let body = ''
  series.forEach((s, i) => {
    const max = Math.max(1, ...samples.map(p => p[s.key]))
    const top = 40 + i * 70
    const pts = samples.map(p => `${x(p.atS).toFixed(1)},${(top + 55 - (p[s.key] / max) * 50).toFixed(1)}`).join(' ')
    body += `<text x="50" y="${top}">${esc(s.label)} (max ${max})</text>`
    body += `<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`
  })
  const bottom = 40 + series.length * 70
  for (const e of events) {
    body += `<line x1="${x(e.atS)}" x2="${x(e.atS)}" y1="30" y2="${bottom}" stroke="#aaa" stroke-dasharray="3,3"/>`
  }
  events.forEach((e, i) => {
    body += `<text x="50" y="${bottom + 16 + i * 13}">${e.atS.toFixed(0)} s: ${esc(e.what)}</text>`
  })
  body += `<text x="${W - 30}" y="${bottom}" text-anchor="end">${T.toFixed(0)} s</text>`
  return frame(bottom + 20 + events.length * 13, 'Timeline (wall seconds): link state against pending work', body)
}
