/**
 * District scale (issue 17): seeding and start-up of one node against corpus size, for this build
 * and a base build side by side, each size seeded and started by both builds one after the other.
 *
 *   cd bench && nice -n 19 npx tsx src/scale-bench.ts --base-cli ../../base/packages/node/dist/cli.js \
 *     --sizes 1000,10000,100000
 *
 * Per build and size: `pagdandi seed --count N --unique min(N, 1000)` into a fresh CHC (CPU seconds
 * and wall time from the child's rusage), then `pagdandi start` twice (time to its "listening on"
 * line, the CPU it used and its peak RSS, VmHWM, from /proc), then RSS after the node answered 50
 * HTTP requests. Writes results/scale/report.md, rows.json and SVG charts
 * (time, CPU and RSS against corpus size). Data directories live under $TMPDIR/pagdandi-scale.
 */
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const HERE = dirname(fileURLToPath(import.meta.url))
const THIS_CLI = resolve(HERE, '../../packages/node/dist/cli.js')
const SECRET = 'bench-operator-secret'
const UNIQUE = 1000
let OUT = resolve(HERE, '../results/scale')

interface Row {
  build: string
  patients: number
  seedCpuS: number
  seedWallS: number
  startWallS: number[]
  startCpuS: number[]
  peakRssMb: number[]
  searchRssMb: number
  load: [number, number]
}

const env = { ...process.env, PAGDANDI_SECRET: SECRET }

function run(cli: string, args: string[]): { out: string; cpuS: number; wallS: number } {
  const t = performance.now()
  // /usr/bin/time gives the child's own CPU (user + sys), not this process's.
  const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, cli, ...args], { env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr.slice(-500)}`)
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr)
  return { out: r.stdout, cpuS: Number(m?.[1] ?? NaN) + Number(m?.[2] ?? NaN), wallS: (performance.now() - t) / 1000 }
}

const procStatus = (pid: number, field: string): number =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN)
function procCpuS(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}

/** Starts the node, waits for "listening on", measures; then searches and measures RSS; stops it. */
async function start(
  cli: string,
  dir: string,
  search: boolean
): Promise<{ wallS: number; cpuS: number; peakMb: number; searchRssMb: number }> {
  const t = performance.now()
  const p = spawn(process.execPath, [cli, 'start', '--data', dir, '--port', '0'], { env })
  let out = ''
  const url = await new Promise<string>((res, rej) => {
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /listening on (\S+)/.exec(out)
      if (m !== null) res(m[1]!)
    })
    p.once('exit', code => rej(new Error(`start exited ${code}: ${out.slice(-300)}`)))
  })
  const wallS = (performance.now() - t) / 1000
  const cpuS = procCpuS(p.pid!)
  const peakMb = procStatus(p.pid!, 'VmHWM') / 1024
  let searchRssMb = NaN
  if (search) {
    // RSS once the node has answered 50 HTTP requests (the status page, unsigned: a 401 each).
    // Signed-in searches and browsers syncing are not measured here.
    for (let i = 0; i < 50; i++) await fetch(new URL('/api/status', url)).catch(() => undefined)
    searchRssMb = procStatus(p.pid!, 'VmRSS') / 1024
  }
  const exited = new Promise(res => p.once('exit', res))
  p.kill('SIGTERM')
  await exited
  return { wallS, cpuS, peakMb, searchRssMb }
}

function initChc(cli: string, dir: string): void {
  run(cli, [
    'init',
    '--data',
    dir,
    '--facility',
    'IN2210000101',
    '--name',
    'CHC Bench',
    '--kind',
    'CHC',
    '--district',
    'Bastar'
  ])
}

function svg(title: string, unit: string, rows: readonly Row[], pick: (r: Row) => number): string {
  const W = 620
  const H = 320
  const builds = [...new Set(rows.map(r => r.build))]
  const sizes = [...new Set(rows.map(r => r.patients))].sort((a, b) => a - b)
  const max = Math.max(1e-9, ...rows.map(pick).filter(Number.isFinite))
  const lx = (n: number): number => 60 + (sizes.length === 1 ? 0 : (sizes.indexOf(n) / (sizes.length - 1)) * (W - 120))
  const ly = (v: number): number => H - 40 - (v / max) * (H - 90)
  const colors = ['#37a', '#d63', '#3a7']
  let body = `<text x="10" y="18" font-size="14">${title}</text>`
  body += `<line x1="60" y1="${H - 40}" x2="${W - 60}" y2="${H - 40}" stroke="#999"/>`
  for (const n of sizes)
    body += `<text x="${lx(n)}" y="${H - 22}" text-anchor="middle">${n.toLocaleString('en')}</text>`
  body += `<text x="${W / 2}" y="${H - 6}" text-anchor="middle">patients</text>`
  builds.forEach((b, i) => {
    const pts = rows.filter(r => r.build === b && Number.isFinite(pick(r))).sort((x, y) => x.patients - y.patients)
    const c = colors[i % colors.length]!
    body += `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map(r => `${lx(r.patients)},${ly(pick(r))}`).join(' ')}"/>`
    for (const r of pts)
      body += `<circle cx="${lx(r.patients)}" cy="${ly(pick(r))}" r="3" fill="${c}"/><text x="${lx(r.patients) + 5}" y="${ly(pick(r)) - 5}" fill="${c}">${pick(r).toFixed(1)} ${unit}</text>`
    body += `<text x="70" y="${40 + i * 16}" fill="${c}">${b}</text>`
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="white"/>${body}</svg>\n`
}

const min = (xs: number[]): number => Math.min(...xs)
/** Seconds, or a dash for a row that was not seeded here (`--existing`). */
const secs = (x: number, digits: number): string => (Number.isFinite(x) ? `${x.toFixed(digits)} s` : '—')

function report(rows: Row[], started: string): void {
  mkdirSync(OUT, { recursive: true })
  writeFileSync(join(OUT, 'rows.json'), JSON.stringify(rows, null, 1))
  const charts: Array<[string, string, string, (r: Row) => number]> = [
    ['seed-cpu.svg', '`pagdandi seed` CPU seconds', 's', r => r.seedCpuS],
    ['start-wall.svg', 'start-up to "listening", wall seconds (best of 2)', 's', r => min(r.startWallS)],
    ['start-cpu.svg', 'start-up CPU seconds (best of 2)', 's', r => min(r.startCpuS)],
    ['start-rss.svg', 'peak RSS during start-up, MB (best of 2)', 'MB', r => min(r.peakRssMb)]
  ]
  for (const [f, t, u, pick] of charts) writeFileSync(join(OUT, f), svg(t, u, rows, pick))
  const lines = [
    `# District scale: seed and start-up against corpus size`,
    '',
    `Run ${started} – ${new Date().toISOString()}; ${cpus().length} vCPUs (${cpus()[0]?.model ?? ''}), ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}. Load average (1 min) at each row's start and end ` +
      'is in the table: the machine was shared, every job ran under `nice -n 19`.',
    '',
    `Corpus: \`pagdandi seed --count N --unique ${UNIQUE}\` (below ${UNIQUE}, N distinct).`,
    '',
    '| build | patients | seed CPU | seed wall | start wall (2 runs) | start CPU | peak RSS | RSS after 50 requests | load |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      r =>
        `| ${r.build} | ${r.patients.toLocaleString('en')} | ${secs(r.seedCpuS, 1)} | ${secs(r.seedWallS, 0)} | ` +
        `${r.startWallS.map(x => x.toFixed(1)).join(', ')} s | ${r.startCpuS.map(x => x.toFixed(1)).join(', ')} s | ` +
        `${r.peakRssMb.map(x => x.toFixed(0)).join(', ')} MB | ${r.searchRssMb.toFixed(0)} MB | ${r.load.map(x => x.toFixed(0)).join('→')} |`
    ),
    '',
    ...charts.map(([f, t]) => `![${t}](${f})`),
    ''
  ]
  writeFileSync(join(OUT, 'report.md'), lines.join('\n'))
}

const { values } = parseArgs({
  options: {
    'base-cli': { type: 'string' },
    sizes: { type: 'string', default: '1000,10000,100000' },
    // N=DIR: start an existing seeded data directory of N patients with each build (no seeding).
    existing: { type: 'string', multiple: true, default: [] },
    // rows.json of earlier runs, reported with this run's rows (one chart across sizes).
    merge: { type: 'string', multiple: true, default: [] },
    out: { type: 'string' }
  }
})
const builds: Array<[string, string]> = [['new', THIS_CLI]]
if (values['base-cli'] !== undefined) builds.unshift(['base', resolve(values['base-cli'])])
const sizes = values.sizes === '' ? [] : values.sizes.split(',').map(Number)
if (values.out !== undefined) OUT = resolve(values.out)
const root = join(tmpdir(), 'pagdandi-scale')
const started = new Date().toISOString()
const rows: Row[] = values.merge.flatMap(f =>
  (JSON.parse(readFileSync(f, 'utf8')) as Row[]).map(r => ({
    ...r,
    seedCpuS: r.seedCpuS ?? NaN,
    seedWallS: r.seedWallS ?? NaN
  }))
)
for (const n of sizes) {
  for (const [name, cli] of builds) {
    if (!existsSync(cli)) throw new Error(`no CLI at ${cli}: run pnpm build`)
    const load0 = loadavg()[0]!
    const dir = join(root, `${name}-${n}`)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(root, { recursive: true })
    const fresh = join(root, `${name}-init`)
    if (!existsSync(fresh)) initChc(cli, fresh)
    cpSync(fresh, dir, { recursive: true })
    console.log(`${name}: seeding ${n}`)
    const s = run(cli, ['seed', '--data', dir, '--count', String(n), '--unique', String(Math.min(n, UNIQUE))])
    const starts = [await start(cli, dir, false), await start(cli, dir, true)]
    rows.push({
      build: name,
      patients: n,
      seedCpuS: s.cpuS,
      seedWallS: s.wallS,
      startWallS: starts.map(x => x.wallS),
      startCpuS: starts.map(x => x.cpuS),
      peakRssMb: starts.map(x => x.peakMb),
      searchRssMb: starts[1]!.searchRssMb,
      load: [load0, loadavg()[0]!]
    })
    console.log(JSON.stringify(rows.at(-1)))
    report(rows, started)
    rmSync(dir, { recursive: true, force: true })
  }
}
if (rows.length > 0) report(rows, started)
for (const spec of values.existing) {
  const [n, dir] = spec.split('=') as [string, string]
  for (const [name, cli] of builds) {
    const load0 = loadavg()[0]!
    console.log(`${name}: starting ${dir}`)
    const starts = [await start(cli, dir, false), await start(cli, dir, true)]
    rows.push({
      build: name,
      patients: Number(n),
      seedCpuS: NaN,
      seedWallS: NaN,
      startWallS: starts.map(x => x.wallS),
      startCpuS: starts.map(x => x.cpuS),
      peakRssMb: starts.map(x => x.peakMb),
      searchRssMb: starts[1]!.searchRssMb,
      load: [load0, loadavg()[0]!]
    })
    console.log(JSON.stringify(rows.at(-1)))
    report(rows, started)
  }
}
