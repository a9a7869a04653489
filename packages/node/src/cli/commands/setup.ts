/** `pagdandi init` and `pagdandi roster …`: identities, the network authority and the signed roster. */
import { copyFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { FacilityId, FacilityKind } from '@pagdandi/core/record'
import { nodeSignatureScheme } from '../../crypto/index.js'
import {
  addMember,
  createAuthority,
  importRoster,
  readRosterFile,
  readRosterPath,
  revokeMember
} from '../../keyring/authority.js'
import { DataDir, readUserJson, type FacilityFile } from '../../datadir/DataDir.js'
import { DataDirError } from '../../keyring/errors.js'
import { initFacility } from '../../keyring/initFacility.js'
import { createTls, readTls } from '../../http/tls.js'
import { StaffService } from '../../staff/StaffService.js'
import { loadNodeKeys } from '../../keyring/keyringStore.js'
import { auditKeyFrom } from '../../keyring/NodeKeys.js'
import { addFirstAdmin } from './staff.js'
import { need, opt, type Command } from '../command.js'
import { dataDirOf, httpApi, runningNode, secretOf } from '../context.js'
import { UsageError } from '../errors.js'

const KINDS: FacilityKind[] = ['CHC', 'CH', 'DH', 'MC']

/** `pagdandi init`. */
export const init: Command = {
  name: 'init',
  summary: 'create a facility identity and data directory',
  usage:
    '--facility HFR_ID --name NAME --kind CHC|CH|DH|MC --district DISTRICT [--listen MULTIADDR]\n' +
    '        [--admin USERNAME] [--password-file FILE] [--lan-host NAME_OR_IP …]\n\n' +
    '  --facility ID     HFR id of the facility, e.g. IN2210000123\n' +
    '  --listen ADDR     libp2p address others dial, e.g. /ip4/127.0.0.1/tcp/7001/ws (repeatable)\n' +
    '  --admin USERNAME  the first facility admin (default admin); its password is printed once\n' +
    '                    unless --password-file gives it\n' +
    '  --lan-host NAME   a name or address the UI is served at on the facility LAN (repeatable);\n' +
    '                    goes into the TLS certificate (DIR/tls/cert.pem)\n' +
    'Writes facility.json (public; give it to the network authority), keyring.bin (encrypted),\n' +
    'staff.json (the first admin) and tls/ (the LAN certificate).',
  options: {
    facility: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    district: { type: 'string' },
    listen: { type: 'string', multiple: true },
    admin: { type: 'string' },
    'password-file': { type: 'string' },
    'lan-host': { type: 'string', multiple: true }
  },
  async run(values, _pos, io) {
    const kind = need(values, 'kind', 'init') as FacilityKind
    if (!KINDS.includes(kind)) throw new UsageError(`init: --kind must be one of ${KINDS.join(', ')}`)
    const dir = dataDirOf(values, io)
    const file = await initFacility({
      dir,
      facility: need(values, 'facility', 'init'),
      name: need(values, 'name', 'init'),
      kind,
      district: need(values, 'district', 'init'),
      addresses: (values.listen as string[] | undefined) ?? [],
      secret: await secretOf(values, io)
    })
    const keys = await loadNodeKeys(new DataDir(dir), await secretOf(values, io))
    const cert = await createTls(dir, (values['lan-host'] as string[] | undefined) ?? [])
    const admin = await addFirstAdmin(new StaffService(dir, file.facility, auditKeyFrom(keys.keyring)), values)
    io.out(`initialised ${file.facility} (${file.name}) in ${dir}`)
    io.out(`peer id ${file.peerId}; give ${new DataDir(dir).facilityFile} to the network authority`)
    io.out(
      `first facility admin: username ${admin.username}` +
        (admin.generated
          ? `, password ${admin.password} (shown once; change it with \`pagdandi staff reset ${admin.username}\`)`
          : '')
    )
    io.out(`sign in at http://127.0.0.1:8080/ after \`pagdandi start\`; add staff with \`pagdandi staff add\``)
    io.out(`LAN certificate for ${cert.names.join(', ')}: ${dir}/tls/cert.pem (README, "facility LAN")`)
    return 0
  }
}

const ROSTER_USAGE =
  '<create|add|revoke|export|import|show> [options]\n\n' +
  '  create --network NAME                 make a network authority in --data (signs rosters)\n' +
  '  add --member FACILITY_JSON [--carries-for ID,…]   add a facility (authority)\n' +
  '  revoke --facility ID                  revoke a facility (authority)\n' +
  '  export --out FILE                     write the signed roster (authority or node)\n' +
  '  import FILE                           install a signed roster in a node (pins the authority)\n' +
  '  show                                  list members'

/** `pagdandi roster`. */
export const roster: Command = {
  name: 'roster',
  summary: 'network authority and signed roster: create, add, revoke, export, import, show',
  usage: ROSTER_USAGE,
  options: {
    network: { type: 'string' },
    member: { type: 'string' },
    'carries-for': { type: 'string' },
    facility: { type: 'string' },
    out: { type: 'string' }
  },
  async run(values, pos, io) {
    const [sub, arg] = pos
    const dir = dataDirOf(values, io)
    const scheme = nodeSignatureScheme()
    switch (sub) {
      case 'create': {
        const r = await createAuthority(
          dir,
          need(values, 'network', 'roster create'),
          await secretOf(values, io),
          scheme
        )
        io.out(`network authority for "${r.body.network}" created in ${dir} (roster version ${r.body.version})`)
        return 0
      }
      case 'add': {
        const member = await readUserJson<FacilityFile>(need(values, 'member', 'roster add'))
        if (typeof member.facility !== 'string' || typeof member.signingKey !== 'string')
          throw new DataDirError('--member is not a facility.json written by `pagdandi init`')
        const carries = (opt(values, 'carries-for') ?? '').split(',').filter(s => s.length > 0) as FacilityId[]
        const r = await addMember(dir, await secretOf(values, io), scheme, member, carries)
        io.out(`added ${member.facility} (${member.name}); roster version ${r.body.version}`)
        return 0
      }
      case 'revoke': {
        const r = await revokeMember(
          dir,
          await secretOf(values, io),
          scheme,
          need(values, 'facility', 'roster revoke') as FacilityId
        )
        io.out(`revoked ${opt(values, 'facility')}; roster version ${r.body.version}`)
        return 0
      }
      case 'export': {
        const out = resolve(need(values, 'out', 'roster export'))
        const d = new DataDir(dir)
        if ((await d.readRoster()) === undefined) throw new DataDirError(`${dir} holds no roster`)
        await copyFile(d.rosterFile, out)
        io.out(`roster written to ${out}`)
        return 0
      }
      case 'import': {
        if (arg === undefined) throw new UsageError('roster import: the roster FILE is required')
        const file = await readRosterPath(arg)
        // A running node holds the store: it installs the roster itself, disconnects revoked
        // facilities and rotates their keys at once. Otherwise the next start rotates.
        const running = await runningNode(dir)
        if (running !== undefined) {
          const done = await httpApi(running, (await readTls(dir))?.cert).roster.accept(file)
          io.out(`roster version ${done.version} installed in the running node; ${done.rotated} document keys rotated`)
          return 0
        }
        const r = await importRoster(dir, file, scheme)
        io.out(`roster "${r.body.network}" version ${r.body.version} installed (${r.body.entries.length} members)`)
        return 0
      }
      case 'show': {
        const file = await new DataDir(dir).readRoster()
        if (file === undefined)
          throw new DataDirError(`${dir} holds no roster; import one with \`pagdandi roster import FILE\``)
        const r = readRosterFile(file, scheme)
        if (values.json === true) {
          io.out(
            JSON.stringify(
              {
                network: r.body.network,
                version: r.body.version,
                members: r.body.entries.map(e => ({
                  facility: e.facility,
                  name: e.name,
                  kind: e.kind,
                  district: e.district,
                  peerId: e.peerId,
                  addresses: e.addresses,
                  carriesFor: e.carriesFor
                })),
                revoked: r.body.revocations
              },
              null,
              2
            )
          )
        } else {
          io.out(`roster "${r.body.network}" version ${r.body.version}`)
          for (const e of r.body.entries)
            io.out(
              `  ${e.facility}  ${e.kind.padEnd(3)}  ${e.name}${e.carriesFor.length > 0 ? `  (carries for ${e.carriesFor.join(', ')})` : ''}`
            )
          for (const v of r.body.revocations) io.out(`  ${v.facility}  revoked at version ${v.atVersion}`)
        }
        return 0
      }
      default:
        throw new UsageError(
          `roster: expected create, add, revoke, export, import or show${sub !== undefined ? `, not "${sub}"` : ''}`
        )
    }
  }
}
