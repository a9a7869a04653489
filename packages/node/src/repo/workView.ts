/**
 * What the day's work at a facility needs of one record (app/WorkService.ts): its registration
 * here, and each visit here with who saw the patient, whether a diagnosis or prescription was
 * written, and its lab orders and whether each has a result. Derived from the record only, so
 * every browser and every restart sees the same queue.
 */
import type { Encounter, FacilityId, PatientDoc } from '@pagdandi/core/record'

/** A lab order of a visit here. */
export interface LabView {
  orderId: string
  test: string
  orderedAt: string
  /** Who ordered it (the clinician's name), when the record knows. */
  by?: string
  resulted: boolean
}

/** A visit here, as the queue reads it. */
export interface VisitView {
  encounterId: string
  at: string
  /** The clinician's name on the visit, when the record knows. */
  by?: string
  /** A diagnosis or prescription was written: the doctor has seen the patient. */
  seen: boolean
  labs: LabView[]
}

/** The record's part in the day's work here. */
export interface WorkSource {
  /** When the patient was registered here (absent when registered elsewhere). */
  registeredAt?: string
  registeredBy?: string
  visits: VisitView[]
}

function visitOf(e: Encounter): VisitView {
  const seen = Object.keys(e.diagnoses ?? {}).length > 0 || Object.keys(e.prescriptions ?? {}).length > 0
  return {
    encounterId: e.id,
    at: e.at,
    ...(e.author?.name === undefined ? {} : { by: e.author.name }),
    seen,
    labs: Object.values(e.labOrders ?? {}).map(o => ({
      orderId: o.id,
      test: o.test.display,
      orderedAt: o.orderedAt,
      ...(o.author?.name === undefined ? {} : { by: o.author.name }),
      resulted: o.result !== undefined
    }))
  }
}

/** The work view of a plain record at `facility`; undefined when it has no part in the day here. */
export function workOf(plain: PatientDoc, facility: FacilityId): WorkSource | undefined {
  const visits = Object.values(plain.encounters ?? {})
    .filter(e => e.facility === facility)
    .map(visitOf)
    .sort((a, b) => a.at.localeCompare(b.at))
  const here = plain.registeredBy === facility
  if (!here && visits.length === 0) return undefined
  return {
    ...(here ? { registeredAt: plain.registeredAt } : {}),
    ...(here && plain.registeredByStaff?.name !== undefined ? { registeredBy: plain.registeredByStaff.name } : {}),
    visits
  }
}

/** The calendar day (YYYY-MM-DD) of an instant in India (UTC+05:30, no daylight saving). */
export function indiaDay(instant: string | Date): string {
  const t = typeof instant === 'string' ? Date.parse(instant) : instant.getTime()
  return new Date(t + 330 * 60_000).toISOString().slice(0, 10)
}
