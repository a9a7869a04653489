/**
 * `pagdandi staff`, `pagdandi audit` and `pagdandi tls`: staff accounts, the audit log and the LAN
 * certificate of a data directory. Commands that write refuse while a node runs on it (the node is
 * the one writer of staff.json and audit.log then; use the Staff screen).
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { FacilityId } from '@pagdandi/core/record'
import { ROLES } from '@pagdandi/core/staff'
import { createTls } from '../../http/tls.js'
import { DataDir, writeUserFile } from '../../datadir/DataDir.js'
import { randomPassword } from '../../staff/password.js'
import { StaffService } from '../../staff/StaffService.js'
import { need, opt, type Command, type Io, type Values } from '../command.js'
import { dataDirOf, runningNode, secretOf } from '../context.js'
import { loadNodeKeys } from '../../keyring/keyringStore.js'
import { auditKeyFrom } from '../../keyring/NodeKeys.js'
import { NodeRunningError, UsageError } from '../errors.js'

/** The audit log's name for the data directory's owner acting through the CLI. */
export const OPERATOR = 'operator'

/** The staff service of the data directory; `write` refuses while a node runs on it. */
export async function staffOf(values: Values, io: Io, write: boolean): Promise<StaffService> {
  const dir = dataDirOf(values, io)
  const facility = (await new DataDir(dir).readFacility()).facility as FacilityId
  if (write) {
    const running = await runningNode(dir)
    if (running !== undefined) throw new NodeRunningError(running.url)
  }
  // The audit log is keyed from the facility identity: these commands need the operator secret.
  const keys = await loadNodeKeys(new DataDir(dir), await secretOf(values, io))
  return new StaffService(dir, facility, auditKeyFrom(keys.keyring))
}

/** A password from `--password-file`, or a new random one (printed once). */
async function passwordOf(values: Values): Promise<{ password: string; generated: boolean }> {
  const file = opt(values, 'password-file')
  if (file === undefined) return { password: randomPassword(), generated: true }
  return { password: (await readFile(file, 'utf8')).replace(/\r?\n$/, ''), generated: false }
}

/** Adds the first facility admin of a new data directory; answers its sign-in. */
export async function addFirstAdmin(
  staff: StaffService,
  values: Values
): Promise<{ username: string; password: string; generated: boolean }> {
  const username = opt(values, 'admin') ?? 'admin'
  const { password, generated } = await passwordOf(values)
  const added = await staff.accounts.add({ username, name: 'Facility admin', role: 'facility-admin', password })
  await staff.audit.record({ event: 'staff.add', actor: OPERATOR, detail: { staff: added.staffId } })
  return { username, password, generated }
}

/** `pagdandi staff`. */
export const staff: Command = {
  name: 'staff',
  summary: 'staff accounts: add, list, disable, reset (while the node is stopped)',
  usage:
    '<add|list|disable|reset> [options]\n\n' +
    '  add --username U --name NAME --role ROLE [--hpr HPR_ID] [--password-file F]\n' +
    `      ROLE: ${ROLES.join(', ')}\n` +
    '      --hpr is required for a medical officer or nurse (14 digits, e.g. 71-4000-1234-5678)\n' +
    '      without --password-file a password is made and printed once\n' +
    '  list [--json]\n' +
    '  disable USERNAME            sign-in refused, sessions ended\n' +
    '  reset USERNAME [--password-file F]   new password; enables the account',
  options: {
    username: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    hpr: { type: 'string' },
    'password-file': { type: 'string' }
  },
  async run(values, pos, io) {
    const [sub, who] = pos
    if (sub === 'list') {
      const all = await (await staffOf(values, io, false)).accounts.list()
      if (values.json === true) io.out(JSON.stringify(all, null, 2))
      else if (all.length === 0) io.out('no staff accounts')
      else
        for (const a of all)
          io.out(
            `${a.username.padEnd(20)} ${a.role.padEnd(18)} ${a.hprId ?? '-'.padEnd(14)}  ${a.disabled ? 'disabled' : 'active  '}  ${a.name}`
          )
      return 0
    }
    const service = await staffOf(values, io, true)
    if (sub === 'add') {
      const { password, generated } = await passwordOf(values)
      const hpr = opt(values, 'hpr')
      const added = await service.accounts.add({
        username: need(values, 'username', 'staff add'),
        name: need(values, 'name', 'staff add'),
        role: need(values, 'role', 'staff add'),
        password,
        ...(hpr !== undefined ? { hprId: hpr } : {})
      })
      await service.audit.record({ event: 'staff.add', actor: OPERATOR, detail: { staff: added.staffId } })
      io.out(`added ${added.username} (${added.role})${generated ? `; password: ${password}` : ''}`)
      return 0
    }
    if (sub === 'disable' || sub === 'reset') {
      if (who === undefined) throw new UsageError(`staff ${sub}: the USERNAME is required`)
      if (sub === 'disable') {
        const a = await service.accounts.disable(who)
        await service.audit.record({ event: 'staff.disable', actor: OPERATOR, detail: { staff: a.staffId } })
        io.out(`disabled ${who}`)
        return 0
      }
      const { password, generated } = await passwordOf(values)
      const a = await service.accounts.reset(who, password)
      await service.audit.record({ event: 'staff.reset', actor: OPERATOR, detail: { staff: a.staffId } })
      io.out(`reset ${who}${generated ? `; new password: ${password}` : ''}`)
      return 0
    }
    throw new UsageError(`staff: expected add, list, disable or reset${sub !== undefined ? `, not "${sub}"` : ''}`)
  }
}

/** `pagdandi audit`. */
export const audit: Command = {
  name: 'audit',
  summary: 'the audit log: show, verify, export (ids only, hash-chained)',
  usage:
    '<show|verify|export> [options]\n\n' +
    '  show [--last N] [--json]    entries, after checking the chain\n' +
    '  verify                      check every hash and the head; names the first break\n' +
    '  export --out FILE           the checked log as JSON lines, for district IT',
  options: { last: { type: 'string' }, out: { type: 'string' } },
  async run(values, pos, io) {
    const service = await staffOf(values, io, false)
    const [sub] = pos
    if (sub === 'verify') {
      const v = await service.audit.verify()
      io.out(`audit log intact: ${v.entries} entries, head ${v.head}`)
      return 0
    }
    const entries = await service.audit.entries()
    if (sub === 'show') {
      const last = Number(opt(values, 'last') ?? entries.length)
      const shown = entries.slice(Math.max(0, entries.length - last))
      if (values.json === true) io.out(JSON.stringify(shown, null, 2))
      else
        for (const e of shown)
          io.out(
            `${String(e.seq).padStart(6)} ${e.at} ${e.event.padEnd(22)} ${e.actor ?? '-'}${e.patient !== undefined ? ` patient ${e.patient}` : ''}${e.detail !== undefined ? ' ' + JSON.stringify(e.detail) : ''}`
          )
      return 0
    }
    if (sub === 'export') {
      const out = resolve(need(values, 'out', 'audit export'))
      await writeUserFile(out, entries.map(e => JSON.stringify(e)).join('\n') + (entries.length > 0 ? '\n' : ''))
      io.out(`${entries.length} audit entries written to ${out}`)
      return 0
    }
    throw new UsageError(`audit: expected show, verify or export${sub !== undefined ? `, not "${sub}"` : ''}`)
  }
}

/** `pagdandi tls`. */
export const tls: Command = {
  name: 'tls',
  summary: 'the certificate the node serves the facility LAN with',
  usage:
    'create --lan-host NAME_OR_IP [--lan-host …]\n\n' +
    '  makes DIR/tls/cert.pem and key.pem for these names and addresses (plus localhost);\n' +
    '  install cert.pem on the facility’s PCs and tablets (README, "facility LAN")',
  options: { 'lan-host': { type: 'string', multiple: true } },
  async run(values, pos, io) {
    if (pos[0] !== 'create') throw new UsageError('tls: expected create')
    const hosts = (values['lan-host'] as string[] | undefined) ?? []
    if (hosts.length === 0) throw new UsageError('tls create: at least one --lan-host is required')
    await staffOf(values, io, true)
    const made = await createTls(dataDirOf(values, io), hosts)
    io.out(`certificate for ${made.names.join(', ')} in ${new DataDir(dataDirOf(values, io)).dir}/tls/cert.pem`)
    return 0
  }
}
