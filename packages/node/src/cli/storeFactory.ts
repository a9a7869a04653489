/** The item store the CLI and the demo open: LevelDB, with the node:crypto item inspector. */
import { nodeSignatureScheme } from '../crypto/index.js'
import { itemInspector } from '../keyring/inspect.js'
import type { NodeStore } from '../ports.js'
import { LevelItemStore } from '../store/LevelItemStore.js'

/** Opens (or creates) the LevelDB item store in `dir`. */
export async function openStore(dir: string): Promise<NodeStore> {
  return await LevelItemStore.open(dir, itemInspector(nodeSignatureScheme()))
}
