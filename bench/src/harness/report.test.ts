import { describe, expect, it } from 'vitest'
import { PROFILES } from '../link/index.js'
import { chart, markdown, table } from '../report.js'
import { physicalLimitMs, type Row } from './scenarios.js'
import { targetsSection } from './targets.js'

const row = (system: string, ms: number, bytes: number, extra?: Row['extra']): Row => ({
  scenario: 'initial',
  system,
  profile: 'edge',
  size: 1000,
  done: true,
  ms,
  bytesUp: 1000,
  bytesDown: bytes,
  roundTrips: 3,
  peakRssMb: 100,
  cpuMs: 500,
  limitMs: physicalLimitMs(PROFILES.edge, 1000, bytes),
  ...(extra === undefined ? {} : { extra })
})

describe('bench report', () => {
  it('the physical limit is the busier direction at the bottleneck rate plus one RTT, and none on loopback', () => {
    // 250 kB at 200 kbit/s is 10 s; edge's RTT is 800 ms.
    expect(physicalLimitMs(PROFILES.edge, 1000, 250_000)).toBeCloseTo(10_800, 6)
    expect(physicalLimitMs(PROFILES.loopback, 1000, 250_000)).toBe(0)
  })

  it('reports the edge target against tuned automerge-repo without asserting it', () => {
    const rows = [row('Pagdandi', 12_000, 250_000), row('automerge-repo tuned', 23_000, 860_000)]
    const text = targetsSection(rows, 'edge')
    expect(text).toContain('1.11× the limit')
    expect(text).toContain('within 1.3×')
    expect(text).toContain('Pagdandi ahead')
    expect(text).toContain('Catch-up bytes ≤ 1.25× the sealed bytes of the changed items:** not measured')
  })

  it('renders every row in the table, the chart and the report', () => {
    const rows = [
      row('Pagdandi', 12_000, 250_000),
      { ...row('PouchDB', 90_000, 2_100_000), done: false, note: 'timed out' }
    ]
    expect(table(rows).split('\n')).toHaveLength(4)
    expect(chart('t', rows)).toContain('PouchDB')
    const md = markdown(
      { date: 'd', cpu: 'c', cores: 2, memoryGb: 24, node: 'v20', command: 'pnpm bench', notes: ['n'] },
      rows,
      ['chart-1.svg'],
      'targets'
    )
    expect(md).toContain('![initial, 1,000 patients, edge](chart-1.svg)')
  })
})
