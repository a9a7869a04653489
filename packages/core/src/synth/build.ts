/**
 * Turns generated plain data into patient documents through the record change functions. The care is
 * written as one Automerge change per clinical step, per visit sitting or per patient (see Granularity).
 * Entry ids come from a seeded PRNG drawn in the same step order whatever the granularity, and every change
 * carries a time from the data and a fixed actor, so the same patient, seed and granularity give
 * byte-identical `Automerge.save` output, and every granularity gives the same `Automerge.toJS` content.
 */
import { BASE58_ALPHABET } from '../bytes.js'
import * as Automerge from '@automerge/automerge'
import {
  addAlert,
  addEncounter,
  addPrescription,
  advanceReferral,
  createPatientDoc,
  createReferral,
  dispense,
  linkAbha,
  orderLab,
  readPatient,
  recordLabResult,
  writeCareSummary
} from '../record/index.js'
import type {
  Author,
  ChangeContext,
  EntryId,
  FacilityId,
  IsoInstant,
  PatientDoc,
  PractitionerId
} from '../record/index.js'
import { Prng } from '../testing/prng.js'
import { writeDiff } from './mirror.js'
import { fullName, givenName, surname } from './names.js'
import type { SynthPatient, SynthVisit } from './types.js'

/**
 * How many Automerge changes a patient's care becomes (the registration is always its own change):
 * - `step`: one per clinical step (a visit; a referral received, accepted, closed; a later ABHA link),
 *   stamped with the step's time. The most faithful history; the slowest to build.
 * - `visit`: one per sitting, i.e. per run of time-ordered steps of the same visit at the same facility
 *   (the CHC visit with its labs, prescriptions and referral; then the DH's handling of that referral),
 *   stamped with the sitting's last step time. Two visits whose steps interleave in time give more runs.
 * - `patient`: all care in one change, stamped with the last step's time.
 */
export type Granularity = 'step' | 'visit' | 'patient'

/**
 * The default granularity: `visit`. It keeps a realistic history (a clinic saves once per sitting, and
 * referrals still cross facilities as separate changes) and builds nearly as fast as `patient`.
 */
export const DEFAULT_GRANULARITY: Granularity = 'visit'

/** Options of buildPatientDoc and applyCare. */
export interface BuildOptions {
  /** Seed of the entry-id (and default actor) stream. */
  seed: number
  /** Automerge actor id (hex); by default one derived from the seed and the patient key. */
  actor?: string
  /** Changes per patient; DEFAULT_GRANULARITY (`visit`) when absent. */
  granularity?: Granularity
  /** Receives soft findings (e.g. a failed check digit) from the record validators. */
  onWarning?: ChangeContext['onWarning']
}

function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/** A deterministic entry-id source: 12 base58 characters per id from a seeded PRNG. */
export function seededEntryIds(prng: Prng): () => EntryId {
  return () => {
    let id = ''
    for (let i = 0; i < 12; i++) id += BASE58_ALPHABET[Math.floor(prng.next() * 58)]
    return id as EntryId
  }
}

/** A deterministic 16-byte Automerge actor id (hex) for a seed and a patient key. */
export function seededActor(seed: number, key: string): string {
  const prng = new Prng(hash32(key, seed ^ 0x5a5a5a5a))
  let hex = ''
  for (let i = 0; i < 16; i++) hex += prng.int(0, 255).toString(16).padStart(2, '0')
  return hex
}

/** One clinical step; `episode` is the index of the visit it belongs to (-1: not part of a visit). */
interface Step {
  at: IsoInstant
  facility: FacilityId
  episode: number
  apply: (d: PatientDoc, ctx: ChangeContext) => void
}

/**
 * The medical officer who saw the patient, as a signed-in author: a name drawn from the HPR id alone
 * (its own PRNG), so adding authors changed nothing else the generator makes.
 */
export function practitionerAuthor(hpr: PractitionerId): Author {
  const prng = new Prng(hash32(hpr, 0x4850))
  const sex = prng.chance(0.5) ? 'female' : 'male'
  const name = { given: givenName(prng, sex, false), surname: surname(prng, false) }
  return { staffId: `mo${hpr.slice(-6)}`, name: `Dr. ${fullName(name)}`, role: 'medical-officer', hprId: hpr }
}

function visitSteps(visit: SynthVisit, episode: number, steps: Step[]): void {
  let referralId: EntryId | undefined
  const practitioner = visit.encounter.practitioner
  const by = practitioner === undefined ? undefined : practitionerAuthor(practitioner)
  steps.push({
    at: visit.at,
    facility: visit.facility,
    episode,
    apply: (d, stepCtx) => {
      const ctx = by === undefined ? stepCtx : { ...stepCtx, by }
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
  if (ref.receivedAt !== undefined)
    steps.push({
      at: ref.receivedAt,
      facility: to,
      episode,
      apply: (d, ctx) => advanceReferral(d, referralId!, 'received', ctx)
    })
  if (ref.acceptedAt !== undefined) {
    const arrival = ref.arrival
    steps.push({
      at: ref.acceptedAt,
      facility: to,
      episode,
      apply: (d, ctx) => {
        advanceReferral(d, referralId!, 'accepted', ctx)
        if (arrival !== undefined) addEncounter(d, arrival.encounter, ctx)
      }
    })
  }
  const outcome = ref.outcome
  if (outcome?.status === 'back-referred') {
    steps.push({
      at: outcome.at,
      facility: to,
      episode,
      apply: (d, ctx) => {
        writeCareSummary(d, { ...outcome.summary, referralId: referralId! }, ctx)
      }
    })
  } else if (outcome?.status === 'completed') {
    steps.push({
      at: outcome.at,
      facility: to,
      episode,
      apply: (d, ctx) => advanceReferral(d, referralId!, 'completed', ctx)
    })
  }
}

/** The patient's care as ordered steps (stable sort by time, so same-time steps keep their order). */
function careSteps(patient: SynthPatient): Step[] {
  const steps: Step[] = []
  patient.visits.forEach((visit, i) => visitSteps(visit, i, steps))
  const link = patient.abhaLinkedLater
  if (link !== undefined)
    steps.push({ at: link.at, facility: link.by, episode: -1, apply: (d, ctx) => linkAbha(d, link.input, ctx) })
  return steps
    .map((s, i) => [s, i] as const)
    .sort(([a, i], [b, j]) => (a.at < b.at ? -1 : a.at > b.at ? 1 : i - j))
    .map(([s]) => s)
}

/** The time-ordered steps cut into changes; the step order (and so the entry-id order) never changes. */
function changeGroups(steps: Step[], granularity: Granularity): Step[][] {
  if (granularity === 'step') return steps.map(s => [s])
  if (granularity === 'patient') return steps.length === 0 ? [] : [steps]
  const groups: Step[][] = []
  let last: Step | undefined
  for (const s of steps) {
    if (last !== undefined && s.episode === last.episode && s.facility === last.facility) groups.at(-1)!.push(s)
    else groups.push([s])
    last = s
  }
  return groups
}

const seconds = (at: IsoInstant): number => Math.floor(Date.parse(at) / 1000)

/** Applies every generated care step to a patient document, in changes of the given granularity. */
export function applyCare(
  doc: Automerge.Doc<PatientDoc>,
  patient: SynthPatient,
  newId: () => EntryId,
  onWarning?: ChangeContext['onWarning'],
  granularity: Granularity = DEFAULT_GRANULARITY
): Automerge.Doc<PatientDoc> {
  if (granularity !== 'step' && granularity !== 'visit' && granularity !== 'patient')
    throw new TypeError(`unknown granularity: ${String(granularity)}`)
  const warn = onWarning === undefined ? {} : { onWarning }
  const ctxOf = (step: Step): ChangeContext => ({ facility: step.facility, at: step.at, newId, ...warn })
  let out = doc
  const groups = changeGroups(careSteps(patient), granularity)
  if (granularity === 'step') {
    // The reference path: the change functions write through the Automerge proxy, as an app does.
    for (const [step] of groups)
      out = Automerge.change(out, { time: seconds(step!.at) }, d => step!.apply(d, ctxOf(step!)))
    return out
  }
  // Batched: the change functions run on a plain copy and their net effect is written in one change, so
  // each new entry is one WebAssembly batch instead of a call per property. Same content (the build test
  // compares toJS); the remaining cost is Automerge materialising each change's patches. The plain copy
  // has plain strings (readPatient), so unchanged fields compare equal and writeDiff leaves them alone;
  // writeDiff writes every string it does write as an immutable string, as the proxy path does.
  let plain = readPatient(out)
  for (const group of groups) {
    const before = plain
    plain = JSON.parse(JSON.stringify(before)) as PatientDoc
    for (const step of group) step.apply(plain, ctxOf(step))
    out = Automerge.change(out, { time: seconds(group.at(-1)!.at) }, d => {
      writeDiff(
        d as unknown as Record<string, unknown>,
        before as unknown as Record<string, unknown>,
        plain as unknown as Record<string, unknown>
      )
    })
  }
  return out
}

/** Builds a patient's document: the registration (via createPatientDoc, at the registration's own time) and all care. */
export function buildPatientDoc(patient: SynthPatient, options: BuildOptions): Automerge.Doc<PatientDoc> {
  const newId = seededEntryIds(new Prng(hash32(patient.key, options.seed)))
  const actor = options.actor ?? seededActor(options.seed, patient.key)
  const onWarning = options.onWarning
  const ctx: ChangeContext = {
    facility: patient.facility,
    at: patient.registeredAt,
    newId,
    ...(onWarning === undefined ? {} : { onWarning })
  }
  const registered = createPatientDoc(patient.registration, ctx, { actor, time: seconds(patient.registeredAt) })
  return applyCare(registered, patient, newId, onWarning, options.granularity ?? DEFAULT_GRANULARITY)
}

/**
 * Builds a patient's document and returns its `Automerge.save` bytes, freeing the document's WebAssembly
 * memory at once. Use it for bulk loading: documents left to the garbage collector pile up in the
 * WebAssembly heap, and building then became about five times slower (bench/README.md, Synthetic data).
 */
export function buildPatientBytes(patient: SynthPatient, options: BuildOptions): Uint8Array {
  const doc = buildPatientDoc(patient, options)
  try {
    return Automerge.save(doc)
  } finally {
    Automerge.free(doc)
  }
}
