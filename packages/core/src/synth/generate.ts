/** The patient and CHC-day generators: seeded, plain data, deterministic for a seed. */
import type { FacilityId, IsoDate } from '../record/index.js'
import { Prng } from '../testing/prng.js'
import { DateSampler, addDays, addMinutes, attendance, dateMs, isMonsoon, opdInstant } from './calendar.js'
import { pickCondition, type ConditionSpec } from './clinical.js'
import type { Person } from './visit.js'
import { fits, makeVisit, type ReferralTarget } from './care.js'
import { InvalidSynthParameterError } from './errors.js'
import type { SynthFacility } from './facilities.js'
import { district } from './geography.js'
import { nameVariant, wordVariant } from './names.js'
import { Households, abha, abhaShares, makePerson, pyramidPerson, registration, type SynthPerson } from './people.js'
import type { SynthChcDay, SynthPatient, SynthVisit } from './types.js'

/** Options of generatePatients. */
export interface GeneratePatientsOptions {
  seed: number
  count: number
  facilities: readonly SynthFacility[]
  /** First day of the period (default 2025-05-01, the window of the measured DH figures). */
  from?: IsoDate
  /** Length of the period in days (default 184: May–October, spanning the monsoon). */
  days?: number
  /** Share of registrations that duplicate an earlier person (default 0.05; domain.md §7 says 3–8%). */
  duplicateRate?: number
}

const CHRONIC = new Set(['htn-dm', 'anc', 'tb-suspect', 'sickle-cell'])

function targetsOf(facilities: readonly SynthFacility[]): Map<FacilityId, ReferralTarget> {
  const byId = new Map(facilities.map(f => [f.id, f]))
  const out = new Map<FacilityId, ReferralTarget>()
  for (const f of facilities) {
    const hub = f.hub === undefined ? undefined : byId.get(f.hub)
    if (hub !== undefined) out.set(f.id, { id: hub.id, name: hub.name })
  }
  return out
}

function uhid(facility: SynthFacility, date: IsoDate, serial: number): string {
  return `${facility.id.slice(-4)}${date.slice(2, 4)}${String(serial).padStart(6, '0')}`
}

/** A condition for someone already drawn: resample until it fits (ANC only for women of age, …). */
function conditionFor(prng: Prng, p: Person, monsoon: boolean): ConditionSpec {
  for (let i = 0; i < 20; i++) {
    const spec = pickCondition(prng, monsoon)
    if (fits(spec, p)) return spec
  }
  return pickCondition(prng, false)
}

class Registry {
  readonly #serials = new Map<FacilityId, number>()
  next(facility: SynthFacility, date: IsoDate): string {
    const n = (this.#serials.get(facility.id) ?? 0) + 1
    this.#serials.set(facility.id, n)
    return uhid(facility, date, n)
  }
}

function visitAt(
  prng: Prng,
  spec: ConditionSpec,
  person: Person,
  facility: SynthFacility,
  date: IsoDate,
  targets: Map<FacilityId, ReferralTarget>
): SynthVisit {
  const plan = spec.visit(prng, person, isMonsoon(date))
  return makeVisit(
    prng,
    spec,
    plan,
    facility,
    opdInstant(prng, date),
    facility.kind === 'CHC' ? targets.get(facility.id) : undefined
  )
}

/**
 * Generates `count` registrations with their care over a period: new people at facilities weighted by
 * OPD volume, follow-ups for chronic conditions, ABHA at registration or linked later, and duplicate
 * registrations of earlier people at another facility with a variant spelling.
 */
export function generatePatients(options: GeneratePatientsOptions): SynthPatient[] {
  const { seed, count, facilities } = options
  if (!Number.isInteger(count) || count < 0)
    throw new InvalidSynthParameterError('count', 'must be a non-negative integer')
  if (facilities.length === 0) throw new InvalidSynthParameterError('facilities', 'must not be empty')
  const from = options.from ?? '2025-05-01'
  const days = options.days ?? 184
  dateMs(from)
  const duplicateRate = options.duplicateRate ?? 0.05
  const prng = new Prng(seed)
  const dates = new DateSampler(from, days)
  const targets = targetsOf(facilities)
  const weighted = facilities.map(f => [f, f.opdPerDay] as const)
  const households = new Households()
  const registry = new Registry()
  const out: SynthPatient[] = []
  const people: { person: SynthPerson; patient: SynthPatient }[] = []

  for (let i = 0; i < count; i++) {
    const key = `r${String(i).padStart(6, '0')}`
    if (people.length > 0 && prng.chance(duplicateRate)) {
      out.push(duplicate(prng, key, prng.pick(people), facilities, targets, registry))
      continue
    }
    const facility = prng.weighted(weighted)
    const south = district(facility.district).south
    const date = dates.sample(prng)
    const spec = pickCondition(prng, isMonsoon(date))
    const base = spec.who?.(prng) ?? pyramidPerson(prng)
    const person = makePerson(prng, base, households.pick(prng, facility, south), south)
    const shares = abhaShares(facility)
    const withAbha = prng.chance(shares.atRegistration)
    const first = visitAt(prng, spec, person, facility, date, targets)
    const patient: SynthPatient = {
      key,
      person: key,
      facility: facility.id,
      registeredAt: addMinutes(first.at, -5),
      registration: registration(prng, person, facility, registry.next(facility, date), date, withAbha),
      visits: [first]
    }
    // Chronic conditions come back monthly; others sometimes return within two weeks.
    const returns = CHRONIC.has(spec.group) ? prng.int(1, 3) : prng.chance(0.12) ? 1 : 0
    let d = date
    for (let r = 0; r < returns; r++) {
      d = addDays(d, CHRONIC.has(spec.group) ? prng.int(26, 35) : prng.int(3, 14))
      const again = CHRONIC.has(spec.group) ? spec : conditionFor(prng, person, isMonsoon(d))
      patient.visits.push(visitAt(prng, again, person, facility, d, targets))
    }
    if (!withAbha && patient.visits.length > 1 && prng.chance((shares.later / (1 - shares.atRegistration)) * 3)) {
      patient.abhaLinkedLater = { at: patient.visits[1]!.at, by: facility.id, input: abha(prng, person.name) }
    } else if (!withAbha && patient.visits.length === 1 && prng.chance(shares.later / (1 - shares.atRegistration))) {
      patient.abhaLinkedLater = { at: addMinutes(first.at, 10), by: facility.id, input: abha(prng, person.name) }
    }
    out.push(patient)
    people.push({ person, patient })
  }
  return out
}

/** A second registration of an earlier person: another facility of the district, a variant spelling. */
function duplicate(
  prng: Prng,
  key: string,
  original: { person: SynthPerson; patient: SynthPatient },
  facilities: readonly SynthFacility[],
  targets: Map<FacilityId, ReferralTarget>,
  registry: Registry
): SynthPatient {
  const { person, patient } = original
  const at = facilities.find(f => f.id === patient.facility)!
  const hub = at.hub === undefined ? undefined : facilities.find(f => f.id === at.hub)
  const others = facilities.filter(f => f.district === at.district && f.id !== at.id)
  const facility = hub !== undefined && prng.chance(0.6) ? hub : others.length > 0 ? prng.pick(others) : at
  const date = addDays(patient.registeredAt.slice(0, 10), prng.int(1, 90))
  const spec = conditionFor(prng, person, isMonsoon(date))
  const visit = visitAt(prng, spec, person, facility, date, targets)
  const reg = registration(prng, person, facility, registry.next(facility, date), date, false)
  reg.name = nameVariant(prng, person.name)
  delete reg.nameVariants
  if (reg.village !== undefined && prng.chance(0.3)) reg.village = wordVariant(prng, reg.village)
  if (reg.phone !== undefined && prng.chance(0.4)) delete reg.phone
  // Duplicates happen mostly without an ABHA; when the person had one, it is sometimes shown again.
  const shown = patient.registration.abhaNumber ?? patient.abhaLinkedLater?.input.abhaNumber
  if (shown !== undefined && prng.chance(0.2)) reg.abhaNumber = shown
  return {
    key,
    person: patient.person,
    facility: facility.id,
    registeredAt: addMinutes(visit.at, -5),
    registration: reg,
    duplicateOf: patient.key,
    visits: [visit]
  }
}

/** Options of generateChcDay. */
export interface GenerateChcDayOptions {
  seed: number
  facility: SynthFacility
  date: IsoDate
  /** All facilities, to name the referral hub; without them the hub is named by its id. */
  facilities?: readonly SynthFacility[]
}

/**
 * One OPD day at a CHC: attendance from the facility's volume with weekday, monsoon and haat multipliers;
 * new and returning patients; referrals to the hub DH; ABHA at registration or linked today; and
 * duplicate registrations of people registered elsewhere.
 */
export function generateChcDay(options: GenerateChcDayOptions): SynthChcDay {
  const { facility, date } = options
  if (facility.kind !== 'CHC') throw new InvalidSynthParameterError('facility', 'must be a CHC')
  dateMs(date)
  const prng = new Prng(options.seed)
  const hub = options.facilities?.find(f => f.id === facility.hub)
  const target: ReferralTarget | undefined =
    facility.hub === undefined ? undefined : { id: facility.hub, name: hub?.name ?? `DH ${facility.hub}` }
  const targets = new Map(target === undefined ? [] : [[facility.id, target] as const])
  const expected = facility.opdPerDay * attendance(date, facility.haatDay)
  const count = Math.max(0, Math.round(prng.normal(expected, Math.sqrt(expected))))
  const south = district(facility.district).south
  const households = new Households()
  const shares = abhaShares(facility)
  const serialBase = prng.int(1000, 90000)
  const patients: SynthPatient[] = []
  for (let i = 0; i < count; i++) {
    const spec = pickCondition(prng, isMonsoon(date))
    const base = spec.who?.(prng) ?? pyramidPerson(prng)
    const person = makePerson(prng, base, households.pick(prng, facility, south), south)
    const visit = visitAt(prng, spec, person, facility, date, targets)
    // About 40% of attendances are new registrations; the rest hold an older UHID of this CHC.
    const isNew = prng.chance(0.4)
    const regDate = isNew ? date : addDays(date, -prng.int(1, 700))
    const dup = isNew && prng.chance(0.125)
    const withAbha = !dup && prng.chance(shares.atRegistration)
    const reg = registration(prng, person, facility, uhid(facility, regDate, serialBase + i), regDate, withAbha)
    const key = `${facility.id}-${date}-${String(i).padStart(3, '0')}`
    const patient: SynthPatient = {
      key,
      person: key,
      facility: facility.id,
      registeredAt: isNew ? addMinutes(visit.at, -5) : opdInstant(prng, regDate),
      registration: reg,
      visits: [visit]
    }
    if (dup) {
      // Registered before at the hub or another CHC; the ground-truth earlier record is outside this day.
      reg.name = nameVariant(prng, person.name)
      delete reg.nameVariants
      patient.duplicateOf = `elsewhere-${key}`
    }
    if (!withAbha && !dup && prng.chance(shares.later / (1 - shares.atRegistration))) {
      patient.abhaLinkedLater = { at: addMinutes(visit.at, 3), by: facility.id, input: abha(prng, person.name) }
    }
    patients.push(patient)
  }
  patients.sort((a, b) => (a.visits[0]!.at < b.visits[0]!.at ? -1 : a.visits[0]!.at > b.visits[0]!.at ? 1 : 0))
  return {
    facility: { id: facility.id, name: facility.name, district: facility.district, block: facility.block },
    date,
    patients
  }
}
