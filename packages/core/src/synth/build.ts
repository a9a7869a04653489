/**
 * Turns generated plain data into patient documents through the record change functions, one Automerge
 * change per clinical step. Entry ids come from a seeded PRNG and every change carries the step's own
 * timestamp and a fixed actor, so the same patient and seed give byte-identical `Automerge.save` output.
 */
import * as Automerge from '@automerge/automerge'
import {
  addAlert, addEncounter, addPrescription, advanceReferral, createReferral, dispense, linkAbha, newPatientDoc,
  orderLab, recordLabResult, writeCareSummary
} from '../record/index.js'
import type { ChangeContext, EntryId, FacilityId, IsoInstant, PatientDoc } from '../record/index.js'
import { Prng } from '../testing/prng.js'
import type { SynthPatient, SynthVisit } from './types.js'

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

/** Options of buildPatientDoc and applyCare. */
export interface BuildOptions {
  /** Seed of the entry-id (and default actor) stream. */
  seed: number
  /** Automerge actor id (hex); by default one derived from the seed and the patient key. */
  actor?: string
  /** Receives soft findings (e.g. a failed check digit) from the record validators. */
  onWarning?: ChangeContext['onWarning']
}

function hash32 (s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/** A deterministic entry-id source: 12 base58 characters per id from a seeded PRNG. */
export function seededEntryIds (prng: Prng): () => EntryId {
  return () => {
    let id = ''
    for (let i = 0; i < 12; i++) id += BASE58[Math.floor(prng.next() * 58)]
    return id as EntryId
  }
}

/** A deterministic 16-byte Automerge actor id (hex) for a seed and a patient key. */
export function seededActor (seed: number, key: string): string {
  const prng = new Prng(hash32(key, seed ^ 0x5a5a5a5a))
  let hex = ''
  for (let i = 0; i < 16; i++) hex += prng.int(0, 255).toString(16).padStart(2, '0')
  return hex
}

interface Step { at: IsoInstant, facility: FacilityId, apply: (d: PatientDoc, ctx: ChangeContext) => void }

function visitSteps (visit: SynthVisit, steps: Step[]): void {
  let referralId: EntryId | undefined
  steps.push({
    at: visit.at, facility: visit.facility, apply: (d, ctx) => {
      const encounterId = addEncounter(d, visit.encounter, ctx)
      for (const lab of visit.labs) {
        const orderId = orderLab(d, encounterId, lab.order, ctx)
        if (lab.result !== undefined) recordLabResult(d, encounterId, orderId, lab.result, ctx)
      }
      for (const p of visit.prescriptions) {
        const rxId = addPrescription(d, encounterId, p.input, ctx)
        if (p.dispensed !== null) dispense(d, encounterId, rxId, p.dispensed, ctx)
      }
      if (visit.alert !== undefined) addAlert(d, visit.alert, ctx)
      if (visit.referral !== undefined) referralId = createReferral(d, { ...visit.referral.input, encounterId }, ctx)
    }
  })
  const ref = visit.referral
  if (ref === undefined) return
  const to = ref.input.to
  if (ref.receivedAt !== undefined) steps.push({ at: ref.receivedAt, facility: to, apply: (d, ctx) => advanceReferral(d, referralId!, 'received', ctx) })
  if (ref.acceptedAt !== undefined) {
    const arrival = ref.arrival
    steps.push({
      at: ref.acceptedAt, facility: to, apply: (d, ctx) => {
        advanceReferral(d, referralId!, 'accepted', ctx)
        if (arrival !== undefined) addEncounter(d, arrival.encounter, ctx)
      }
    })
  }
  const outcome = ref.outcome
  if (outcome?.status === 'back-referred') {
    steps.push({ at: outcome.at, facility: to, apply: (d, ctx) => { writeCareSummary(d, { ...outcome.summary, referralId: referralId! }, ctx) } })
  } else if (outcome?.status === 'completed') {
    steps.push({ at: outcome.at, facility: to, apply: (d, ctx) => advanceReferral(d, referralId!, 'completed', ctx) })
  }
}

/** The patient's care as ordered steps (stable sort by time, so same-time steps keep their order). */
function careSteps (patient: SynthPatient): Step[] {
  const steps: Step[] = []
  for (const visit of patient.visits) visitSteps(visit, steps)
  const link = patient.abhaLinkedLater
  if (link !== undefined) steps.push({ at: link.at, facility: link.by, apply: (d, ctx) => linkAbha(d, link.input, ctx) })
  return steps.map((s, i) => [s, i] as const).sort(([a, i], [b, j]) => a.at < b.at ? -1 : a.at > b.at ? 1 : i - j).map(([s]) => s)
}

const seconds = (at: IsoInstant): number => Math.floor(Date.parse(at) / 1000)

/** Applies every generated care step to a patient document, one Automerge change per step. */
export function applyCare (doc: Automerge.Doc<PatientDoc>, patient: SynthPatient, newId: () => EntryId, onWarning?: ChangeContext['onWarning']): Automerge.Doc<PatientDoc> {
  let out = doc
  for (const step of careSteps(patient)) {
    const ctx: ChangeContext = { facility: step.facility, at: step.at, newId, ...(onWarning === undefined ? {} : { onWarning }) }
    out = Automerge.change(out, { time: seconds(step.at) }, d => step.apply(d, ctx))
  }
  return out
}

/**
 * Builds a patient's document: the registration (via newPatientDoc) and all care. `createPatientDoc` is
 * not used because `Automerge.from` stamps the wall-clock time into the change, which would make the
 * bytes differ from run to run; this makes the same initial change with the registration's own time.
 */
export function buildPatientDoc (patient: SynthPatient, options: BuildOptions): Automerge.Doc<PatientDoc> {
  const newId = seededEntryIds(new Prng(hash32(patient.key, options.seed)))
  const actor = options.actor ?? seededActor(options.seed, patient.key)
  const onWarning = options.onWarning
  const ctx: ChangeContext = { facility: patient.facility, at: patient.registeredAt, newId, ...(onWarning === undefined ? {} : { onWarning }) }
  const initial = newPatientDoc(patient.registration, ctx)
  const empty = Automerge.init<PatientDoc>({ actor })
  const registered = Automerge.change(empty, { time: seconds(patient.registeredAt) }, d => { Object.assign(d, initial) })
  return applyCare(registered, patient, newId, onWarning)
}
