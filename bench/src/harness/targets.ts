/** The issue's targets, evaluated against the rows of a run. Reported, never asserted. */
import type { Row } from './scenarios.js'

const f2 = (x: number): string => x.toFixed(2)

/** A markdown list: each target, the figures it rests on, and met / not met / not measured. */
export function targetsSection(rows: readonly Row[], profile: string): string {
  const out: string[] = []
  const initial = rows.filter(r => r.scenario === 'initial' && r.size === 1000 && r.profile === profile)
  const pg = initial.find(r => r.system === 'Pagdandi')
  const tuned = initial.find(r => r.system === 'automerge-repo tuned')
  if (pg?.done === true && pg.limitMs > 0) {
    const ratio = pg.ms / pg.limitMs
    const ahead = tuned?.done === true ? pg.ms < tuned.ms : tuned !== undefined
    out.push(
      `- **Initial replication of 1,000 patients on ${profile} within 1.3× the physical limit, ahead of tuned automerge-repo:** ${f2(ratio)}× the limit (${(pg.ms / 1000).toFixed(1)} s vs ${(pg.limitMs / 1000).toFixed(1)} s) — ${ratio <= 1.3 ? 'within' : 'not within'} 1.3×; tuned automerge-repo ${tuned === undefined ? 'not run' : tuned.done ? `took ${(tuned.ms / 1000).toFixed(1)} s` : 'did not finish'} — Pagdandi ${ahead ? 'ahead' : 'behind'}. Pagdandi moved ${(pg.bytesUp + pg.bytesDown).toLocaleString('en-US')} B, tuned automerge-repo ${tuned === undefined ? '—' : (tuned.bytesUp + tuned.bytesDown).toLocaleString('en-US')} B.`
    )
  } else {
    const why =
      pg === undefined
        ? 'no Pagdandi row'
        : pg.done
          ? 'no physical limit on an unshaped link'
          : 'Pagdandi did not finish'
    out.push(
      `- **Initial replication of 1,000 patients on ${profile} within 1.3× the physical limit, ahead of tuned automerge-repo:** not measured in this run (${why}).`
    )
  }
  const catchPg = rows.filter(r => r.scenario === 'catch-up' && r.system === 'Pagdandi' && r.done)
  const sealed = catchPg.filter(r => typeof r.extra?.['sealed bytes of changed items'] === 'number')
  if (sealed.length > 0) {
    out.push(
      ...sealed.map(r => {
        const s = r.extra!['sealed bytes of changed items'] as number
        const ratio = (r.bytesUp + r.bytesDown) / s
        return `- **Catch-up bytes ≤ 1.25× the sealed bytes of the changed items (${r.size.toLocaleString('en-US')} patients):** ${f2(ratio)}× — ${ratio <= 1.25 ? 'met' : 'not met'}.`
      })
    )
  } else {
    out.push(
      '- **Catch-up bytes ≤ 1.25× the sealed bytes of the changed items:** not measured in this run (no Pagdandi catch-up row).'
    )
  }
  const bySystem = new Map<string, Row[]>()
  for (const r of rows.filter(r => r.scenario === 'catch-up' && r.done))
    bySystem.set(r.system, [...(bySystem.get(r.system) ?? []), r])
  const flat: string[] = []
  for (const [system, rs] of bySystem) {
    const sorted = [...rs].sort((a, b) => a.size - b.size)
    const a = sorted[0]
    const b = sorted[sorted.length - 1]
    if (a === undefined || b === undefined || a === b) continue
    flat.push(
      `${system}: ${(a.ms / 1000).toFixed(2)} s at ${a.size.toLocaleString('en-US')} → ${(b.ms / 1000).toFixed(2)} s at ${b.size.toLocaleString('en-US')} (${f2(b.ms / a.ms)}× time, ${f2((b.bytesUp + b.bytesDown) / (a.bytesUp + a.bytesDown))}× bytes for ${b.size / a.size}× the corpus)`
    )
  }
  out.push(
    `- **Catch-up time flat as the corpus grows tenfold:** ${flat.length > 0 ? flat.join('; ') : 'not measured in this run'}.${bySystem.has('Pagdandi') ? '' : ' (No Pagdandi catch-up row.)'}`
  )
  return out.join('\n')
}
