/** `pagdandi init`: a new facility identity and data directory. */
import { validateHfrId } from '@pagdandi/core/record'
import type { FacilityId, FacilityKind } from '@pagdandi/core/record'
import { DataDir, b64, type FacilityFile } from '../datadir/DataDir.js'
import { DataDirError } from './errors.js'
import { saveNodeKeys } from './keyringStore.js'
import { createNodeKeys } from './NodeKeys.js'

/** What `init` needs to know about the facility. */
export interface InitOptions {
  dir: string
  facility: string
  name: string
  kind: FacilityKind
  district: string
  /** libp2p listen multiaddrs, e.g. `/ip4/127.0.0.1/tcp/7001/ws`. */
  addresses: string[]
  secret: string
}

/** Creates the identity, encrypts it under the secret and writes the public facility file. */
export async function initFacility(o: InitOptions): Promise<FacilityFile> {
  const dataDir = new DataDir(o.dir)
  if (await dataDir.initialised()) throw new DataDirError(`${o.dir} is already initialised`)
  const facility = validateHfrId(o.facility, 'facility') as FacilityId
  await dataDir.create()
  const keys = await createNodeKeys(facility)
  await saveNodeKeys(dataDir, keys, o.secret)
  const id = keys.keyring.identity
  const file: FacilityFile = {
    facility,
    name: o.name,
    kind: o.kind,
    district: o.district,
    signingKey: b64.encode(id.signing.publicKey),
    boxKey: b64.encode(id.box.publicKey),
    peerId: keys.peerId,
    addresses: o.addresses
  }
  await dataDir.writeFacility(file)
  return file
}
