/** `pagdandi store recover`: rebuild a damaged item store from what is provably intact. */
import { nodeSignatureScheme } from '../../crypto/index.js'
import { loadRoster } from '../../FacilityNode.js'
import { DataDir } from '../../datadir/DataDir.js'
import { itemInspector } from '../../keyring/inspect.js'
import { checkItem } from '../../repo/exchange.js'
import { damageMarkerOf } from '../../store/openCheck.js'
import { recoverStore } from '../../store/recoverStore.js'
import type { Command } from '../command.js'
import { dataDirOf, runningNode } from '../context.js'
import { NodeRunningError, UsageError } from '../errors.js'
import { stat } from 'node:fs/promises'

/** `pagdandi store`. */
export const store: Command = {
  name: 'store',
  summary: 'the item store: `recover` rebuilds a damaged one from the items that verify',
  usage:
    'recover\n\n' +
    '  recover   keep every stored item whose id re-hashes and whose signature verifies against the\n' +
    '            roster, in a new store; peers send back the rest when they next sync (repair).\n' +
    '            The damaged files stay where the failed open kept them.',
  async run(values, pos, io) {
    if (pos[0] !== 'recover' || pos.length !== 1) throw new UsageError('store: the only subcommand is `recover`')
    const dir = new DataDir(dataDirOf(values, io))
    const running = await runningNode(dir.dir)
    if (running !== undefined) throw new NodeRunningError(running.url)
    await dir.readFacility()
    const marked = await stat(damageMarkerOf(dir.itemsDir)).then(
      () => true,
      () => false
    )
    if (!marked) {
      io.out('the item store is not marked damaged; nothing to recover')
      return 0
    }
    const scheme = nodeSignatureScheme()
    const roster = await loadRoster(dir, scheme)
    if (roster === undefined) throw new UsageError('store recover: no roster here to verify items against')
    const report = await recoverStore(dir.itemsDir, {
      inspect: itemInspector(scheme),
      verify: bytes => checkItem(bytes, roster, scheme)
    })
    io.out(
      `recovered the item store: kept ${report.kept} items that verify, dropped ${report.dropped}, ` +
        `${report.erasedDocs} erased documents stay erased`
    )
    io.out(`the store as LevelDB left it is in ${report.replacedAt}`)
    io.out('start the node: peers repair with it and send back what was lost (cursors start over)')
    return 0
  }
}
