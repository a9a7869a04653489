/**
 * The nodes a test file starts, and whatever else it runs beside them, stopped after each test,
 * passed or failed. For test files only (it registers a vitest hook); not exported to the bench.
 */
import { afterEach } from 'vitest'
import { openStore } from '../cli/storeFactory.js'
import { replicatorFactory } from '../cli/replicatorFactory.js'
import { FacilityNode, type FacilityNodeOptions } from '../FacilityNode.js'
import type { NodeStore } from '../ports.js'
import { TEST_SECRET } from './fixtures.js'

export interface RunningNodes {
  /** Stopped after each test, in order, after `stops`. */
  running: FacilityNode[]
  /** Run after each test, before the nodes stop (an attacker's pusher, a fake peer). */
  stops: (() => Promise<void>)[]
}

/** Call once at the top of a test file. */
export function stopAfterEach(): RunningNodes {
  const nodes: RunningNodes = { running: [], stops: [] }
  afterEach(async () => {
    for (const s of nodes.stops.splice(0)) await s()
    for (const n of nodes.running.splice(0)) await n.stop()
  })
  return nodes
}

/**
 * Opens and starts the node of `dir` over libp2p (no HTTP), on LevelDB, redialling within 500 ms;
 * `replicator` adds to the replicator factory's options, `extra` to the node's. It stops after the test.
 */
export async function startP2pNode(
  nodes: RunningNodes,
  dir: string,
  replicator: Parameters<typeof replicatorFactory>[0] = {},
  extra: Partial<FacilityNodeOptions> = {}
): Promise<FacilityNode> {
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: false,
    openStore,
    createReplicator: replicatorFactory({ maxRedialMs: 500, ...replicator }),
    ...extra
  })
  nodes.running.push(node)
  await node.start()
  return node
}

/** Opens the node of `dir` (no HTTP, no replicator) on LevelDB, with the item store it opened, to look under it. */
export async function openOnLevel(dir: string): Promise<{ node: FacilityNode; store: () => NodeStore }> {
  let opened: NodeStore | undefined
  const node = await FacilityNode.open({
    data: dir,
    secret: TEST_SECRET,
    http: false,
    openStore: async d => (opened = await openStore(d))
  })
  return { node, store: () => opened! }
}
