/**
 * Writes the benchmark report: markdown tables of every row, ratios to the physical limit and to
 * the other systems measured in the same run, and an SVG bar chart per scenario.
 */
import type { Row } from './harness/scenarios.js'

/** Where and when the run happened, for the report's header. */
export interface RunInfo {
  date: string
  cpu: string
  cores: number
  memoryGb: number
  node: string
  command: string
  notes: string[]
}

const kb = (b: number): string => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(1)} kB`)
const sec = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`)

function ratio(r: Row): string {
  if (!r.done) return '—'
  if (r.limitMs <= 0) return 'n/a'
  const withStalls = r.stallMs === undefined ? '' : ` (${(r.ms / (r.limitMs + r.stallMs)).toFixed(2)}× with stalls)`
  return `${(r.ms / r.limitMs).toFixed(2)}×${withStalls}`
}

/** Rows grouped by scenario, size and profile, in first-seen order. */
export function groups(rows: readonly Row[]): Array<{ title: string; rows: Row[] }> {
  const out = new Map<string, Row[]>()
  for (const r of rows) {
    const title = `${r.scenario}, ${r.size.toLocaleString('en-US')} patients${r.changed !== undefined ? `, ${r.changed} changed` : ''}, ${r.profile}`
    out.set(title, [...(out.get(title) ?? []), r])
  }
  return [...out].map(([title, rs]) => ({ title, rows: rs }))
}

/** One markdown table for a group, with time relative to the fastest finished system. */
export function table(rows: readonly Row[]): string {
  const best = Math.min(...rows.filter(r => r.done).map(r => r.ms))
  const lines = [
    '| system | time | vs fastest | bytes up | bytes down | round trips | ÷ physical limit | peak RSS | CPU | note |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|'
  ]
  for (const r of rows) {
    const extra = Object.entries(r.extra ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')
    const note = [r.note, extra].filter(x => x !== undefined && x !== '').join('; ')
    lines.push(
      `| ${r.system} | ${r.done ? sec(r.ms) : `> ${sec(r.ms)}`} | ${r.done && Number.isFinite(best) ? `${(r.ms / best).toFixed(2)}×` : '—'} | ${kb(r.bytesUp)} | ${kb(r.bytesDown)} | ${r.roundTrips} | ${ratio(r)} | ${Math.round(r.peakRssMb)} MB | ${sec(r.cpuMs)} | ${note} |`
    )
  }
  return lines.join('\n')
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/** A horizontal bar chart (time and bytes side by side) for one group, as standalone SVG. */
export function chart(title: string, rows: readonly Row[]): string {
  const w = 760
  const rowH = 26
  const top = 40
  const labelW = 190
  const barW = (w - labelW - 40) / 2
  const h = top + rows.length * rowH + 30
  const maxMs = Math.max(1, ...rows.map(r => r.ms))
  const maxB = Math.max(1, ...rows.map(r => r.bytesUp + r.bytesDown))
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="#fff"/>`,
    `<text x="10" y="18" font-weight="bold">${esc(title)}</text>`,
    `<text x="${labelW}" y="34" fill="#555">time to convergence (${sec(maxMs)} max)</text>`,
    `<text x="${labelW + barW + 20}" y="34" fill="#555">bytes on the wire, both ways (${kb(maxB)} max)</text>`
  ]
  rows.forEach((r, i) => {
    const y = top + i * rowH
    const tw = Math.max(1, (r.ms / maxMs) * (barW - 60))
    const bw = Math.max(1, ((r.bytesUp + r.bytesDown) / maxB) * (barW - 60))
    const color = r.system.startsWith('Pagdandi')
      ? '#2a7d4f'
      : r.system.includes('tuned')
        ? '#4a6fa5'
        : r.system.includes('automerge')
          ? '#8fa8cc'
          : '#c98b3c'
    parts.push(
      `<text x="10" y="${y + 16}">${esc(r.system)}</text>`,
      `<rect x="${labelW}" y="${y + 4}" width="${tw.toFixed(1)}" height="16" fill="${color}"${r.done ? '' : ' fill-opacity="0.4"'}/>`,
      `<text x="${labelW + tw + 4}" y="${y + 16}">${r.done ? '' : '> '}${sec(r.ms)}</text>`,
      `<rect x="${labelW + barW + 20}" y="${y + 4}" width="${bw.toFixed(1)}" height="16" fill="${color}"/>`,
      `<text x="${labelW + barW + 24 + bw}" y="${y + 16}">${kb(r.bytesUp + r.bytesDown)}</text>`
    )
  })
  parts.push('</svg>')
  return parts.join('\n')
}

/** The whole report as markdown; charts are referenced by file name. */
export function markdown(info: RunInfo, rows: readonly Row[], chartFiles: readonly string[], targets: string): string {
  const out = [
    '# Pagdandi sync benchmark',
    '',
    `Run ${info.date} on ${info.cpu} (${info.cores} cores, ${info.memoryGb} GB), Node ${info.node}.`,
    `Command: \`${info.command}\`. Every system ran in the same run, one after another, through the same emulated link (same profile, same seed).`,
    'The machine is small and shared: read the figures as ratios between systems, not as absolutes.',
    '',
    ...info.notes.map(n => `- ${n}`),
    '',
    '## Targets (reported, not asserted)',
    '',
    targets,
    ''
  ]
  groups(rows).forEach((g, i) => {
    out.push(`## ${g.title}`, '', table(g.rows), '')
    const file = chartFiles[i]
    if (file !== undefined) out.push(`![${g.title}](${file})`, '')
  })
  return out.join('\n')
}
