/**
 * Facility nodes for the browser tests. Until the `pagdandi` CLI can start a node, a node runs in
 * the test process (FacilityNode with an in-memory store, no replicator) and serves the built UI
 * on 127.0.0.1 like `pagdandi start` does.
 */
import { FacilityNode } from '../packages/node/src/FacilityNode.js'
import { TEST_SECRET, makeNetwork, memoryStore, tempDir, type FacilitySpec } from '../packages/node/src/testing/fixtures.js'
import { UI_DIST } from './ui-harness.js'

/** A running node as the tests see it. */
export interface TestNode {
  facility: string
  name: string
  url: string
  stop: () => Promise<void>
}

/** Starts one in-process node per spec, all on one signed roster. */
export async function startInProcessNodes (specs: FacilitySpec[]): Promise<TestNode[]> {
  const root = await tempDir('pagdandi-ui-')
  const { dirs } = await makeNetwork(root, specs)
  const out: TestNode[] = []
  for (const [i, dir] of dirs.entries()) {
    const store = await memoryStore()
    const node = await FacilityNode.open({ data: dir, secret: TEST_SECRET, http: { port: 0 }, uiDir: UI_DIST, openStore: async () => store })
    await node.start()
    out.push({ facility: specs[i]!.facility, name: specs[i]!.name, url: node.url!, stop: async () => { await node.stop() } })
  }
  return out
}
