/**
 * A member that speaks the sync protocol itself (a modified build): dials a node with the member's
 * own libp2p key and pushes items an honest replicator would never send (the receiver is not
 * entitled to them). For quota tests and the trust bench. Never used by the node itself.
 */
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import nacl from 'tweetnacl'
import type { FacilityId } from '@pagdandi/core/record'
import { decodeFrame, encodeFrame, type Frame } from '@pagdandi/core/sync'
import { DataDir } from '../datadir/DataDir.js'
import { loadNodeKeys } from '../keyring/keyringStore.js'
import { MAX_DATA_LENGTH, SYNC_PROTOCOL } from '../p2p/constants.js'
import { createHost } from '../p2p/host.js'
import { TEST_SECRET } from './fixtures.js'

/**
 * Dial `target` (a multiaddr with `/p2p/<peer id>`) as the facility of `dir`, say hello, push
 * `items` in batches of 40, waiting for each ack (`secret`: the operator secret of `dir`). Resolves when all are acknowledged; the returned
 * `stop` closes the host.
 */
export async function pushItems(
  dir: string,
  facility: FacilityId,
  target: string,
  items: Uint8Array[],
  rosterVersion: number,
  secret: string = TEST_SECRET
): Promise<{ done: Promise<void>; stop: () => Promise<void> }> {
  const keys = await loadNodeKeys(new DataDir(dir), secret)
  const host = await createHost({ privateKey: privateKeyToProtobuf(keys.libp2pKey), listen: [], admit: () => true })
  await host.start()
  const stream = await host.dialProtocol(multiaddr(target), SYNC_PROTOCOL)
  const lp = lpStream(stream, { maxDataLength: MAX_DATA_LENGTH })
  const hello = decodeFrame((await lp.read()).subarray())
  if (hello.type !== 'hello') throw new Error(`expected hello, got ${hello.type}`)
  await lp.write(
    encodeFrame({ type: 'hello', facility, rosterVersion, epoch: nacl.randomBytes(16), lastSeq: items.length })
  )
  const done = (async () => {
    let batchNo = 0
    for (let i = 0; i < items.length; i += 40) {
      const batch: Frame = { type: 'batch', batchNo: ++batchNo, upTo: 0, items: items.slice(i, i + 40) }
      await lp.write(encodeFrame(batch))
      for (;;) {
        const f = decodeFrame((await lp.read()).subarray())
        if (f.type === 'ack' && f.batchNo === batchNo) break
      }
    }
  })()
  return {
    done,
    stop: async () => {
      await host.stop()
    }
  }
}
