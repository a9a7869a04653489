/**
 * Deterministic inputs and contexts for tests of the record and of its users (FHIR, synth, node).
 * Every value here is synthetic: ABHA numbers are generated with the `91` sandbox-style prefix.
 */
import type { ChangeContext, EncounterInput, ReferralInput, RegistrationInput } from './inputs.js'
import type { Author, EntryId, FacilityId, IsoInstant, PractitionerId } from './types.js'
import type { RecordWarning } from './validate-ids.js'

/** A CHC and the district hospital it refers to (synthetic HFR ids). */
export const CHC = 'IN2210000101' as FacilityId
/** The district hospital of the fixtures. */
export const DH = 'IN2210000001' as FacilityId

/** Appends the Luhn check digit to a digit string. */
export function withLuhn(body: string): string {
  for (let d = 0; d <= 9; d++) {
    const s = body + d
    let sum = 0
    for (let i = 0; i < s.length; i++) {
      let n = s.charCodeAt(s.length - 1 - i) - 48
      if (i % 2 === 1) {
        n *= 2
        if (n > 9) n -= 9
      }
      sum += n
    }
    if (sum % 10 === 0) return s
  }
  throw new Error('unreachable')
}

/** A change context with sequential ids (`<prefix>1`, `<prefix>2` …) and a warnings collector. */
export function testContext(
  facility: FacilityId,
  prefix = 'e',
  at: IsoInstant = '2026-11-20T09:30:00.000Z'
): ChangeContext & { warnings: RecordWarning[] } {
  let n = 0
  const warnings: RecordWarning[] = []
  return {
    facility,
    at,
    newId: () => `${prefix}${++n}` as EntryId,
    onWarning: w => {
      warnings.push(w)
    },
    warnings
  }
}

/** A typical OPD registration at a CHC, without ABHA. */
export function registration(overrides: Partial<RegistrationInput> = {}): RegistrationInput {
  return {
    name: 'Sukmati Kashyap',
    sex: 'female',
    birth: { kind: 'approx-age', years: 34, asOf: '2026-11-20' },
    village: 'Tokapal',
    block: 'Tokapal',
    district: 'Bastar',
    phone: '9876501234',
    guardian: { name: 'Budhru Kashyap', relation: 'husband' },
    uhid: 'CHC-TKP-000123',
    ...overrides
  }
}

/** An OPD encounter: fever, a malaria diagnosis, an antimalarial and a smear order. */
export function feverEncounter(): EncounterInput {
  return {
    complaints: ['fever 3 days', 'chills'],
    vitals: { temperature: 39.2, pulse: 108, systolic: 110, diastolic: 70, spo2: 97, weight: 52 },
    diagnoses: [
      {
        coding: {
          system: 'http://hl7.org/fhir/sid/icd-10',
          code: 'B50.9',
          display: 'Plasmodium falciparum malaria, unspecified'
        },
        text: 'Pf malaria, RDT positive'
      }
    ],
    prescriptions: [
      {
        drug: 'Artesunate + SP (ACT) adult blister',
        dose: '1 blister pack',
        frequency: 'as per pack',
        durationDays: 3,
        route: 'oral'
      }
    ],
    labOrders: [{ test: { system: 'http://loinc.org', code: '32700-7', display: 'Malaria smear' } }]
  }
}

/** A referral slip from the CHC to the DH. */
export function referralSlip(overrides: Partial<ReferralInput> = {}): ReferralInput {
  return {
    to: DH,
    reason: 'Severe anaemia, needs transfusion',
    urgency: 'urgent',
    provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia, unspecified' },
    treatmentGiven: 'Inj. iron sucrose not given; oral iron started',
    transport: '108',
    ...overrides
  }
}

/** A medical officer with an HPR id, as a signed-in session names them (synthetic). */
export const MEDICAL_OFFICER: Author = {
  staffId: 'st-mo-1',
  name: 'Dr. Meena Netam',
  role: 'medical-officer',
  hprId: '71123456789012' as PractitionerId
}
