/**
 * The API table of docs/design/0001-module-contracts.md: path matching and input checks. Handlers
 * only shape requests and answers; the node does the work.
 */
import type { MatchQuery } from '@pagdandi/core/api'
import type {
  Author,
  EncounterInput,
  PatientId,
  ReferralInput,
  RegistrationInput,
  Sex,
  Unchecked
} from '@pagdandi/core/record'
import { BadRequestError, PatientNotFoundError, RouteNotFoundError } from './errors.js'
import { routeCards } from './cardRoutes.js'
import type { NodeApi } from './NodeApi.js'

/** A parsed request as a route sees it. */
export interface ApiRequest {
  method: string
  path: string
  query: URLSearchParams
  /** Parsed JSON body (undefined for GET). */
  body: () => Promise<unknown>
  /** The signed-in staff member, whose entries and sealed items name them (ChangeContext.by). */
  by?: Author
}

/** A route's answer: status and a JSON-serialisable value. */
export interface ApiResponse {
  status: number
  json: unknown
}

const PATIENT = /^\/api\/patients\/([A-Za-z0-9]{8,64})(\/heads|\/fhir|\/provenance)?$/
const ERASE = /^\/api\/patients\/([A-Za-z0-9]{8,64})\/erase$/
const ENCOUNTERS = /^\/api\/patients\/([A-Za-z0-9]{8,64})\/encounters$/
const CORRECTION = /^\/api\/patients\/([A-Za-z0-9]{8,64})\/(demographics|merge|unmerge)$/
const CONSENT = /^\/api\/patients\/([A-Za-z0-9]{8,64})\/(share|consents|erase-everywhere)$/
const ERASURE = /^\/api\/erasures(?:\/([A-Za-z0-9]{8,64}))?$/

/** Dispatches one `/api/…` request to the node. Throws named errors for the caller's mistakes. */
export async function routeApi(api: NodeApi, req: ApiRequest): Promise<ApiResponse> {
  const { method, path } = req
  if (method === 'GET' && path === '/api/status') return ok(await api.status.report())
  if (method === 'GET' && path === '/api/roster') return ok(await api.roster.entries())
  if (method === 'GET' && path === '/api/today') return ok(await api.work.today())
  if (method === 'GET' && path === '/api/quarantine') return ok(await api.quarantine.list())
  if (method === 'POST' && path === '/api/roster') {
    const b = object(await req.body(), 'body')
    if (typeof b.authorityKey !== 'string' || typeof b.roster !== 'string')
      throw new BadRequestError('authorityKey and roster: required base64 text')
    return ok(await api.roster.accept({ authorityKey: b.authorityKey, roster: b.roster }))
  }
  const erase = method === 'POST' ? ERASE.exec(path) : null
  if (erase !== null) {
    return ok(await api.erasure.erase(erase[1] as PatientId))
  }
  const consent = await consentRoute(api, req)
  if (consent !== undefined) return consent
  const enc = method === 'POST' ? ENCOUNTERS.exec(path) : null
  if (enc !== null) {
    const input = encounter(await req.body())
    return { status: 201, json: await api.patients.addEncounter(enc[1] as PatientId, input, req.by) }
  }
  const fix = method === 'POST' ? CORRECTION.exec(path) : null
  if (fix !== null) return ok(await correction(api, fix[1] as PatientId, fix[2]!, await req.body(), req.by))
  if (path === '/api/patients') {
    if (method === 'GET') return ok(await api.patients.search(req.query.get('q') ?? '', limit(req.query.get('limit'))))
    if (method === 'POST')
      return { status: 201, json: await api.patients.register(registration(await req.body()), req.by) }
  }
  if (method === 'POST' && path === '/api/patients/matches')
    return ok(await api.patients.matches(matchQuery(await req.body())))
  const m = PATIENT.exec(path)
  if (m !== null && method === 'GET') {
    const id = m[1] as PatientId
    if (m[2] === '/heads') {
      const heads = await api.patients.durableHeads(id)
      if (heads === undefined) throw new PatientNotFoundError(id)
      return ok({ patientId: id, heads })
    }
    if (m[2] === '/fhir') return ok(await api.fhir.exportPatient(id))
    if (m[2] === '/provenance') return ok(await api.patients.provenance(id))
    const doc = await api.patients.read(id)
    if (doc === undefined) throw new PatientNotFoundError(id)
    return ok({ patientId: id, doc })
  }
  if (path === '/api/referrals') {
    if (method === 'GET') {
      const box = req.query.get('box') ?? 'incoming'
      if (box !== 'incoming' && box !== 'outgoing') throw new BadRequestError('box must be incoming or outgoing')
      return ok(await api.referrals.list(box))
    }
    if (method === 'POST') {
      const body = object(await req.body(), 'body')
      const patientId = body.patientId
      if (typeof patientId !== 'string' || patientId.length === 0) throw new BadRequestError('patientId: required')
      const referral: Unchecked<ReferralInput> = object(body.referral, 'referral')
      if (typeof referral.to !== 'string') throw new BadRequestError('referral.to: required')
      return { status: 201, json: await api.referrals.create(patientId as PatientId, referral, req.by) }
    }
  }
  if (method === 'POST' && path === '/api/fhir/preview') {
    return ok(await api.fhir.preview(object(await req.body(), 'body'), 'upload'))
  }
  if (method === 'POST' && path === '/api/fhir/import') {
    return { status: 201, json: await api.fhir.importBundle(object(await req.body(), 'body'), 'upload') }
  }
  const card = await routeCards(api, req)
  if (card !== undefined) return card
  throw new RouteNotFoundError(method, path)
}

const ok = (json: unknown): ApiResponse => ({ status: 200, json })

const DEMOGRAPHIC_FIELDS = ['name', 'sex', 'birth', 'village', 'block', 'district', 'pin', 'phone', 'guardian']

/** `POST /api/patients/:id/demographics|merge|unmerge`: shape checks, then the record service. */
async function correction(api: NodeApi, id: PatientId, what: string, body: unknown, by?: Author): Promise<unknown> {
  const b = object(body, 'body')
  if (what === 'unmerge') return await api.records.unmerge(id, by)
  if (what === 'merge') {
    if (typeof b.into !== 'string' || !/^[A-Za-z0-9]{8,64}$/.test(b.into))
      throw new BadRequestError('into: required patient id')
    return await api.records.merge(id, b.into as PatientId, by)
  }
  for (const k of Object.keys(b))
    if (!DEMOGRAPHIC_FIELDS.includes(k)) throw new BadRequestError(`${k.slice(0, 40)}: unknown field`)
  for (const f of ['name', 'sex', 'village', 'block', 'district'] as const)
    if (b[f] !== undefined && typeof b[f] !== 'string') throw new BadRequestError(`${f}: expected text`)
  for (const f of ['pin', 'phone'] as const)
    if (b[f] !== undefined && b[f] !== null && typeof b[f] !== 'string')
      throw new BadRequestError(`${f}: expected text or null`)
  if (b.birth !== undefined) object(b.birth, 'birth')
  if (b.guardian !== undefined && b.guardian !== null) object(b.guardian, 'guardian')
  return await api.records.editDemographics(id, b, by)
}

function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new BadRequestError(`${field}: expected a JSON object`)
  return v as Record<string, unknown>
}

/**
 * Shape check of a registration before the record module validates the values: required fields
 * present and of the right type. Messages name fields only, never values.
 */
function registration(v: unknown): Unchecked<RegistrationInput> {
  const b = object(v, 'body')
  for (const f of ['name', 'sex', 'village', 'block', 'district', 'uhid'] as const) {
    if (typeof b[f] !== 'string' || (b[f] as string).trim().length === 0)
      throw new BadRequestError(`${f}: required text`)
  }
  if (!['female', 'male', 'other', 'unknown'].includes(b.sex as string))
    throw new BadRequestError('sex: one of female, male, other, unknown')
  const birth = object(b.birth, 'birth')
  if (!['date', 'year', 'approx-age', 'unknown'].includes(birth.kind as string))
    throw new BadRequestError('birth.kind: one of date, year, approx-age, unknown')
  for (const f of ['phone', 'abhaNumber', 'abhaAddress', 'pin'] as const) {
    if (b[f] !== undefined && typeof b[f] !== 'string') throw new BadRequestError(`${f}: expected text`)
  }
  if (
    b.nameVariants !== undefined &&
    (!Array.isArray(b.nameVariants) || b.nameVariants.some(x => typeof x !== 'string'))
  ) {
    throw new BadRequestError('nameVariants: expected a list of text')
  }
  return b
}

/** Most hits one search answers: a screen shows 50 and asks for one more to know the list was cut. */
const MAX_LIMIT = 200

function limit(raw: string | null): number | undefined {
  if (raw === null) return undefined
  const n = Number(raw)
  if (!/^\d{1,3}$/.test(raw) || n < 1 || n > MAX_LIMIT)
    throw new BadRequestError(`limit: a whole number 1–${MAX_LIMIT}`)
  return n
}

const SEXES: readonly string[] = ['female', 'male', 'other', 'unknown']
// Long enough for any name or village; short enough that a hostile body cannot make matching slow.
const MAX_MATCH_TEXT = 200

/** Shape check of `POST /api/patients/matches`: what the registration form holds. Messages name fields only. */
function matchQuery(v: unknown): MatchQuery {
  const b = object(v, 'body')
  const text = (f: string, required = false): string | undefined => {
    const x = b[f]
    if (x === undefined && !required) return undefined
    if (typeof x !== 'string' || x.length > MAX_MATCH_TEXT || (required && x.trim() === ''))
      throw new BadRequestError(`${f}: ${required ? 'required ' : ''}text of at most ${MAX_MATCH_TEXT} characters`)
    return x
  }
  const out: MatchQuery = { name: text('name', true)! }
  for (const f of ['uhid', 'abhaNumber', 'village', 'guardian', 'phone'] as const) {
    const x = text(f)
    if (x !== undefined) out[f] = x
  }
  if (b.sex !== undefined) {
    if (typeof b.sex !== 'string' || !SEXES.includes(b.sex))
      throw new BadRequestError('sex: one of female, male, other, unknown')
    out.sex = b.sex as Sex
  }
  if (b.age !== undefined) {
    if (typeof b.age !== 'number' || !Number.isInteger(b.age) || b.age < 0 || b.age > 150)
      throw new BadRequestError('age: whole years 0–150')
    out.age = b.age
  }
  return out
}

/**
 * Shape check of an encounter before the record module validates the values (and the edit check
 * judges the change): lists are lists, objects are objects. Messages name fields only.
 */
function encounter(v: unknown): Unchecked<EncounterInput> {
  const b = object(v, 'body')
  for (const f of ['complaints', 'diagnoses', 'prescriptions', 'labOrders'] as const) {
    if (b[f] !== undefined && !Array.isArray(b[f])) throw new BadRequestError(`${f}: expected a list`)
  }
  if (!Array.isArray(b.complaints) || b.complaints.some(x => typeof x !== 'string'))
    throw new BadRequestError('complaints: required list of text')
  for (const f of ['diagnoses', 'prescriptions', 'labOrders'] as const) {
    const list = (b[f] ?? []) as unknown[]
    list.forEach((x, i) => object(x, `${f}[${i}]`))
  }
  if (b.vitals !== undefined) object(b.vitals, 'vitals')
  for (const f of ['kind', 'practitioner', 'notes'] as const) {
    if (b[f] !== undefined && typeof b[f] !== 'string') throw new BadRequestError(`${f}: expected text`)
  }
  return b
}

/** Sharing under consent, the consents of a record, and erasure everywhere (docs/PROTOCOL.md). */
async function consentRoute(api: NodeApi, req: ApiRequest): Promise<ApiResponse | undefined> {
  const { method, path } = req
  const c = CONSENT.exec(path)
  if (c !== null) {
    const id = c[1] as PatientId
    if (method === 'GET' && c[2] === 'consents') return ok(await api.consent.report(id))
    if (method === 'POST' && c[2] === 'erase-everywhere') return { status: 201, json: await api.everywhere.issue(id) }
    if (method === 'POST' && c[2] === 'share') {
      const b = object(await req.body(), 'body')
      if (typeof b.to !== 'string') throw new BadRequestError('to: a facility id')
      return { status: 201, json: await api.consent.share(id, b.to, b.consent ?? undefined) }
    }
  }
  const e = method === 'GET' ? ERASURE.exec(path) : null
  if (e !== null)
    return ok(e[1] === undefined ? await api.everywhere.list() : await api.everywhere.status(e[1] as PatientId))
  return undefined
}
