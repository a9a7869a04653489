/**
 * The acute conditions of the OPD catalogue: fever and malaria, respiratory infection, diarrhoea,
 * skin, musculoskeletal pain, acid-peptic disease, injuries and bites, and symptom-only visits.
 */
import type { Prng } from '../testing/prng.js'
import { DRUG, DX, LAB } from './codes.js'
import { dx, lab, rx, some, vitals, type ClinicalPlan, type Person } from './visit.js'

export function malaria(prng: Prng, p: Person, monsoon: boolean): ClinicalPlan {
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

export function ari(prng: Prng, p: Person): ClinicalPlan {
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

export function diarrhoea(prng: Prng, p: Person): ClinicalPlan {
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

export function skin(prng: Prng, p: Person): ClinicalPlan {
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

export function msk(prng: Prng, p: Person): ClinicalPlan {
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

export function acidPeptic(prng: Prng, p: Person): ClinicalPlan {
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

export function injury(prng: Prng, p: Person): ClinicalPlan {
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

export function symptomOnly(prng: Prng, p: Person): ClinicalPlan {
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
