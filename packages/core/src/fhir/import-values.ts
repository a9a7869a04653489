/** Value readers shared by the import: vital signs, lab values, and dropping undefined properties. */
import type { Vitals } from '../record/types.js'
import { BLOOD_PRESSURE, SYSTEM, VITAL_SIGNS } from './constants.js'
import { type Json, isObject, list } from './issues.js'
import { codingOf, str, textOf } from './read.js'

/** The vital signs of a list of Observations, and which Observations gave one. */
export function readVitals(observations: Json[]): { vitals: Vitals; used: Json[] } {
  const v: Vitals = {}
  const used: Json[] = []
  const byCode = new Map<string, keyof Vitals>(Object.entries(VITAL_SIGNS).map(([k, s]) => [s.code, k as keyof Vitals]))
  byCode.set(BLOOD_PRESSURE.systolic.code, 'systolic')
  byCode.set(BLOOD_PRESSURE.diastolic.code, 'diastolic')
  const take = (code: unknown, q: unknown): boolean => {
    const key = typeof code === 'string' ? byCode.get(code) : undefined
    if (key === undefined || !isObject(q) || typeof q.value !== 'number') return false
    v[key] = q.value
    return true
  }
  for (const o of observations) {
    let any = take(codingOf(o.code, [SYSTEM.loinc])?.code, o.valueQuantity)
    for (const c of list(o.component).filter(isObject))
      any = take(codingOf(c.code, [SYSTEM.loinc])?.code, c.valueQuantity) || any
    if (any) used.push(o)
  }
  return { vitals: v, used }
}

/** A lab Observation's value as the record writes it (number and unit, or text). */
export function readValue(o: Json): { value: string; unit?: string } {
  if (isObject(o.valueQuantity) && typeof o.valueQuantity.value === 'number') {
    const unit = str(o.valueQuantity.unit) ?? str(o.valueQuantity.code)
    return unit === undefined
      ? { value: String(o.valueQuantity.value) }
      : { value: String(o.valueQuantity.value), unit }
  }
  return { value: str(o.valueString) ?? textOf(o.valueCodeableConcept) ?? '' }
}

/** Drop undefined properties (Automerge rejects undefined values). */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v
  return out as T
}
