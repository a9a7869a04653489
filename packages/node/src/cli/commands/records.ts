/** `pagdandi patient …`, `pagdandi refer` and `pagdandi seed`. */
import type {
  BirthInfo,
  FacilityId,
  PatientId,
  ReferralInput,
  RegistrationInput,
  Sex,
  Transport,
  Urgency
} from '@pagdandi/core/record'
import { intOpt, need, opt, type Command, type Values } from '../command.js'
import { openOffline, withApi } from '../context.js'
import { UsageError } from '../errors.js'
import { PatientNotFoundError } from '../../http/errors.js'

const SEXES: Sex[] = ['female', 'male', 'other', 'unknown']

function birthOf(values: Values): BirthInfo {
  const date = opt(values, 'birth-date')
  const year = opt(values, 'birth-year')
  const age = opt(values, 'age')
  if (date !== undefined) return { kind: 'date', date }
  if (year !== undefined) return { kind: 'year', year: Number(year) }
  if (age !== undefined) return { kind: 'approx-age', years: Number(age), asOf: new Date().toISOString().slice(0, 10) }
  throw new UsageError('patient register: one of --age, --birth-year or --birth-date is required')
}

function registrationOf(values: Values): RegistrationInput {
  const sex = need(values, 'sex', 'patient register') as Sex
  if (!SEXES.includes(sex)) throw new UsageError(`patient register: --sex must be one of ${SEXES.join(', ')}`)
  const input: RegistrationInput = {
    name: need(values, 'name', 'patient register'),
    sex,
    birth: birthOf(values),
    village: need(values, 'village', 'patient register'),
    block: need(values, 'block', 'patient register'),
    district: need(values, 'district', 'patient register'),
    uhid: need(values, 'uhid', 'patient register')
  }
  for (const [flag, key] of [
    ['phone', 'phone'],
    ['abha', 'abhaNumber'],
    ['abha-address', 'abhaAddress']
  ] as const) {
    const v = opt(values, flag)
    if (v !== undefined) input[key] = v
  }
  return input
}

/** `pagdandi patient`. */
export const patient: Command = {
  name: 'patient',
  summary: 'register, find and show patients (for scripting)',
  usage:
    '<register|find|show> …\n\n' +
    '  register --name N --sex female|male|other|unknown (--age Y | --birth-year Y | --birth-date D)\n' +
    '           --village V --block B --district D --uhid U [--phone P] [--abha N] [--abha-address A]\n' +
    '  find QUERY            name (spelling-tolerant), ABHA number, phone, village or UHID\n' +
    '  show PATIENT_ID       the whole record as JSON',
  options: {
    name: { type: 'string' },
    sex: { type: 'string' },
    age: { type: 'string' },
    'birth-year': { type: 'string' },
    'birth-date': { type: 'string' },
    village: { type: 'string' },
    block: { type: 'string' },
    district: { type: 'string' },
    uhid: { type: 'string' },
    phone: { type: 'string' },
    abha: { type: 'string' },
    'abha-address': { type: 'string' }
  },
  async run(values, pos, io) {
    const [sub, ...rest] = pos
    if (sub === 'register') {
      const input = registrationOf(values)
      const { patientId } = await withApi(values, io, async api => await api.patients.register(input))
      io.out(values.json === true ? JSON.stringify({ patientId }) : patientId)
      return 0
    }
    if (sub === 'find') {
      if (rest.length === 0) throw new UsageError('patient find: a QUERY is required')
      const hits = await withApi(values, io, async api => await api.patients.search(rest.join(' ')))
      if (values.json === true) io.out(JSON.stringify(hits, null, 2))
      else
        for (const h of hits)
          io.out(
            `${h.patientId}  ${h.name}  ${h.sex} ${h.birthUnknown === true ? 'birth-date-unknown' : `${h.age ?? '?'}y`}  ${h.village ?? 'village-unknown'}  ${h.uhid ?? ''}`
          )
      return hits.length > 0 ? 0 : 1
    }
    if (sub === 'show') {
      const id = rest[0]
      if (id === undefined) throw new UsageError('patient show: a PATIENT_ID is required')
      const doc = await withApi(values, io, async api => await api.patients.read(id as PatientId))
      if (doc === undefined) throw new PatientNotFoundError(id)
      io.out(JSON.stringify(doc, null, 2))
      return 0
    }
    throw new UsageError(`patient: expected register, find or show${sub !== undefined ? `, not "${sub}"` : ''}`)
  }
}

/** `pagdandi refer`. */
export const refer: Command = {
  name: 'refer',
  summary: 'refer a patient to another facility (grants it and pushes the record)',
  usage:
    '--patient ID --to HFR_ID --reason TEXT --urgency emergency|urgent|routine\n' +
    '       --diagnosis SYSTEM|CODE|DISPLAY --treatment TEXT [--transport 108|102|own]\n\n' +
    '  --diagnosis   e.g. "icd10|D57.0|Sickle-cell anaemia with crisis" (systems: icd10, snomed)',
  options: {
    patient: { type: 'string' },
    to: { type: 'string' },
    reason: { type: 'string' },
    urgency: { type: 'string' },
    diagnosis: { type: 'string' },
    treatment: { type: 'string' },
    transport: { type: 'string' }
  },
  async run(values, _pos, io) {
    const [sys, code, display] = need(values, 'diagnosis', 'refer').split('|')
    const system =
      sys === 'icd10' ? 'http://hl7.org/fhir/sid/icd-10' : sys === 'snomed' ? 'http://snomed.info/sct' : undefined
    if (system === undefined || code === undefined || display === undefined)
      throw new UsageError('refer: --diagnosis must be SYSTEM|CODE|DISPLAY with SYSTEM icd10 or snomed')
    const urgency = need(values, 'urgency', 'refer') as Urgency
    if (!['emergency', 'urgent', 'routine'].includes(urgency))
      throw new UsageError('refer: --urgency must be emergency, urgent or routine')
    const transport = (opt(values, 'transport') ?? '108') as Transport
    const input: ReferralInput = {
      to: need(values, 'to', 'refer') as FacilityId,
      reason: need(values, 'reason', 'refer'),
      urgency,
      provisionalDiagnosis: { system, code, display },
      treatmentGiven: need(values, 'treatment', 'refer'),
      transport
    }
    const patientId = need(values, 'patient', 'refer') as PatientId
    const { referralId } = await withApi(values, io, async api => await api.referrals.create(patientId, input))
    io.out(values.json === true ? JSON.stringify({ referralId }) : `referral ${referralId} sent to ${input.to}`)
    return 0
  }
}

/** `pagdandi seed`. */
export const seed: Command = {
  name: 'seed',
  summary: 'load synthetic patients (core/synth) as if registered here',
  usage:
    '[--count 100] [--seed 1] [--unique N]\n\n' +
    '  --unique N   build only N distinct patients; the rest repeat them under new ids and keys\n' +
    '               (a large benchmark corpus in minutes)\n\n' +
    'The node must not be running (the data directory is opened directly).',
  options: { count: { type: 'string' }, seed: { type: 'string' }, unique: { type: 'string' } },
  async run(values, _pos, io) {
    const count = intOpt(values, 'count', 100, 'seed')
    const seedValue = intOpt(values, 'seed', 1, 'seed')
    const unique = values.unique === undefined ? undefined : intOpt(values, 'unique', count, 'seed')
    const node = await openOffline(values, io)
    try {
      const ids = await node.patients.seed(
        count,
        seedValue,
        (done, total) => {
          if (done === total || done % 1000 === 0) io.progress(`seeding: ${done}/${total} patients`)
        },
        unique
      )
      io.err('')
      io.out(
        `seeded ${ids.length} synthetic patients (seed ${seedValue}); ${node.documents.stats.sealedItems} items sealed`
      )
    } finally {
      await node.stop()
    }
    return 0
  }
}

/** `pagdandi erase`. */
export const erase: Command = {
  name: 'erase',
  summary: 'erase a patient here (consent withdrawn): destroy every key generation of the record',
  usage:
    '--patient ID\n\n' +
    'Deletes the record and every grant holding its key from this node and refuses them from then on.\n' +
    'Other facilities holding the record must erase it too (docs/THREAT_MODEL.md).',
  options: { patient: { type: 'string' } },
  async run(values, _pos, io) {
    const patientId = need(values, 'patient', 'erase') as PatientId
    const r = await withApi(values, io, async api => await api.erasure.erase(patientId))
    io.out(
      values.json === true
        ? JSON.stringify(r)
        : `erased ${r.patientId}: ${r.generations} key generations destroyed, ${r.items} items deleted`
    )
    return 0
  }
}
