/**
 * Checks the registration form's fields all at once, so every problem is shown next to its field
 * (in the user's language: the errors are message keys), and builds the `RegistrationInput` when
 * there is none. The node validates again (core/record); this is for the clerk, not for safety.
 */
import { luhnValid, validateAbhaAddress, validatePhone } from '@pagdandi/core/record'
import type { RegistrationInput, Sex } from '@pagdandi/core/record'
import type { MessageKey } from './i18n/en.js'
import { parseIndianDate, todayInIndia } from './format.js'

/** What the registration form holds, as typed. */
export interface RegisterFields {
  name: string
  sex: Sex
  /** Age in years, an infant's age in months and days, or the date of birth. */
  birthMode: 'age' | 'infant' | 'date'
  age: string
  months: string
  days: string
  birthDate: string
  guardianName: string
  guardianRelation: string
  village: string
  block: string
  district: string
  phone: string
  uhid: string
  abhaNumber: string
  abhaAddress: string
}

/** An empty form: a woman (most OPD patients), age in years, guardian a father. */
export function emptyRegistration(): RegisterFields {
  return {
    name: '',
    sex: 'female',
    birthMode: 'age',
    age: '',
    months: '',
    days: '',
    birthDate: '',
    guardianName: '',
    guardianRelation: 'father',
    village: '',
    block: '',
    district: '',
    phone: '',
    uhid: '',
    abhaNumber: '',
    abhaAddress: ''
  }
}

/** The fields a message can stand next to. */
export type FieldName = keyof RegisterFields

/** The fields typed as text. */
export type TextField = Exclude<FieldName, 'sex' | 'birthMode'>

/** Problems by field, as message keys. */
export type FieldMessages = Partial<Record<FieldName, MessageKey>>

/** The outcome of checking: the input when nothing blocks it, and what to show by each field. */
export interface RegisterCheck {
  input?: RegistrationInput
  errors: FieldMessages
  /** Not blocking: e.g. an ABHA number whose check digit is wrong (it may be typed wrong). */
  warnings: FieldMessages
}

/** The 14 digits of an ABHA number typed with or without hyphens or spaces, or undefined. */
export function abhaDigits(text: string): string | undefined {
  const d = text.replace(/[\s-]/g, '')
  return /^\d{14}$/.test(d) ? d : undefined
}

/** An ABHA number grouped as it is printed on the card: 12-3456-7890-1234. */
export function groupAbha(digits: string): string {
  return /^\d{14}$/.test(digits)
    ? `${digits.slice(0, 2)}-${digits.slice(2, 6)}-${digits.slice(6, 10)}-${digits.slice(10)}`
    : digits
}

/**
 * `today` minus whole days, then whole months (the day clamped to the month's length), as
 * `YYYY-MM-DD`: an infant's birth date from their age, the inverse of counting months then days.
 */
export function dateBefore(today: string, months: number, days: number): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  const back = new Date(Date.UTC(y, m - 1, d - days))
  const start = new Date(Date.UTC(back.getUTCFullYear(), back.getUTCMonth() - months, 1))
  const lastDay = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0)).getUTCDate()
  start.setUTCDate(Math.min(back.getUTCDate(), lastDay))
  return start.toISOString().slice(0, 10)
}

/** Whole months and the days after them from `birthDate` to `today` (both `YYYY-MM-DD`). */
export function monthsAndDays(birthDate: string, today: string): { months: number; days: number } | undefined {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number]
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number]
  if (![by, bm, bd, ty, tm, td].every(Number.isFinite) || birthDate > today) return undefined
  let months = (ty - by) * 12 + (tm - bm)
  let days = td - bd
  if (days < 0) {
    months -= 1
    // Days in the month before today's month.
    days += new Date(Date.UTC(ty, tm - 1, 0)).getUTCDate()
  }
  return { months, days }
}

const whole = (s: string, max: number): number | undefined => {
  if (!/^\s*\d{1,3}\s*$/.test(s)) return undefined
  const n = Number(s)
  return n <= max ? n : undefined
}

function birthOf(f: RegisterFields, today: string, errors: FieldMessages): RegistrationInput['birth'] | undefined {
  if (f.birthMode === 'age') {
    const years = whole(f.age, 120)
    if (years === undefined) errors.age = 'register.needAge'
    return years === undefined ? undefined : { kind: 'approx-age', years, asOf: today }
  }
  if (f.birthMode === 'infant') {
    const months = f.months.trim() === '' ? 0 : whole(f.months, 23)
    const days = f.days.trim() === '' ? 0 : whole(f.days, 31)
    if (months === undefined) errors.months = 'register.needMonths'
    if (days === undefined) errors.days = 'register.needDays'
    if (months === undefined || days === undefined) return undefined
    if (months === 0 && days === 0 && f.months.trim() === '' && f.days.trim() === '') {
      errors.months = 'register.needMonths'
      return undefined
    }
    return { kind: 'date', date: dateBefore(today, months, days) }
  }
  const date = parseIndianDate(f.birthDate)
  if (date === undefined) errors.birthDate = 'register.needDate'
  else if (date > today) errors.birthDate = 'register.futureDate'
  else if (Number(today.slice(0, 4)) - Number(date.slice(0, 4)) > 120) errors.birthDate = 'register.tooOld'
  else return { kind: 'date', date }
  return undefined
}

/** Checks every field; `today` is India's calendar date. */
export function checkRegistration(f: RegisterFields, today = todayInIndia()): RegisterCheck {
  const errors: FieldMessages = {}
  const warnings: FieldMessages = {}
  if (f.name.trim() === '') errors.name = 'register.needName'
  const birth = birthOf(f, today, errors)
  if (f.village.trim() === '') errors.village = 'register.needVillage'
  if (f.block.trim() === '') errors.block = 'register.needBlock'
  if (f.district.trim() === '') errors.district = 'register.needDistrict'
  if (f.uhid.trim() === '') errors.uhid = 'register.needUhid'
  if (f.phone.trim() !== '') {
    try {
      validatePhone(f.phone.trim())
    } catch {
      errors.phone = 'register.badPhone'
    }
  }
  const abha = f.abhaNumber.trim() === '' ? undefined : abhaDigits(f.abhaNumber)
  if (f.abhaNumber.trim() !== '' && abha === undefined) errors.abhaNumber = 'register.badAbha'
  else if (abha !== undefined && !luhnValid(abha)) warnings.abhaNumber = 'register.abhaCheckDigit'
  if (f.abhaAddress.trim() !== '') {
    try {
      validateAbhaAddress(f.abhaAddress.trim().toLowerCase())
    } catch {
      errors.abhaAddress = 'register.badAbhaAddress'
    }
  }
  if (Object.keys(errors).length > 0 || birth === undefined) return { errors, warnings }
  const input: RegistrationInput = {
    name: f.name.trim(),
    sex: f.sex,
    birth,
    village: f.village.trim(),
    block: f.block.trim(),
    district: f.district.trim(),
    uhid: f.uhid.trim()
  }
  if (f.phone.trim()) input.phone = f.phone.trim()
  if (f.guardianName.trim()) input.guardian = { name: f.guardianName.trim(), relation: f.guardianRelation }
  if (abha !== undefined) input.abhaNumber = abha
  if (f.abhaAddress.trim()) input.abhaAddress = f.abhaAddress.trim().toLowerCase()
  return { input, errors, warnings }
}
