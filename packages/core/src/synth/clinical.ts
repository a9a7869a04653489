/**
 * The OPD condition catalogue: how often each condition walks in (domain.md §7 diagnosis mix, monsoon
 * and dry season), who has it, and the complaints, vitals, labs, prescriptions and referral it brings.
 */
import type { Coding, DiagnosisInput, Urgency, Vitals } from '../record/index.js'
import type { Prng } from '../testing/prng.js'
import { DRUG, DX, LAB, type DrugSpec } from './codes.js'
import type { DiagnosisGroup, SynthLab, SynthPrescription } from './types.js'

/** The person a condition happens to. */
export interface Person {
  age: number
  sex: 'female' | 'male'
}

/** A referral the clinician decides on at this visit. */
export interface ReferralPlan {
  reason: string
  urgency: Urgency
  provisionalDiagnosis: Coding
  treatmentGiven: string
  /** Obstetric referrals travel by 102 (the mother-and-child ambulance) more often. */
  obstetric: boolean
}

/** What the clinician records at the visit. */
export interface ClinicalPlan {
  condition: string
  complaints: string[]
  vitals: Vitals
  diagnoses: DiagnosisInput[]
  labs: SynthLab[]
  prescriptions: SynthPrescription[]
  alert?: { text: string; coding: Coding }
  referral?: ReferralPlan
}

/** A catalogue entry: its group, its share of OPD (percent) by season, who gets it, and the visit. */
export interface ConditionSpec {
  group: DiagnosisGroup
  monsoon: number
  dry: number
  /** Draws the patient; undefined means the general OPD age pyramid. */
  who?: (prng: Prng) => Person
  visit: (prng: Prng, p: Person, monsoon: boolean) => ClinicalPlan
}

const round1 = (x: number): number => Math.round(x * 10) / 10

/** A prescription line for this person, with the quantity dispensed (5% not dispensed: stock-outs). */
export function rx(
  prng: Prng,
  spec: DrugSpec,
  p: Person,
  durationDays: number,
  instructions?: string
): SynthPrescription {
  const child = p.age < 12 && spec.child !== undefined
  const quantity = spec.perDay > 0 ? spec.perDay * durationDays : 1
  return {
    input: {
      drug: child ? spec.child! : spec.adult,
      ...(child || spec.adultCoding === undefined ? {} : { coding: spec.adultCoding }),
      dose: child ? (spec.childDose ?? spec.adultDose) : spec.adultDose,
      frequency: spec.frequency,
      durationDays,
      route: spec.route,
      ...(instructions === undefined ? {} : { instructions })
    },
    dispensed: prng.chance(0.95) ? quantity : null
  }
}

/** Plausible weight (kg) for age and sex in a lean, rural population. */
function weight(prng: Prng, p: Person): number {
  if (p.age < 1) return round1(prng.normal(6, 1.2))
  if (p.age < 12) return round1(Math.max(7, prng.normal(2 * p.age + 8, 2)))
  if (p.age < 16) return round1(prng.normal(36, 5))
  return round1(Math.min(90, Math.max(32, prng.normal(p.sex === 'female' ? 45 : 52, 6))))
}

/** Vitals for an OPD visit; `fever` and `bp` shift the relevant signs. */
function vitals(prng: Prng, p: Person, opts: { fever?: boolean; bp?: [number, number]; spo2?: number } = {}): Vitals {
  const v: Vitals = {
    temperature: round1(opts.fever === true ? prng.normal(38.8, 0.5) : prng.normal(36.8, 0.25)),
    pulse: Math.round(prng.normal(p.age < 5 ? 120 : opts.fever === true ? 104 : 82, 8)),
    weight: weight(prng, p)
  }
  if (p.age >= 15) {
    const [sys, dia] = opts.bp ?? [prng.normal(118, 10), prng.normal(76, 7)]
    v.systolic = Math.round(sys)
    v.diastolic = Math.round(Math.min(dia, sys - 20))
  }
  if (opts.spo2 !== undefined) v.spo2 = Math.min(100, Math.round(opts.spo2))
  if (p.age >= 0.5 && p.age < 5) v.muac = round1(prng.normal(13.2, 1))
  return v
}

const dx = (coding: Coding, text: string, certainty: 'provisional' | 'confirmed' = 'provisional'): DiagnosisInput => ({
  coding,
  text,
  certainty
})

function lab(
  order: SynthLab['order'],
  value: string,
  interpretation: 'normal' | 'abnormal' | 'positive' | 'negative',
  unit?: string
): SynthLab {
  return { order, result: { value, interpretation, ...(unit === undefined ? {} : { unit }) } }
}

function some<T>(prng: Prng, items: readonly T[], min: number): T[] {
  const out = items.filter(() => prng.chance(0.5))
  return out.length >= min ? out : items.slice(0, min)
}

const child = (prng: Prng, lo = 1, hi = 14): Person => ({
  age: prng.int(lo, hi),
  sex: prng.chance(0.5) ? 'female' : 'male'
})
const adult = (prng: Prng, lo: number, hi: number, femaleShare = 0.5): Person => ({
  age: prng.int(lo, hi),
  sex: prng.chance(femaleShare) ? 'female' : 'male'
})

function malaria(prng: Prng, p: Person, monsoon: boolean): ClinicalPlan {
  const complaints = ['Fever', ...some(prng, ['Chills and rigors', 'Headache', 'Body ache', 'Vomiting'], 1)]
  // About a third of tested febrile patients are RDT-positive in peak months (domain.md §7).
  const positive = prng.chance(monsoon ? 0.33 : 0.15)
  const days = prng.int(1, 5)
  if (!positive) {
    return {
      condition: 'fever-rdt-negative',
      complaints,
      vitals: vitals(prng, p, { fever: true }),
      diagnoses: [dx(prng.chance(0.5) ? DX.fever : DX.feverIcd, `Fever ${days} days, RDT negative`)],
      labs: [lab(LAB.malariaRdt, 'Pf and Pv antigen not detected', 'negative')],
      prescriptions: [rx(prng, DRUG.paracetamol, p, 3)],
      ...(prng.chance(0.01)
        ? {
            referral: {
              reason: 'Fever with altered sensorium, RDT negative',
              urgency: 'emergency',
              provisionalDiagnosis: DX.fever,
              treatmentGiven: 'Paracetamol, IV fluids',
              obstetric: false
            }
          }
        : {})
    }
  }
  // P. falciparum dominates in Bastar (80–90%, domain.md §5.4).
  const pf = prng.chance(0.86)
  const labs = [lab(LAB.malariaRdt, pf ? 'Pf antigen detected' : 'Pv antigen detected', 'positive')]
  if (prng.chance(0.3))
    labs.push(lab(LAB.malariaSmear, pf ? 'P. falciparum rings seen' : 'P. vivax trophozoites seen', 'positive'))
  const severe = pf && prng.chance(0.07)
  const prescriptions = pf
    ? [
        rx(prng, DRUG.actSp, p, 3),
        ...(p.age >= 1 ? [rx(prng, DRUG.primaquine, p, 1, 'single dose on day 2')] : []),
        rx(prng, DRUG.paracetamol, p, 3)
      ]
    : [rx(prng, DRUG.chloroquine, p, 3), rx(prng, DRUG.primaquine, p, 14), rx(prng, DRUG.paracetamol, p, 3)]
  if (severe) prescriptions.unshift(rx(prng, DRUG.artesunateInj, p, 1))
  return {
    condition: pf ? (severe ? 'malaria-pf-severe' : 'malaria-pf') : 'malaria-pv',
    complaints,
    vitals: vitals(prng, p, { fever: true }),
    diagnoses: [
      dx(
        pf ? (prng.chance(0.6) ? DX.falciparum : DX.falciparumIcd) : DX.vivax,
        pf ? 'Pf malaria, RDT positive' : 'Pv malaria, RDT positive',
        'confirmed'
      )
    ],
    labs,
    prescriptions,
    ...(severe
      ? {
          referral: {
            reason: 'Severe falciparum malaria: prostration, unable to take orally',
            urgency: 'emergency',
            provisionalDiagnosis: DX.severeFalciparum,
            treatmentGiven: 'Inj. artesunate first dose, paracetamol',
            obstetric: false
          }
        }
      : {})
  }
}

function ari(prng: Prng, p: Person): ClinicalPlan {
  const kind = prng.weighted([
    ['urti', 75],
    ['bronchitis', 15],
    ['pneumonia', 10]
  ] as const)
  const complaints =
    kind === 'urti'
      ? some(prng, ['Cough', 'Running nose', 'Sore throat', 'Fever'], 2)
      : ['Cough', 'Fever', ...some(prng, ['Fast breathing', 'Chest pain'], 1)]
  const severe = kind === 'pneumonia' && prng.chance(0.12)
  return {
    condition: `ari-${kind}`,
    complaints,
    vitals: vitals(prng, p, {
      fever: kind !== 'urti' || prng.chance(0.3),
      spo2: kind === 'pneumonia' ? prng.normal(severe ? 89 : 94, 2) : prng.normal(98, 1)
    }),
    diagnoses: [
      dx(
        kind === 'urti'
          ? prng.chance(0.5)
            ? DX.urti
            : DX.urtiIcd
          : kind === 'pneumonia'
            ? DX.pneumonia
            : DX.bronchitis,
        kind === 'urti' ? 'URTI' : kind === 'pneumonia' ? 'Pneumonia' : 'Acute bronchitis'
      )
    ],
    labs: [],
    prescriptions: [
      ...(kind === 'urti' && prng.chance(0.6) ? [] : [rx(prng, DRUG.amoxicillin, p, 5)]),
      rx(prng, DRUG.paracetamol, p, 3),
      ...(p.age >= 12 && prng.chance(0.5) ? [rx(prng, DRUG.cetirizine, p, 5)] : [])
    ],
    ...(severe
      ? {
          referral: {
            reason: 'Severe pneumonia, chest indrawing, SpO2 below 90%',
            urgency: 'emergency',
            provisionalDiagnosis: DX.pneumonia,
            treatmentGiven: 'First dose amoxicillin, oxygen',
            obstetric: false
          }
        }
      : {})
  }
}

function diarrhoea(prng: Prng, p: Person): ClinicalPlan {
  const dysentery = prng.chance(0.2)
  const severe = prng.chance(0.03)
  return {
    condition: dysentery ? 'dysentery' : 'acute-diarrhoea',
    complaints: [
      'Loose stools',
      ...some(prng, ['Vomiting', 'Abdominal pain', dysentery ? 'Blood in stool' : 'Fever'], 1)
    ],
    vitals: vitals(prng, p, { fever: dysentery }),
    diagnoses: [
      dx(
        prng.chance(0.5) ? DX.gastroenteritis : DX.gastroenteritisIcd,
        dysentery ? 'Acute dysentery' : 'Acute watery diarrhoea, some dehydration'
      )
    ],
    labs: [],
    prescriptions: [
      rx(prng, DRUG.ors, p, 3),
      ...(p.age < 15 ? [rx(prng, DRUG.zinc, p, 14)] : []),
      ...(dysentery && p.age >= 12 ? [rx(prng, DRUG.metronidazole, p, 5)] : [])
    ],
    ...(severe
      ? {
          referral: {
            reason: 'Severe dehydration, not retaining ORS',
            urgency: 'emergency',
            provisionalDiagnosis: DX.gastroenteritisIcd,
            treatmentGiven: 'ORS, IV Ringer lactate started',
            obstetric: false
          }
        }
      : {})
  }
}

function skin(prng: Prng, p: Person): ClinicalPlan {
  const kind = prng.weighted([
    ['scabies', 40],
    ['tinea', 35],
    ['impetigo', 25]
  ] as const)
  const map = {
    scabies: {
      coding: prng.chance(0.5) ? DX.scabies : DX.scabiesIcd,
      text: 'Scabies, family members itching',
      drug: DRUG.permethrin,
      complaint: 'Itching worse at night'
    },
    tinea: { coding: DX.tinea, text: 'Tinea corporis', drug: DRUG.clotrimazole, complaint: 'Itchy ring-shaped rash' },
    impetigo: { coding: DX.impetigo, text: 'Impetigo', drug: DRUG.povidone, complaint: 'Crusted sores on face' }
  }[kind]
  return {
    condition: `skin-${kind}`,
    complaints: [map.complaint],
    vitals: vitals(prng, p),
    diagnoses: [dx(map.coding, map.text)],
    labs: [],
    prescriptions: [
      rx(prng, map.drug, p, kind === 'scabies' ? 7 : 14),
      ...(prng.chance(0.5) && p.age >= 12 ? [rx(prng, DRUG.cetirizine, p, 5)] : [])
    ]
  }
}

function msk(prng: Prng, p: Person): ClinicalPlan {
  const back = prng.chance(0.55)
  return {
    condition: back ? 'low-back-pain' : 'joint-pain',
    complaints: [back ? 'Low back pain after field work' : 'Knee and joint pain'],
    vitals: vitals(prng, p),
    diagnoses: [
      dx(
        back ? (prng.chance(0.5) ? DX.lowBackPain : DX.lowBackPainIcd) : DX.jointPain,
        back ? 'Mechanical low back pain' : 'Polyarthralgia'
      )
    ],
    labs: [],
    prescriptions: [
      rx(prng, prng.chance(0.5) ? DRUG.diclofenac : DRUG.ibuprofen, p, 5),
      ...(prng.chance(0.4) ? [rx(prng, DRUG.pantoprazole, p, 5)] : [])
    ]
  }
}

function acidPeptic(prng: Prng, p: Person): ClinicalPlan {
  const gastritis = prng.chance(0.7)
  return {
    condition: gastritis ? 'gastritis' : 'dyspepsia',
    complaints: some(prng, ['Burning in upper abdomen', 'Sour belching', 'Nausea'], 1),
    vitals: vitals(prng, p),
    diagnoses: [
      dx(
        gastritis ? (prng.chance(0.5) ? DX.gastritis : DX.gastritisIcd) : DX.dyspepsia,
        gastritis ? 'Acid peptic disease' : 'Dyspepsia'
      )
    ],
    labs: [],
    prescriptions: [rx(prng, DRUG.pantoprazole, p, 14), ...(prng.chance(0.3) ? [rx(prng, DRUG.albendazole, p, 1)] : [])]
  }
}

function anaemia(prng: Prng, p: Person): ClinicalPlan {
  // Hb typically 7–11 g/dL in women here (domain.md §5.4); a few fall below 7 and need transfusion.
  const hb = round1(Math.max(4.5, prng.normal(p.age < 12 ? 9 : 9.2, 1.3)))
  const severe = hb < 7 && prng.chance(0.6)
  return {
    condition: severe ? 'anaemia-severe' : 'anaemia',
    complaints: some(prng, ['Weakness', 'Breathlessness on exertion', 'Giddiness', 'Pale eyes'], 1),
    vitals: vitals(prng, p),
    diagnoses: [
      dx(
        prng.weighted([
          [DX.ironDeficiency, 4],
          [DX.ironDeficiencyIcd, 3],
          [DX.anaemia, 3]
        ] as const),
        `Anaemia, Hb ${hb} g/dL`
      )
    ],
    labs: [
      lab(LAB.haemoglobin, String(hb), 'abnormal', 'g/dL'),
      ...(prng.chance(0.15) ? [lab(LAB.sickling, 'Negative', 'negative')] : [])
    ],
    prescriptions: [rx(prng, DRUG.ifa, p, 90), rx(prng, DRUG.albendazole, p, 1)],
    ...(severe
      ? {
          referral: {
            reason: `Severe anaemia, Hb ${hb} g/dL, for transfusion`,
            urgency: 'urgent',
            provisionalDiagnosis: DX.ironDeficiencyIcd,
            treatmentGiven: 'IFA started',
            obstetric: false
          }
        }
      : {})
  }
}

function anc(prng: Prng, p: Person): ClinicalPlan {
  const weeks = prng.int(8, 38)
  const risk = prng.weighted([
    ['none', 90],
    ['anaemia', 4.5],
    ['pre-eclampsia', 3.5],
    ['previous-lscs', 2]
  ] as const)
  const hb = round1(risk === 'anaemia' ? prng.normal(6.6, 0.4) : Math.max(7.5, prng.normal(10, 1)))
  const bp: [number, number] =
    risk === 'pre-eclampsia' ? [prng.normal(158, 8), prng.normal(104, 5)] : [prng.normal(112, 8), prng.normal(72, 6)]
  const labs = [
    lab(LAB.haemoglobin, String(hb), hb < 11 ? 'abnormal' : 'normal', 'g/dL'),
    lab(LAB.urineProtein, risk === 'pre-eclampsia' ? '++' : 'Nil', risk === 'pre-eclampsia' ? 'positive' : 'negative'),
    lab(LAB.urineGlucose, 'Nil', 'negative'),
    ...(prng.chance(0.2) ? [lab(LAB.malariaRdt, 'Pf and Pv antigen not detected', 'negative')] : [])
  ]
  const refer: ReferralPlan | undefined =
    risk === 'none'
      ? undefined
      : {
          reason:
            risk === 'anaemia'
              ? `Severe anaemia in pregnancy, Hb ${hb} g/dL, ${weeks} weeks`
              : risk === 'pre-eclampsia'
                ? `BP ${Math.round(bp[0])}/${Math.round(bp[1])} with proteinuria at ${weeks} weeks`
                : `Previous LSCS, ${weeks} weeks, for planned delivery`,
          urgency: risk === 'pre-eclampsia' ? 'emergency' : risk === 'anaemia' ? 'urgent' : 'routine',
          provisionalDiagnosis:
            risk === 'anaemia'
              ? DX.anaemiaInPregnancy
              : risk === 'pre-eclampsia'
                ? DX.preEclampsia
                : DX.highRiskPregnancy,
          treatmentGiven: risk === 'pre-eclampsia' ? 'Inj. MgSO4 loading dose, nifedipine' : 'IFA, calcium',
          obstetric: true
        }
  return {
    condition: risk === 'none' ? 'anc-routine' : `anc-${risk}`,
    complaints: [`Antenatal check-up, ${weeks} weeks`],
    vitals: vitals(prng, p, { bp }),
    diagnoses: [
      dx(
        risk === 'none' ? DX.antenatalCare : refer!.provisionalDiagnosis,
        risk === 'none' ? `ANC visit, ${weeks} weeks` : refer!.reason
      )
    ],
    labs,
    prescriptions: [rx(prng, DRUG.ifa, p, 30), ...(weeks >= 14 ? [rx(prng, DRUG.calcium, p, 30)] : [])],
    ...(risk === 'none' ? {} : { alert: { text: 'High-risk pregnancy', coding: DX.highRiskPregnancy } }),
    ...(refer === undefined ? {} : { referral: refer })
  }
}

function tb(prng: Prng, p: Person): ClinicalPlan {
  const positive = prng.chance(0.12)
  const naat = prng.chance(0.35)
  return {
    condition: positive ? 'tb-confirmed' : 'tb-presumptive',
    complaints: ['Cough more than 2 weeks', ...some(prng, ['Evening fever', 'Weight loss', 'Blood in sputum'], 1)],
    vitals: vitals(prng, p),
    diagnoses: [
      positive
        ? dx(prng.chance(0.5) ? DX.pulmonaryTb : DX.tbConfirmed, 'Pulmonary TB, sputum positive', 'confirmed')
        : dx(DX.tbNotConfirmed, 'Presumptive pulmonary TB')
    ],
    labs: [
      naat
        ? lab(
            LAB.tbNaat,
            positive ? 'MTB detected, rifampicin resistance not detected' : 'MTB not detected',
            positive ? 'positive' : 'negative'
          )
        : lab(LAB.sputumAfb, positive ? 'AFB seen 1+' : 'No AFB seen', positive ? 'positive' : 'negative')
    ],
    prescriptions: positive ? [rx(prng, DRUG.hrze, p, 56)] : [rx(prng, DRUG.amoxicillin, p, 7)],
    // Without a NAAT machine at the CHC, presumptive cases go to the DH for CBNAAT.
    ...(!naat && prng.chance(0.08)
      ? {
          referral: {
            reason: 'Presumptive TB, smear negative, for CBNAAT and chest X-ray',
            urgency: 'routine',
            provisionalDiagnosis: DX.tbNotConfirmed,
            treatmentGiven: 'Amoxicillin 7 days',
            obstetric: false
          }
        }
      : {})
  }
}

function htnDm(prng: Prng, p: Person): ClinicalPlan {
  const dm = prng.chance(0.4)
  const crisis = !dm && prng.chance(0.03)
  const bp: [number, number] = crisis
    ? [prng.normal(200, 8), prng.normal(122, 5)]
    : dm
      ? [prng.normal(132, 10), prng.normal(84, 6)]
      : [prng.normal(156, 10), prng.normal(96, 6)]
  const sugar = Math.round(prng.normal(230, 45))
  return {
    condition: dm ? 'diabetes' : crisis ? 'hypertensive-urgency' : 'hypertension',
    complaints: dm
      ? ['Diabetes follow-up', ...some(prng, ['Increased thirst', 'Tingling in feet'], 0)]
      : [crisis ? 'Severe headache and blurred vision' : 'BP follow-up'],
    vitals: vitals(prng, p, { bp }),
    diagnoses: [
      dm
        ? dx(prng.chance(0.5) ? DX.diabetes : DX.diabetesIcd, 'Type 2 diabetes', 'confirmed')
        : dx(prng.chance(0.5) ? DX.hypertension : DX.hypertensionIcd, 'Hypertension', 'confirmed')
    ],
    labs: dm ? [lab(LAB.bloodGlucose, String(sugar), 'abnormal', 'mg/dL')] : [],
    prescriptions: dm
      ? [rx(prng, DRUG.metformin, p, 30)]
      : [rx(prng, prng.chance(0.7) ? DRUG.amlodipine : DRUG.telmisartan, p, 30)],
    ...(crisis
      ? {
          referral: {
            reason: 'Hypertensive urgency, BP above 180/120 after rest',
            urgency: 'urgent',
            provisionalDiagnosis: DX.hypertensionIcd,
            treatmentGiven: 'Amlodipine 10 mg stat',
            obstetric: false
          }
        }
      : {})
  }
}

function injury(prng: Prng, p: Person): ClinicalPlan {
  const kind = prng.weighted([
    ['dog-bite', 30],
    ['snake-bite', 15],
    ['wound', 40],
    ['fracture', 15]
  ] as const)
  const refer = kind === 'snake-bite' ? prng.chance(0.4) : kind === 'fracture' ? prng.chance(0.45) : prng.chance(0.01)
  const plans = {
    'dog-bite': {
      coding: DX.dogBite,
      text: 'Category III dog bite',
      complaint: 'Dog bite on leg',
      drugs: [DRUG.antiRabies, DRUG.povidone],
      reason: 'Category III dog bite for rabies immunoglobulin',
      urgency: 'urgent' as const
    },
    'snake-bite': {
      coding: DX.snakeBite,
      text: 'Snake bite with local swelling',
      complaint: 'Snake bite while working in field',
      drugs: [DRUG.asv],
      reason: 'Snake bite, neurotoxic signs after ASV, for ventilator support',
      urgency: 'emergency' as const
    },
    wound: {
      coding: DX.openWound,
      text: 'Lacerated wound',
      complaint: 'Cut injury',
      drugs: [DRUG.td, DRUG.povidone, DRUG.ibuprofen],
      reason: 'Deep wound needing surgical repair',
      urgency: 'urgent' as const
    },
    fracture: {
      coding: DX.fracture,
      text: 'Suspected fracture',
      complaint: 'Fall from tree, pain and swelling',
      drugs: [DRUG.ibuprofen],
      reason: 'Suspected fracture for X-ray and orthopaedics',
      urgency: 'urgent' as const
    }
  }[kind]
  return {
    condition: kind,
    complaints: [plans.complaint],
    vitals: vitals(prng, p),
    diagnoses: [dx(plans.coding, plans.text)],
    labs: [],
    prescriptions: plans.drugs.map(d => rx(prng, d, p, d.perDay > 0 ? 5 : 1)),
    ...(refer
      ? {
          referral: {
            reason: plans.reason,
            urgency: plans.urgency,
            provisionalDiagnosis: plans.coding,
            treatmentGiven: `${plans.drugs.map(d => d.adult.split(' (')[0]).join(', ')}; dressing`,
            obstetric: false
          }
        }
      : {})
  }
}

function sickle(prng: Prng, p: Person): ClinicalPlan {
  const kind = prng.weighted([
    ['follow-up', 60],
    ['crisis', 25],
    ['trait', 15]
  ] as const)
  const hb = round1(prng.normal(kind === 'trait' ? 11.5 : 8, 1))
  const refer = kind === 'crisis' && prng.chance(0.4)
  return {
    condition: `sickle-${kind}`,
    complaints:
      kind === 'crisis'
        ? ['Severe pain in limbs and back', 'Fever']
        : kind === 'trait'
          ? ['Screening result counselling']
          : ['Sickle cell follow-up'],
    vitals: vitals(prng, p, { fever: kind === 'crisis' }),
    diagnoses: [
      dx(
        kind === 'trait'
          ? DX.sickleTrait
          : kind === 'crisis'
            ? DX.sickleCrisis
            : prng.chance(0.5)
              ? DX.sickleCellDisease
              : DX.hbSs,
        kind === 'trait' ? 'Sickle cell trait' : kind === 'crisis' ? 'Vaso-occlusive crisis' : 'Sickle cell disease',
        'confirmed'
      )
    ],
    labs: [
      lab(LAB.sickling, 'Positive', 'positive'),
      lab(LAB.haemoglobin, String(hb), hb < 11 ? 'abnormal' : 'normal', 'g/dL')
    ],
    prescriptions:
      kind === 'trait'
        ? []
        : [
            rx(prng, DRUG.folicAcid, p, 30),
            ...(kind === 'follow-up' ? [rx(prng, DRUG.hydroxyurea, p, 30)] : [rx(prng, DRUG.paracetamol, p, 3)])
          ],
    ...(kind === 'trait' ? {} : { alert: { text: 'Sickle cell disease', coding: DX.sickleCellDisease } }),
    ...(refer
      ? {
          referral: {
            reason: 'Sickle cell crisis, pain not controlled, Hb falling',
            urgency: 'urgent',
            provisionalDiagnosis: DX.sickleCrisis,
            treatmentGiven: 'IV fluids, paracetamol',
            obstetric: false
          }
        }
      : {})
  }
}

function symptomOnly(prng: Prng, p: Person): ClinicalPlan {
  const [coding, complaint] = prng.pick([
    [DX.headache, 'Headache'],
    [DX.headacheIcd, 'Headache'],
    [DX.abdominalPain, 'Pain in abdomen'],
    [DX.cough, 'Cough'],
    [DX.fatigue, 'Weakness'],
    [DX.dizziness, 'Giddiness'],
    [DX.feverIcd, 'Fever since yesterday'],
    [DX.pain, 'Body ache']
  ] as const)
  return {
    condition: 'symptom-only',
    complaints: [complaint],
    vitals: vitals(prng, p),
    diagnoses: [dx(coding, complaint)],
    labs: [],
    prescriptions: [rx(prng, DRUG.paracetamol, p, 3), ...(prng.chance(0.3) ? [rx(prng, DRUG.bComplex, p, 10)] : [])]
  }
}

/** The catalogue. Shares are percent of OPD; the monsoon column sums to 100, the dry one nearly so. */
export const CONDITIONS: readonly ConditionSpec[] = [
  // Malaria: 53% of positives under 15 (domain.md §5.4).
  {
    group: 'fever-malaria',
    monsoon: 16,
    dry: 9,
    who: prng => (prng.chance(0.5) ? child(prng) : adult(prng, 15, 65)),
    visit: malaria
  },
  {
    group: 'ari',
    monsoon: 12.7,
    dry: 14.5,
    who: prng => (prng.chance(0.55) ? child(prng, 0, 12) : adult(prng, 13, 75)),
    visit: ari
  },
  {
    group: 'diarrhoea',
    monsoon: 5.8,
    dry: 5.2,
    who: prng => (prng.chance(0.5) ? child(prng, 0, 5) : adult(prng, 6, 70)),
    visit: diarrhoea
  },
  { group: 'skin', monsoon: 5, dry: 5, visit: skin },
  { group: 'musculoskeletal', monsoon: 5.8, dry: 5.8, who: prng => adult(prng, 25, 75), visit: msk },
  { group: 'acid-peptic', monsoon: 5.8, dry: 5.8, who: prng => adult(prng, 18, 70), visit: acidPeptic },
  // Anaemia: mostly women 15–49 and young children (NFHS-5, domain.md §5.4).
  {
    group: 'anaemia',
    monsoon: 5.8,
    dry: 5.8,
    who: prng =>
      prng.chance(0.6) ? adult(prng, 15, 49, 1) : prng.chance(0.75) ? child(prng, 1, 12) : adult(prng, 15, 70),
    visit: anaemia
  },
  { group: 'anc', monsoon: 8.8, dry: 8.8, who: prng => adult(prng, 18, 38, 1), visit: anc },
  { group: 'tb-suspect', monsoon: 1.3, dry: 1.3, who: prng => adult(prng, 15, 70, 0.4), visit: tb },
  { group: 'htn-dm', monsoon: 5.6, dry: 5.6, who: prng => adult(prng, 35, 80), visit: htnDm },
  { group: 'injury-bite', monsoon: 3.6, dry: 3.6, visit: injury },
  {
    group: 'sickle-cell',
    monsoon: 0.8,
    dry: 0.8,
    who: prng => (prng.chance(0.5) ? child(prng, 2, 14) : adult(prng, 15, 40)),
    visit: sickle
  },
  { group: 'symptom-only', monsoon: 23, dry: 28.8, visit: symptomOnly }
]

/** Picks the condition of the next OPD attendance for the season. */
export function pickCondition(prng: Prng, monsoon: boolean): ConditionSpec {
  return prng.weighted(CONDITIONS.map(c => [c, monsoon ? c.monsoon : c.dry] as const))
}
