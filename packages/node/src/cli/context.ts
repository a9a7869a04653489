/**
 * What CLI commands share: the data directory, the operator secret, opening the node in-process,
 * and talking to a node that is already running (found through `DIR/node.json`).
 */
import { readFile, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { FacilityNode, type FacilityNodeOptions } from '../FacilityNode.js'
import type { NodeApi } from '../http/NodeApi.js'
import { DataDir, writeAtomic } from '../keyring/DataDir.js'
import { resolveSecret } from '../keyring/secret.js'
import { opt, type Io, type Values } from './command.js'
import { NodeRequestError, NodeRunningError } from './errors.js'
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

/** Written by `pagdandi start`, removed when it stops: how other commands find the running node. */
export interface RunFile {
  pid: number
  url: string
}

const runFilePath = (dir: string): string => join(dir, 'node.json')

/** Records that a node is running here. */
export async function writeRunFile(dir: string, run: RunFile): Promise<void> {
  await writeAtomic(runFilePath(dir), new TextEncoder().encode(JSON.stringify(run) + '\n'))
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
    const res = await fetch(new URL('/api/status', run.url), { signal: AbortSignal.timeout(2000) })
    return res.ok ? run : undefined
  } catch {
    return undefined
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
  if (running !== undefined) return await fn(httpApi(running.url))
  const node = await openOffline(values, io)
  try {
    return await fn(node)
  } finally {
    await node.stop()
  }
}

/** A `NodeApi` over the HTTP API of a running node. */
export function httpApi(base: string): NodeApi {
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(
      new URL(path, base),
      body === undefined
        ? undefined
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body)
          }
    )
    const json = (await res.json()) as { error?: { name: string; message: string } }
    if (!res.ok)
      throw new NodeRequestError(json.error?.name ?? 'NodeRequestError', json.error?.message ?? `HTTP ${res.status}`)
    return json as T
  }
  const q = encodeURIComponent
  return {
    status: { report: async () => await call('/api/status') },
    roster: {
      entries: async () => await call('/api/roster'),
      accept: async file => await call('/api/roster', file)
    },
    patients: {
      search: async query => await call(`/api/patients?q=${q(query)}`),
      register: async input => await call('/api/patients', input),
      read: async id => (await call<{ doc: unknown }>(`/api/patients/${q(id)}`)).doc,
      durableHeads: async id => (await call<{ heads: string[] }>(`/api/patients/${q(id)}/heads`)).heads,
      provenance: async id => await call(`/api/patients/${q(id)}/provenance`)
    },
    referrals: {
      list: async box => await call(`/api/referrals?box=${box}`),
      create: async (patientId, referral) => await call('/api/referrals', { patientId, referral })
    },
    fhir: {
      exportPatient: async id => await call(`/api/patients/${q(id)}/fhir`),
      preview: async bundle => await call('/api/fhir/preview', bundle),
      importBundle: async bundle => await call('/api/fhir/import', bundle)
    },
    erasure: { erase: async id => await call(`/api/patients/${q(id)}/erase`, {}) },
    quarantine: { list: async () => await call('/api/quarantine') }
  }
}
