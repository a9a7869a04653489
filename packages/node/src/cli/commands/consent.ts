/** `pagdandi share` (a record under ABDM consent terms) and `pagdandi erasure` (erasure everywhere, its status). */
import { readFile } from 'node:fs/promises'
import type { ErasureStatus } from '@pagdandi/core/api'
import type { PatientId } from '@pagdandi/core/record'
import { need, opt, type Command, type Io } from '../command.js'
import { withApi } from '../context.js'
import { UsageError } from '../errors.js'

/** `pagdandi share`. */
export const share: Command = {
  name: 'share',
  summary: 'grant a record to another facility, optionally under consent terms with an expiry',
  usage:
    '--patient ID --to FACILITY [--consent-file FILE]\n\n' +
    '  --consent-file FILE  JSON ABDM consent terms: { "purpose": { "code": "CAREMGT" },\n' +
    '                       "hiTypes": ["OPConsultation"], "dateRange": { "from": ISO, "to": ISO },\n' +
    '                       "dataEraseAt": ISO }; the receiving facility erases the record at dataEraseAt',
  options: { patient: { type: 'string' }, to: { type: 'string' }, 'consent-file': { type: 'string' } },
  async run(values, _pos, io) {
    const patientId = need(values, 'patient', 'share') as PatientId
    const to = need(values, 'to', 'share')
    const file = opt(values, 'consent-file')
    let consent: unknown
    if (file !== undefined) {
      try {
        consent = JSON.parse(await readFile(file, 'utf8'))
      } catch (err) {
        throw new UsageError(`--consent-file ${file}: ${(err as Error).message}`)
      }
    }
    const r = await withApi(values, io, async api => await api.consent.share(patientId, to, consent))
    io.out(
      values.json === true
        ? JSON.stringify(r)
        : `shared ${r.patientId} with ${r.to}: ${r.grants} key generations granted`
    )
    return 0
  }
}

/** `pagdandi erasure`. */
export const erasure: Command = {
  name: 'erasure',
  summary: 'erase a record everywhere (this must be its home facility), and follow who has confirmed',
  usage:
    'request --patient ID | status [--patient ID]\n\n' +
    '  request  sign an erasure request to every facility holding the record, and erase it here\n' +
    '  status   per facility: confirmed (when, keys or items) or not yet reached',
  options: { patient: { type: 'string' } },
  async run(values, pos, io) {
    const [verb] = pos
    const patientId = opt(values, 'patient') as PatientId | undefined
    if (verb === 'request') {
      if (patientId === undefined) throw new UsageError('erasure request: --patient ID')
      printStatus(
        io,
        await withApi(values, io, async api => await api.everywhere.issue(patientId)),
        values.json === true
      )
      return 0
    }
    if (verb === 'status') {
      const list = await withApi(values, io, async api =>
        patientId === undefined ? await api.everywhere.list() : [await api.everywhere.status(patientId)]
      )
      for (const s of list) printStatus(io, s, values.json === true)
      return 0
    }
    throw new UsageError('erasure: request or status')
  }
}

function printStatus(io: Io, s: ErasureStatus, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(s))
    return
  }
  io.out(`${s.patientId}: erasure requested ${s.issuedAt}; ${s.confirmed} confirmed, ${s.notReached} not yet reached`)
  for (const f of s.facilities)
    io.out(
      f.state === 'confirmed'
        ? `  ${f.facility} ${f.name}: confirmed, erased ${f.erasedAt} (${f.held === 'keys' ? 'key generations destroyed' : 'carried items dropped'})`
        : `  ${f.facility} ${f.name}: not yet reached`
    )
}
