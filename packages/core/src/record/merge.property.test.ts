import * as Automerge from '@automerge/automerge'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addAllergy, setAllergySeverity } from './allergies.js'
import { openConflicts, resolveConflict } from './conflicts.js'
import { addDiagnosis, addEncounter, addPrescription, setPrescriptionDose } from './encounter.js'
import type { ChangeContext } from './inputs.js'
import { STATUS_RANK, advanceReferral, createReferral, currentStatus } from './referral.js'
import { createPatientDoc } from './registration.js'
import type { EntryId, FacilityId, PatientDoc, ReferralStatus, Severity } from './types.js'
import { CHC, DH, referralSlip, registration, testContext } from './test-fixtures.js'

type Doc = Automerge.Doc<PatientDoc>
type Op =
  | { kind: 'encounter'; r: number }
  | { kind: 'diagnosis'; r: number; pick: number }
  | { kind: 'prescription'; r: number; pick: number }
  | { kind: 'dose'; r: number; pick: number; dose: string }
  | { kind: 'severity'; r: number; severity: Severity }
  | { kind: 'advance'; r: number; status: ReferralStatus }
  | { kind: 'resolve'; r: number }
  | { kind: 'sync'; from: number; to: number }

// core compiles without DOM or Node typings; these two globals exist in every test runtime.
const host = globalThis as unknown as {
  process?: { env: Record<string, string | undefined> }
  console: { log: (...args: unknown[]) => void }
}
const env = host.process?.env ?? {}
const SEED = Number(env.FC_SEED ?? 20261126)
const NUM_RUNS = Number(env.FC_RUNS ?? 60)
const REPLICA = fc.integer({ min: 0, max: 2 })
const ACTORS = ['a1', 'b2', 'c3'].map(a => a.repeat(16))
const FACILITY: FacilityId[] = [CHC, DH, 'IN2210000202' as FacilityId]

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('encounter' as const), r: REPLICA }),
  fc.record({ kind: fc.constant('diagnosis' as const), r: REPLICA, pick: fc.nat() }),
  fc.record({ kind: fc.constant('prescription' as const), r: REPLICA, pick: fc.nat() }),
  fc.record({
    kind: fc.constant('dose' as const),
    r: REPLICA,
    pick: fc.nat(),
    dose: fc.constantFrom('250 mg', '500 mg', '1 g')
  }),
  fc.record({
    kind: fc.constant('severity' as const),
    r: REPLICA,
    severity: fc.constantFrom<Severity>('mild', 'moderate', 'severe')
  }),
  fc.record({
    kind: fc.constant('advance' as const),
    r: REPLICA,
    status: fc.constantFrom<ReferralStatus>('received', 'accepted', 'completed', 'back-referred')
  }),
  fc.record({ kind: fc.constant('resolve' as const), r: REPLICA }),
  fc.record({ kind: fc.constant('sync' as const), from: REPLICA, to: REPLICA })
)

const rank = (d: Doc, id: EntryId): number => STATUS_RANK[currentStatus(d.referrals[id]!)]

describe('merge property: random operations on 3 replicas', () => {
  it(
    'converge to identical documents, keep every concurrent addition and never move a referral backwards',
    { timeout: 60_000 },
    () => {
      host.console.log(`merge.property seed=${SEED} runs=${NUM_RUNS} (replay with FC_SEED=${SEED})`)
      fc.assert(
        fc.property(
          fc.array(opArb, { minLength: 1, maxLength: 30 }),
          fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
          (ops, order) => {
            let referral = '' as EntryId
            let allergy = '' as EntryId
            let origin = createPatientDoc(registration(), testContext(CHC, 'o'), 'ee'.repeat(16))
            origin = Automerge.change(origin, d => {
              referral = createReferral(d, referralSlip(), testContext(CHC, 'f'))
              allergy = addAllergy(d, { substance: 'Chloroquine', severity: 'mild' }, testContext(CHC, 'a'))
            })
            const docs: Doc[] = ACTORS.map(actor => Automerge.clone(origin, { actor }))
            // Ids are unique per replica by prefix, as random ids are in production.
            const ctxs: ChangeContext[] = [0, 1, 2].map(r => testContext(FACILITY[r]!, `r${r}x`))
            const added = {
              encounters: new Set<string>(),
              diagnoses: new Set<string>(),
              prescriptions: new Set<string>()
            }
            const seenRank = [0, 0, 0]
            let maxRank = 0

            const encounters = (d: Doc): EntryId[] => Object.keys(d.encounters).sort() as EntryId[]
            for (const op of ops) {
              if (op.kind === 'sync') {
                if (op.from !== op.to) docs[op.to] = Automerge.merge(docs[op.to]!, docs[op.from]!)
              } else {
                const r = op.r
                const ctx = ctxs[r]!
                const encs = encounters(docs[r]!)
                const enc = encs[('pick' in op ? op.pick : 0) % Math.max(1, encs.length)]
                docs[r] = Automerge.change(docs[r]!, d => {
                  switch (op.kind) {
                    case 'encounter':
                      added.encounters.add(addEncounter(d, { complaints: ['fever'] }, ctx))
                      break
                    case 'diagnosis':
                      if (enc !== undefined)
                        added.diagnoses.add(
                          addDiagnosis(
                            d,
                            enc,
                            {
                              coding: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B54', display: 'Malaria' },
                              text: 'malaria'
                            },
                            ctx
                          )
                        )
                      break
                    case 'prescription':
                      if (enc !== undefined)
                        added.prescriptions.add(
                          addPrescription(
                            d,
                            enc,
                            {
                              drug: 'Paracetamol 500 mg tablet',
                              dose: '500 mg',
                              frequency: 'TDS',
                              durationDays: 3,
                              route: 'oral'
                            },
                            ctx
                          )
                        )
                      break
                    case 'dose': {
                      const rxs = enc === undefined ? [] : Object.keys(d.encounters[enc]!.prescriptions).sort()
                      const rx = rxs[op.pick % Math.max(1, rxs.length)]
                      if (enc !== undefined && rx !== undefined)
                        setPrescriptionDose(d, enc, rx as EntryId, op.dose, ctx)
                      break
                    }
                    case 'severity':
                      setAllergySeverity(d, allergy, op.severity, ctx)
                      break
                    case 'advance':
                      if (STATUS_RANK[op.status] > rank(docs[r]!, referral)) {
                        advanceReferral(d, referral, op.status, { ...ctx, facility: DH })
                        maxRank = Math.max(maxRank, STATUS_RANK[op.status])
                      } else {
                        expect(() => advanceReferral(d, referral, op.status, { ...ctx, facility: DH })).toThrow(
                          expect.objectContaining({ name: 'InvalidReferralTransitionError' })
                        )
                      }
                      break
                    case 'resolve': {
                      const open = openConflicts(docs[r]!)
                      if (open.length > 0) resolveConflict(d, open[0]!, open[0]!.others[0]!, ctx)
                      break
                    }
                  }
                })
              }
              // Monotonic: no replica ever sees its referral move backwards, whatever it merged.
              for (let r = 0; r < 3; r++) {
                const now = rank(docs[r]!, referral)
                expect(now).toBeGreaterThanOrEqual(seenRank[r]!)
                seenRank[r] = now
              }
            }

            // Each replica merges the other two in its own random order.
            const final = docs.map((doc, r) => {
              const others = [0, 1, 2].filter(x => x !== r)
              if (order[r]! % 2 === 1) others.reverse()
              return others.reduce((acc, o) => Automerge.merge(acc, docs[o]!), doc)
            })
            const heads = Automerge.getHeads(final[0]!).sort()
            const json = Automerge.toJS(final[0]!)
            for (const doc of final.slice(1)) {
              expect(Automerge.getHeads(doc).sort()).toEqual(heads)
              expect(Automerge.toJS(doc)).toEqual(json)
              expect(openConflicts(doc)).toEqual(openConflicts(final[0]!))
            }
            const doc = final[0]!
            expect(new Set(Object.keys(doc.encounters))).toEqual(new Set([...added.encounters]))
            const all = (k: 'diagnoses' | 'prescriptions'): Set<string> =>
              new Set(Object.values(doc.encounters).flatMap(e => Object.keys(e[k])))
            expect(all('diagnoses')).toEqual(added.diagnoses)
            expect(all('prescriptions')).toEqual(added.prescriptions)
            expect(rank(doc, referral)).toBe(maxRank)
            expect(Automerge.load<PatientDoc>(Automerge.save(doc))).toEqual(doc)
          }
        ),
        { seed: SEED, numRuns: NUM_RUNS, verbose: 1 }
      )
    }
  )
})
