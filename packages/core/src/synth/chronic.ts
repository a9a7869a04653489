/**
 * The long-running and maternal conditions of the OPD catalogue: anaemia, antenatal care, presumptive
 * TB, hypertension and diabetes, and sickle-cell disease.
 */
import type { Prng } from '../testing/prng.js'
import { DRUG, DX, LAB } from './codes.js'
import { dx, lab, round1, rx, some, vitals, type ClinicalPlan, type Person, type ReferralPlan } from './visit.js'

export function anaemia(prng: Prng, p: Person): ClinicalPlan {
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

export function anc(prng: Prng, p: Person): ClinicalPlan {
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

export function tb(prng: Prng, p: Person): ClinicalPlan {
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

export function htnDm(prng: Prng, p: Person): ClinicalPlan {
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

export function sickle(prng: Prng, p: Person): ClinicalPlan {
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
