/**
 * `pagdandi encounter add`: adds an encounter to a patient at the running node, signed in as a
 * clinician (the entry names them, and the node checks it as it checks a browser's change: schema,
 * role, claimed author). For scripts and benchmarks that measure catch-up on edits.
 */
import { readFile } from 'node:fs/promises'
import type { EncounterInput, PatientId } from '@pagdandi/core/record'
import { need, opt, type Command } from '../command.js'
import { ApiClient } from '../ApiClient.js'
import { dataDirOf, runningNode } from '../context.js'
import { UsageError } from '../errors.js'
import { readTls } from '../../http/tls.js'

/** `pagdandi encounter`. */
export const encounter: Command = {
  name: 'encounter',
  summary: 'add an encounter to a patient at the running node, as a signed-in clinician',
  usage:
    'add PATIENT_ID --as USERNAME --password-file F (--complaint TEXT … | --input FILE)\n\n' +
    '  --as USERNAME      a medical officer or nurse of this facility (staff add); the entry names them\n' +
    '  --password-file F  their password (or PAGDANDI_PASSWORD)\n' +
    '  --complaint TEXT   a presenting complaint (repeat for more)\n' +
    '  --input FILE       the whole encounter as JSON (complaints, vitals, diagnoses, prescriptions, labOrders)\n' +
    'Needs `pagdandi start` running on the data directory. Prints the encounter id.',
  options: {
    as: { type: 'string' },
    'password-file': { type: 'string' },
    complaint: { type: 'string', multiple: true },
    input: { type: 'string' }
  },
  async run(values, pos, io) {
    const [sub, patientId] = pos
    if (sub !== 'add') throw new UsageError(`encounter: expected add${sub !== undefined ? `, not "${sub}"` : ''}`)
    if (patientId === undefined) throw new UsageError('encounter add: a PATIENT_ID is required')
    const username = need(values, 'as', 'encounter add')
    const file = opt(values, 'password-file')
    const password =
      file !== undefined ? (await readFile(file, 'utf8')).replace(/\r?\n$/, '') : io.env.PAGDANDI_PASSWORD
    if (password === undefined || password === '')
      throw new UsageError('encounter add: --password-file (or PAGDANDI_PASSWORD) is required')
    const inputFile = opt(values, 'input')
    const complaints = values.complaint
    let input: unknown
    if (inputFile !== undefined) input = JSON.parse(await readFile(inputFile, 'utf8')) as unknown
    else if (Array.isArray(complaints) && complaints.length > 0) input = { complaints } satisfies EncounterInput
    else throw new UsageError('encounter add: --complaint or --input is required')
    const dir = dataDirOf(values, io)
    const run = await runningNode(dir)
    if (run === undefined)
      throw new UsageError('encounter add: no node is running on this data directory (pagdandi start)')
    const client = await ApiClient.signIn(run.url, username, password, (await readTls(dir))?.cert)
    const answer = await client.post<{ encounterId: string; heads: string[] }>(
      `/api/patients/${encodeURIComponent(patientId as PatientId)}/encounters`,
      input
    )
    io.out(values.json === true ? JSON.stringify(answer) : answer.encounterId)
    return 0
  }
}
