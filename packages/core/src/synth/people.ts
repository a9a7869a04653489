/** Synthetic people and their registrations: names, age pyramid, villages, households sharing a phone, ABHA. */
import type { BirthInfo, IsoDate, RegistrationInput } from '../record/index.js'
import type { Prng } from '../testing/prng.js'
import type { Person } from './visit.js'
import type { SynthFacility } from './facilities.js'
import { district, villagesOf } from './geography.js'
import { synthAbhaAddress, synthAbhaNumber, synthMobile } from './identifiers.js'
import { fullName, givenName, nameVariant, surname, type PersonName } from './names.js'

// Population age pyramid in 5-year bands from 0–4: young, ≈35% under 15 (domain.md §7).
const AGE_BANDS = [11, 12, 12, 10, 9, 8.5, 7.5, 6.5, 5.5, 4.5, 4, 3.5, 2.8, 2, 1.2, 0.7, 0.3].map(
  (w, i) => [i, w] as const
)

/** An age from the OPD pyramid, and a sex (slightly more women, as in the southern districts). */
export function pyramidPerson(prng: Prng): Person {
  const band = prng.weighted(AGE_BANDS)
  return { age: band * 5 + prng.int(0, 4), sex: prng.chance(0.505) ? 'female' : 'male' }
}

/** A household: where a family lives, its surname and its one shared phone (if any). */
export interface Household {
  village: string
  block: string
  surname: string
  phone?: string
  head: string
}

/** Remembers recent households per block so that relatives register with the same phone and surname. */
export class Households {
  readonly #byBlock = new Map<string, Household[]>()

  /** An existing household of the block (30%) or a new one. */
  pick(prng: Prng, facility: SynthFacility, south: boolean): Household {
    const d = district(facility.district)
    // A CHC's patients come mostly from its own block; a hospital's from the whole district.
    const block = facility.kind === 'CHC' && prng.chance(0.85) ? facility.block : prng.pick(d.blocks)
    const key = `${facility.district}/${block}`
    const list = this.#byBlock.get(key) ?? []
    if (list.length > 0 && prng.chance(0.3)) return prng.pick(list)
    const fam = surname(prng, south)
    // 20–40% of patients have no phone (domain.md §7).
    const phone = prng.chance(0.7) ? synthMobile(prng) : undefined
    const h: Household = {
      village: prng.pick(villagesOf(facility.district, block)),
      block,
      surname: fam,
      ...(phone === undefined ? {} : { phone }),
      head: `${givenName(prng, 'male', south)} ${fam}`
    }
    list.push(h)
    // A bounded window keeps memory flat for 100k patients.
    if (list.length > 200) list.shift()
    this.#byBlock.set(key, list)
    return h
  }
}

/** How the birth date is known: exact for young children, otherwise often a year or an approximate age. */
export function birthInfo(prng: Prng, age: number, on: IsoDate): BirthInfo {
  const year = Number(on.slice(0, 4))
  const kind =
    age < 5
      ? prng.weighted([
          ['date', 7],
          ['year', 1],
          ['approx-age', 2]
        ] as const)
      : prng.weighted([
          ['date', 2],
          ['year', 3],
          ['approx-age', 5]
        ] as const)
  if (kind === 'date') {
    const born = new Date(Date.UTC(year - age, prng.int(0, 11), prng.int(1, 28)))
    const iso = born.toISOString().slice(0, 10)
    return { kind: 'date', date: iso > on ? on : iso }
  }
  if (kind === 'year') return { kind: 'year', year: year - age }
  // Clerks round adult ages to 5 years.
  return { kind: 'approx-age', years: age >= 20 ? Math.round(age / 5) * 5 : age, asOf: on }
}

/** A generated person before registration. */
export interface SynthPerson extends Person {
  name: PersonName
  household: Household
  guardian?: { name: string; relation: string }
}

/** A person in a household, with a guardian where the register would name one. */
export function makePerson(prng: Prng, p: Person, household: Household, south: boolean): SynthPerson {
  const name = { given: givenName(prng, p.sex, south), surname: household.surname }
  let guardian: SynthPerson['guardian']
  if (p.age < 18) guardian = { name: household.head, relation: 'father' }
  else if (p.sex === 'female' && prng.chance(0.5)) guardian = { name: household.head, relation: 'husband' }
  return { ...p, name, household, ...(guardian === undefined ? {} : { guardian }) }
}

/** The registration form for a person at a facility. */
export function registration(
  prng: Prng,
  person: SynthPerson,
  facility: SynthFacility,
  uhid: string,
  on: IsoDate,
  withAbha: boolean
): RegistrationInput {
  const h = person.household
  const reg: RegistrationInput = {
    name: fullName(person.name),
    sex: person.sex,
    birth: birthInfo(prng, person.age, on),
    village: h.village,
    block: h.block,
    district: facility.district,
    pin: district(facility.district).pin,
    uhid,
    ...(h.phone === undefined ? {} : { phone: h.phone }),
    ...(person.guardian === undefined ? {} : { guardian: person.guardian })
  }
  if (prng.chance(0.25)) reg.nameVariants = [nameVariant(prng, person.name)]
  if (withAbha) Object.assign(reg, abha(prng, person.name))
  return reg
}

/** A Luhn-valid ABHA number and, for 60%, an ABHA address made from the name. */
export function abha(prng: Prng, name: PersonName): { abhaNumber: string; abhaAddress?: string } {
  const abhaNumber = synthAbhaNumber(prng)
  return prng.chance(0.6)
    ? { abhaNumber, abhaAddress: synthAbhaAddress(prng, name.given, name.surname) }
    : { abhaNumber }
}

/** The share of registrations that carry an ABHA at registration, and the share linked at a later visit. */
export function abhaShares(facility: SynthFacility): { atRegistration: number; later: number } {
  // 40–55% at DHs (measured), 20–40% at CHCs (domain.md §5.3).
  return facility.kind === 'CHC' ? { atRegistration: 0.23, later: 0.08 } : { atRegistration: 0.41, later: 0.07 }
}
