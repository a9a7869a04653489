/**
 * What CLI commands share: the data directory, the operator secret, opening the node in-process,
 * and talking to a node that is already running (found through `DIR/node.json`).
 */
import { readFile, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { FacilityNode, type FacilityNodeOptions } from '../FacilityNode.js'
import type { NodeApi } from '../http/NodeApi.js'
import { readTls } from '../http/tls.js'
import { DataDir, writeAtomic } from '../datadir/DataDir.js'
import { resolveSecret } from '../keyring/secret.js'
import { opt, type Io, type Values } from './command.js'
import { ApiClient, type ApiCredentials } from './ApiClient.js'
import { NodeRunningError } from './errors.js'
import { openStore } from './storeFactory.js'

/** Default data directory when neither --data nor PAGDANDI_DATA is given. */
export const DEFAULT_DATA_DIR = 'pagdandi-data'

/** The data directory of this invocation. */
export function dataDirOf(values: Values, io: Io): string {
  return resolve(opt(values, 'data') ?? io.env.PAGDANDI_DATA ?? DEFAULT_DATA_DIR)
}

/** The operator secret of this invocation. */
export async function secretOf(values: Values, io: Io): Promise<string> {
  return await resolveSecret({ secretFile: opt(values, 'secret-file'), env: io.env })
}

/**
 * Written by `pagdandi start` (owner-only), removed when it stops: how other commands find the
 * running node, and the operator session they call it with (the data directory's owner is its operator).
 */
export interface RunFile {
  pid: number
  url: string
  session: ApiCredentials
}

/** The run file of a node started in this process. */
export function runFileOf(node: FacilityNode): RunFile {
  const s = node.staff.sessions.operatorSession(node.self.facility)
  return { pid: process.pid, url: node.url!, session: { token: s.token, csrf: s.csrf } }
}

const runFilePath = (dir: string): string => join(dir, 'node.json')

/** Records that a node is running here. */
export async function writeRunFile(dir: string, run: RunFile): Promise<void> {
  await writeAtomic(runFilePath(dir), new TextEncoder().encode(JSON.stringify(run) + '\n'), 0o600)
}

/** Removes the run file (on clean stop). */
export async function removeRunFile(dir: string): Promise<void> {
  await rm(runFilePath(dir), { force: true })
}

/** The running node on this data directory, if its process is alive and answers. */
export async function runningNode(dir: string): Promise<RunFile | undefined> {
  let run: RunFile
  try {
    run = JSON.parse(await readFile(runFilePath(dir), 'utf8')) as RunFile
  } catch {
    return undefined
  }
  try {
    process.kill(run.pid, 0)
  } catch {
    return undefined
  }
  try {
    const res = await fetch(new URL('/api/health', run.url), { signal: AbortSignal.timeout(2000) })
    return res.ok ? run : undefined
  } catch {
    // a TLS node with its own certificate: the process is alive and the run file names it
    return run.url.startsWith('https:') ? run : undefined
  }
}

/** Opens the node in this process (no HTTP, no replication), for one command. */
export async function openOffline(
  values: Values,
  io: Io,
  extra: Partial<FacilityNodeOptions> = {}
): Promise<FacilityNode> {
  const dir = dataDirOf(values, io)
  const running = await runningNode(dir)
  if (running !== undefined) throw new NodeRunningError(running.url)
  await new DataDir(dir).readFacility() // a missing or foreign directory is the likelier mistake: say so first
  return await FacilityNode.open({
    data: dir,
    secret: await secretOf(values, io),
    http: false,
    openStore,
    log: line => io.err(line),
    onProgress: (what, n, total) => {
      if (n >= 5000 || what === 'documents rebuilt')
        io.progress(`opening: ${n}${total === undefined ? '' : `/${total}`} ${what}`)
    },
    ...extra
  })
}

/**
 * Runs `fn` against the node's API: over HTTP when a node is running on the data directory
 * (LevelDB allows one process), else against the node opened in-process.
 */
export async function withApi<T>(values: Values, io: Io, fn: (api: NodeApi) => Promise<T>): Promise<T> {
  const dir = dataDirOf(values, io)
  const running = await runningNode(dir)
  if (running !== undefined) return await fn(httpApi(running, (await readTls(dir))?.cert))
  const node = await openOffline(values, io)
  try {
    return await fn(node)
  } finally {
    await node.stop()
  }
}

/** A `NodeApi` over the HTTP API of a running node, as its operator. */
export function httpApi(run: RunFile, ca?: string): NodeApi {
  const client = new ApiClient(run.url, run.session, ca)
  const q = encodeURIComponent
  return {
    status: { report: async () => await client.get('/api/status') },
    roster: {
      entries: async () => await client.get('/api/roster'),
      accept: async file => await client.post('/api/roster', file)
    },
    patients: {
      search: async (query, limit) =>
        await client.get(`/api/patients?q=${q(query)}${limit === undefined ? '' : `&limit=${limit}`}`),
      matches: async query => await client.post('/api/patients/matches', query),
      register: async input => await client.post('/api/patients', input),
      addEncounter: async (id, input) => await client.post(`/api/patients/${q(id)}/encounters`, input),
      read: async id => (await client.get<{ doc: unknown }>(`/api/patients/${q(id)}`)).doc,
      durableHeads: async id => (await client.get<{ heads: string[] }>(`/api/patients/${q(id)}/heads`)).heads,
      provenance: async id => await client.get(`/api/patients/${q(id)}/provenance`)
    },
    work: { today: async () => await client.get('/api/today') },
    records: {
      editDemographics: async (id, input) => await client.post(`/api/patients/${q(id)}/demographics`, input),
      merge: async (id, into) => await client.post(`/api/patients/${q(id)}/merge`, { into }),
      unmerge: async id => await client.post(`/api/patients/${q(id)}/unmerge`, {})
    },
    cards: {
      print: async (id, days) => await client.post(`/api/patients/${q(id)}/card`, days === undefined ? {} : { days }),
      revoke: async (id, days) =>
        await client.post(`/api/patients/${q(id)}/card/revoke`, days === undefined ? {} : { days }),
      open: async code => await client.post('/api/cards/open', { code }),
      fetch: async id => await client.get(`/api/cards/fetches/${q(id)}`)
    },
    referrals: {
      list: async box => await client.get(`/api/referrals?box=${box}`),
      create: async (patientId, referral) => await client.post('/api/referrals', { patientId, referral })
    },
    fhir: {
      exportPatient: async id => await client.get(`/api/patients/${q(id)}/fhir`),
      preview: async bundle => await client.post('/api/fhir/preview', bundle),
      importBundle: async bundle => await client.post('/api/fhir/import', bundle)
    },
    erasure: { erase: async id => await client.post(`/api/patients/${q(id)}/erase`, {}) },
    consent: {
      share: async (id, to, consent) =>
        await client.post(`/api/patients/${q(id)}/share`, { to, ...(consent === undefined ? {} : { consent }) }),
      report: async id => await client.get(`/api/patients/${q(id)}/consents`)
    },
    everywhere: {
      issue: async id => await client.post(`/api/patients/${q(id)}/erase-everywhere`, {}),
      status: async id => await client.get(`/api/erasures/${q(id)}`),
      list: async () => await client.get('/api/erasures')
    },
    quarantine: { list: async () => await client.get('/api/quarantine') }
  }
}
