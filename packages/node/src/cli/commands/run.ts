/** `pagdandi start`, `pagdandi status` and `pagdandi quarantine`. */
import { readFileSync } from 'node:fs'
import { FacilityNode } from '../../FacilityNode.js'
import { readTls } from '../../http/tls.js'
import type { NodeStatus } from '../../http/NodeApi.js'
import { intOpt, opt, type Command, type Io } from '../command.js'
import { dataDirOf, removeRunFile, runFileOf, runningNode, secretOf, withApi, writeRunFile } from '../context.js'
import { NodeRunningError, UsageError } from '../errors.js'
import { replicatorFactory } from '../replicatorFactory.js'
import { openStore } from '../storeFactory.js'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/** `pagdandi start`. */
export const start: Command = {
  name: 'start',
  summary: 'run the node: replication with roster peers and the local HTTP API and UI',
  usage:
    '[--host 127.0.0.1] [--port 8080] [--max-redial-seconds 60]\n\n' +
    '  --host ADDR   where the HTTP API and UI listen (default 127.0.0.1: this machine only);\n' +
    '                any other address (the facility LAN, or 0.0.0.0) serves HTTPS with DIR/tls/\n' +
    '                and answers only for the names in that certificate\n' +
    '  --port N      HTTP port (default 8080; 0 picks a free one)\n' +
    '  --max-redial-seconds N  longest wait between dials of an unreachable peer (default 60, at least 1)\n' +
    '  --clock-file FILE  tests only: the node reads its time (an ISO instant) from FILE at every reading\n' +
    'Prints where it listens, then runs until interrupted (Ctrl-C or SIGTERM stops it cleanly).',
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    'max-redial-seconds': { type: 'string' },
    'clock-file': { type: 'string' }
  },
  async run(values, _pos, io) {
    const dir = dataDirOf(values, io)
    const already = await runningNode(dir)
    if (already !== undefined) throw new NodeRunningError(already.url)
    const host = opt(values, 'host') ?? '127.0.0.1'
    const tls = LOOPBACK.has(host) ? undefined : await readTls(dir)
    const clockFile = opt(values, 'clock-file')
    const node = await FacilityNode.open({
      ...(clockFile === undefined ? {} : { now: fileClock(clockFile) }),
      data: dir,
      secret: await secretOf(values, io),
      http: {
        host,
        port: intOpt(values, 'port', 8080, 'start'),
        ...(tls !== undefined ? { tls: { cert: tls.cert, key: tls.key }, names: tls.names } : {})
      },
      openStore,
      createReplicator: replicatorFactory({
        maxRedialMs: 1000 * Math.max(1, intOpt(values, 'max-redial-seconds', 60, 'start'))
      }),
      log: (line, level, namespace) => io.err(`${new Date().toISOString()} ${level} ${namespace}: ${line}`),
      onProgress: (what, n, total) =>
        io.progress(`rebuilding documents: ${n}${total === undefined ? '' : `/${total}`} ${what}`)
    })
    await node.start()
    await writeRunFile(dir, runFileOf(node))
    const s = await node.status.report()
    io.out(`${s.name} (${s.facility}) listening on ${node.url}`)
    io.out(`  ${s.patients} patients, ${s.items} items; replication ${s.replication}`)
    await new Promise<void>(resolve => {
      const stop = (): void => {
        resolve()
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    io.err('stopping…')
    await node.stop()
    await removeRunFile(dir)
    return 0
  }
}

/** `pagdandi status`. */
export const status: Command = {
  name: 'status',
  summary: 'peers, link state, last contact, items pending each way, lag per peer',
  usage: '[--json]',
  async run(values, _pos, io) {
    const s = await withApi(values, io, async api => await api.status.report())
    if (values.json === true) io.out(JSON.stringify(withLag(s), null, 2))
    else printStatus(s, io)
    return 0
  }
}

/** Adds per-peer lag: items waiting to go out and seconds since last contact. */
function withLag(
  s: NodeStatus
): NodeStatus & { peers: Array<NodeStatus['peers'][number] & { lagItems: number | null; lagSeconds: number | null }> } {
  const now = Date.now()
  return {
    ...s,
    peers: s.peers.map(p => ({
      ...p,
      lagItems: p.itemsToSend === null ? null : p.itemsToSend + (p.itemsToReceive ?? 0),
      lagSeconds: p.lastSeen != null ? Math.round((now - Date.parse(p.lastSeen)) / 1000) : null
    }))
  }
}

/** The human form of `pagdandi status`. */
export function printStatus(s: NodeStatus, io: Io): void {
  io.out(`${s.name} (${s.facility}, ${s.kind}): ${s.patients} patients, ${s.items} items, replication ${s.replication}`)
  io.out(`referrals not yet delivered: ${s.undeliveredReferrals}; conflicts to review: ${s.openConflicts}`)
  if (s.store !== undefined && !s.store.writable)
    io.out(`STORE REFUSES WRITES (${s.store.fault ?? 'fault'}): ${s.store.message ?? 'restart the node'}`)
  if ((s.quarantined ?? 0) > 0)
    io.out(`items refused and kept in quarantine: ${s.quarantined} (see: pagdandi quarantine)`)
  if ((s.awaitingGrant?.items ?? 0) > 0)
    io.out(`items held until their grant arrives (not stored): ${s.awaitingGrant?.items}`)
  for (const d of s.awaitingGrant?.documents ?? []) {
    const from = s.peers.find(p => p.facility === d.author)?.name ?? d.author
    io.out(`  document ${d.docId}: waiting for the grant from ${from} (${d.items} items held)`)
  }
  if (s.peers.length === 0) io.out('no peers on the roster')
  for (const p of withLag(s).peers) {
    const seen = p.lastSeen !== undefined ? `last contact ${p.lastSeen}` : 'never in contact'
    io.out(
      `  ${p.facility} ${p.name}: ${p.connected ? 'connected' : 'offline'}, ${seen}, ${p.itemsToSend ?? '?'} to send, ${p.itemsToReceive ?? '?'} to receive` +
        (p.held === true
          ? '; HELD: too many of its items were refused, so its batches wait before admission (see: pagdandi quarantine)'
          : '')
    )
  }
}

/** `pagdandi quarantine`: what was refused, from whom, and why. */
export const quarantine: Command = {
  name: 'quarantine',
  summary: 'items received and refused as malformed (kept as evidence), with their authors',
  usage:
    '[--json]\n\nEach line: when, author facility (whose signature it carries), from (who sent it), reason, document, item.',
  async run(values, _pos, io) {
    const list = await withApi(values, io, async api => await api.quarantine.list())
    if (values.json === true) io.out(JSON.stringify(list, null, 2))
    else if (list.length === 0) io.out('nothing in quarantine')
    else
      for (const q of list)
        io.out(
          `${q.at} author ${q.author}${q.from === undefined ? '' : ` via ${q.from}`}: ${q.reason} (${q.detail}); document ${q.docId}, item ${q.itemId}, ${q.bytes} bytes`
        )
    return 0
  }
}

/**
 * A clock read from a file (tests only, `--clock-file`): every reading parses the ISO instant the
 * file holds, so a test moves a running node's time without waiting. An unreadable file is an error.
 */
export function fileClock(path: string): () => Date {
  return () => {
    const t = Date.parse(readFileSync(path, 'utf8').trim())
    if (!Number.isFinite(t)) throw new UsageError(`--clock-file ${path}: not an ISO instant`)
    return new Date(t)
  }
}
