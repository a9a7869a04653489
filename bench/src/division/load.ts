/**
 * The division's load, from core/synth: each facility's OPD day(s) at its published volume, turned
 * into timed writes through the HTTP API (registration, encounter with labs and prescriptions, the
 * lab-and-pharmacy follow-up, referrals, back-referrals, onward referrals between DHs). Pure.
 */
import { Prng } from '@pagdandi/core/testing'
import type { EncounterInput, FacilityId, ReferralInput, RegistrationInput } from '@pagdandi/core/record'
import {
  HUB_DISTRICT,
  generateChcDay,
  generatePatients,
  type SynthFacility,
  type SynthPatient
} from '@pagdandi/core/synth'
import type { WriteKind } from './ledger.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/** One write the harness will make. `needs` is the patient whose registration must be acknowledged first. */
export interface PlannedWrite {
  /** Simulated ms from the run's start. */
  atMs: number
  facility: FacilityId
  kind: WriteKind
  patientKey: string
  registration?: RegistrationInput
  encounter?: EncounterInput
  referral?: ReferralInput
  /** A back-referral waits until the referral it answers has arrived at `facility`. */
  afterReferralOf?: string
}

/** Options of `planLoad`. */
export interface LoadOptions {
  seed: number
  facilities: readonly SynthFacility[]
  /** All 49, to name referral hubs. */
  all: readonly SynthFacility[]
  /** First simulated day (ISO date) and the instant (epoch ms) the run's clock starts at. */
  from: string
  startMs: number
  days: number
  horizonMs: number
  /** Multiplies every facility's volume (1 = published volumes). */
  volume: number
  /** Share of a DH's OPD referred onward to the division's referral centre (Jagdalpur). */
  onwardShare?: number
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10)
}

function scaled(f: SynthFacility, volume: number): SynthFacility {
  return { ...f, opdPerDay: Math.max(1, Math.round(f.opdPerDay * volume)) }
}

/** A referral slip to `to`, for a patient seen for `reason`. */
function slip(to: FacilityId, reason: string, p: SynthPatient): ReferralInput {
  const dx = p.visits[0]?.encounter.diagnoses?.[0]
  return {
    to,
    reason,
    urgency: 'urgent',
    provisionalDiagnosis: dx?.coding ?? { system: 'http://snomed.info/sct', code: '306206005', display: 'Referral' },
    treatmentGiven: 'As in the encounter',
    transport: '108'
  }
}

/** The timed writes of the whole run, sorted by time. */
export function planLoad(o: LoadOptions): PlannedWrite[] {
  const prng = new Prng(o.seed)
  const out: PlannedWrite[] = []
  const at = (iso: string): number => Date.parse(iso) - o.startMs
  const centre = o.facilities.find(f => f.kind === 'DH' && f.district === 'Bastar')
  const hubs = new Map(o.facilities.map(f => [f.id, f]))
  for (let day = 0; day < o.days; day++) {
    const date = addDays(o.from, day)
    for (const base of o.facilities) {
      const f = scaled(base, o.volume)
      const seed = prng.int(1, 2 ** 30)
      const patients =
        f.kind === 'CHC'
          ? generateChcDay({ seed, facility: f, date, facilities: o.all }).patients
          : generatePatients({ seed, count: f.opdPerDay, facilities: [f], from: date, days: 1, duplicateRate: 0.05 })
      for (const p of patients) {
        const key = `${p.key}@${f.id}#${day}`
        const visit = p.visits[0]!
        const seen = at(visit.at)
        const reg = { ...p.registration }
        // Nobody is registered twice with one ABHA number (the node refuses it, 409): a person who
        // turns up unreferred at another facility is registered anew, without the ABHA.
        if (p.duplicateOf !== undefined) delete reg.abhaNumber
        out.push({
          atMs: seen - 5 * MINUTE,
          facility: f.id,
          kind: p.duplicateOf !== undefined ? 'unreferred-registration' : 'registration',
          patientKey: key,
          registration: reg
        })
        out.push({
          atMs: seen,
          facility: f.id,
          kind: 'encounter',
          patientKey: key,
          encounter: {
            ...visit.encounter,
            labOrders: visit.labs.map(l => l.order),
            prescriptions: visit.prescriptions.map(x => x.input)
          }
        })
        const results = visit.labs.filter(l => l.result !== undefined)
        const dispensed = visit.prescriptions.filter(x => x.dispensed !== null)
        if (results.length + dispensed.length > 0) {
          out.push({
            atMs: seen + 30 * MINUTE,
            facility: f.id,
            kind: 'lab-dispense',
            patientKey: key,
            encounter: {
              complaints: ['Lab results and dispensing'],
              notes: [
                ...results.map(
                  l => `${l.order.test.display ?? l.order.test.code}: ${l.result!.value} ${l.result!.unit ?? ''}`
                ),
                ...dispensed.map(x => `dispensed ${x.input.drug} x${x.dispensed}`)
              ].join('; ')
            }
          })
        }
        const ref = visit.referral
        if (ref !== undefined && hubs.has(ref.input.to)) {
          out.push({
            atMs: seen + 10 * MINUTE,
            facility: f.id,
            kind: 'referral',
            patientKey: key,
            referral: { ...ref.input }
          })
          if (ref.outcome?.status === 'back-referred') {
            const s = ref.outcome.summary
            out.push({
              atMs: Math.min(at(ref.outcome.at), o.horizonMs - 30 * MINUTE),
              facility: ref.input.to,
              kind: 'back-referral',
              patientKey: key,
              afterReferralOf: key,
              referral: {
                to: f.id,
                reason: `Back-referral: ${s.followUpAdvice}`.slice(0, 500),
                urgency: 'routine',
                provisionalDiagnosis: s.finalDiagnosis,
                treatmentGiven: s.treatmentGiven,
                transport: 'own'
              }
            })
          }
        } else if (f.kind !== 'CHC') {
          // DHs refer onward to the division's referral centre; CHs to their hub DH (domain.md §5.3).
          const to =
            f.kind === 'DH'
              ? centre
              : o.facilities.find(h => h.kind === 'DH' && h.district === HUB_DISTRICT[f.district])
          if (to !== undefined && to.id !== f.id && prng.chance(o.onwardShare ?? 0.01)) {
            out.push({
              atMs: seen + 10 * MINUTE,
              facility: f.id,
              kind: 'onward-referral',
              patientKey: key,
              referral: slip(to.id, 'Onward referral for specialist care', p)
            })
          }
        }
      }
    }
  }
  return out.filter(w => w.atMs >= 0 && w.atMs < o.horizonMs).sort((a, b) => a.atMs - b.atMs)
}
