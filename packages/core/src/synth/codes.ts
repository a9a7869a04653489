/**
 * The codes and drugs the generator uses: SNOMED CT and ICD-10 for diagnoses (domain.md §5.4), LOINC
 * for labs, and drug names and strengths from the Chhattisgarh EDL / NLEM CHC list. SNOMED ids carry a
 * Verhoeff check digit; codes.test.ts checks every one, so a typo here fails a test.
 */
import type { Coding, LabOrderInput } from '../record/index.js'

const SCT = 'http://snomed.info/sct' as const
const ICD = 'http://hl7.org/fhir/sid/icd-10' as const
const LOINC = 'http://loinc.org' as const

const sct = (code: string, display: string): Coding => ({ system: SCT, code, display })
const icd = (code: string, display: string): Coding => ({ system: ICD, code, display })
const loinc = (code: string, display: string): LabOrderInput => ({ test: { system: LOINC, code, display } })

/** Diagnosis codings. */
export const DX = {
  falciparum: sct('62676009', 'Falciparum malaria'),
  falciparumIcd: icd('B50.9', 'Plasmodium falciparum malaria, unspecified'),
  severeFalciparum: icd('B50.8', 'Other severe and complicated Plasmodium falciparum malaria'),
  vivax: sct('27052006', 'Vivax malaria'),
  fever: sct('386661006', 'Fever'),
  feverIcd: icd('R50.9', 'Fever, unspecified'),
  urti: sct('54150009', 'Upper respiratory infection'),
  urtiIcd: icd('J06.9', 'Acute upper respiratory infection, unspecified'),
  pneumonia: sct('233604007', 'Pneumonia'),
  bronchitis: sct('10509002', 'Acute bronchitis'),
  gastroenteritis: sct('25374005', 'Gastroenteritis'),
  gastroenteritisIcd: icd('A09', 'Infectious gastroenteritis and colitis, unspecified'),
  scabies: sct('128869009', 'Scabies'),
  scabiesIcd: icd('B86', 'Scabies'),
  tinea: sct('47382004', 'Dermatophytosis'),
  impetigo: sct('48277006', 'Impetigo'),
  lowBackPain: sct('279039007', 'Low back pain'),
  lowBackPainIcd: icd('M54.5', 'Low back pain'),
  jointPain: sct('57676002', 'Joint pain'),
  gastritis: sct('4556007', 'Gastritis'),
  gastritisIcd: icd('K29.7', 'Gastritis, unspecified'),
  dyspepsia: icd('K30', 'Functional dyspepsia'),
  anaemia: sct('271737000', 'Anemia'),
  ironDeficiency: sct('87522002', 'Iron deficiency anemia'),
  ironDeficiencyIcd: icd('D50.9', 'Iron deficiency anaemia, unspecified'),
  anaemiaInPregnancy: icd('O99.0', 'Anaemia complicating pregnancy, childbirth and the puerperium'),
  antenatalCare: icd('Z34.9', 'Supervision of normal pregnancy, unspecified'),
  preEclampsia: sct('398254007', 'Pre-eclampsia'),
  highRiskPregnancy: icd('Z35.9', 'Supervision of high-risk pregnancy, unspecified'),
  pulmonaryTb: sct('154283005', 'Pulmonary tuberculosis'),
  tbConfirmed: icd('A15.0', 'Tuberculosis of lung, confirmed by sputum microscopy'),
  tbNotConfirmed: icd('A16.2', 'Tuberculosis of lung, without mention of bacteriological or histological confirmation'),
  hypertension: sct('59621000', 'Essential hypertension'),
  hypertensionIcd: icd('I10', 'Essential (primary) hypertension'),
  diabetes: sct('44054006', 'Diabetes mellitus type 2'),
  diabetesIcd: icd('E11.9', 'Type 2 diabetes mellitus without complications'),
  dogBite: icd('W54', 'Bitten or struck by dog'),
  snakeBite: icd('T63.0', 'Toxic effect of snake venom'),
  openWound: icd('T14.1', 'Open wound of unspecified body region'),
  fracture: icd('T14.2', 'Fracture of unspecified body region'),
  sickleCellDisease: sct('417357006', 'Sickle cell disease'),
  hbSs: sct('127040003', 'Hb SS disease'),
  sickleCrisis: icd('D57.0', 'Sickle-cell anaemia with crisis'),
  sickleTrait: sct('16402000', 'Sickle cell trait'),
  headache: sct('25064002', 'Headache'),
  headacheIcd: icd('R51', 'Headache'),
  abdominalPain: icd('R10.4', 'Other and unspecified abdominal pain'),
  cough: sct('49727002', 'Cough'),
  fatigue: icd('R53', 'Malaise and fatigue'),
  dizziness: sct('404640003', 'Dizziness'),
  pain: icd('R52.9', 'Pain, unspecified')
} as const

/** Lab test orders (LOINC). */
export const LAB = {
  haemoglobin: loinc('718-7', 'Hemoglobin [Mass/volume] in Blood'),
  malariaRdt: loinc('76772-3', 'Plasmodium falciparum Ag [Presence] in Blood by Rapid immunoassay'),
  malariaSmear: loinc('32700-7', 'Microscopic observation [Identifier] in Blood by Malaria smear'),
  bloodGlucose: loinc('2339-0', 'Glucose [Mass/volume] in Blood'),
  urineProtein: loinc('20454-5', 'Protein [Presence] in Urine by Test strip'),
  urineGlucose: loinc('25428-4', 'Glucose [Presence] in Urine by Test strip'),
  sickling: loinc('6864-3', 'Hemoglobin S [Presence] in Blood by Solubility test'),
  sputumAfb: loinc('11545-1', 'Microscopic observation [Identifier] in Sputum by Acid fast stain'),
  tbNaat: loinc('38379-4', 'Mycobacterium tuberculosis complex DNA [Presence] in Sputum by NAA with probe detection')
} as const

/** A drug line: adult and (optionally) paediatric forms, how often per day, and how it is counted out. */
export interface DrugSpec {
  adult: string
  /** SNOMED CT clinical drug of the adult form, where one is checked against a published source. */
  adultCoding?: Coding
  adultDose: string
  child?: string
  childDose?: string
  route: 'oral' | 'topical' | 'intramuscular' | 'intravenous' | 'intradermal' | 'subcutaneous'
  /** Units dispensed per day for a countable form; 0 for a bottle, tube or vial dispensed once. */
  perDay: number
  frequency: string
}

const drug = (spec: DrugSpec): DrugSpec => spec

/** Essential-drug-list items the generator prescribes. */
export const DRUG = {
  paracetamol: drug({
    adult: 'Paracetamol 500 mg tablet',
    adultCoding: sct('322236009', 'Paracetamol 500 mg oral tablet'),
    adultDose: '1 tablet',
    child: 'Paracetamol 125 mg/5 mL syrup',
    childDose: '5 mL',
    route: 'oral',
    perDay: 3,
    frequency: 'three times a day'
  }),
  ibuprofen: drug({
    adult: 'Ibuprofen 400 mg tablet',
    adultCoding: sct('329653008', 'Ibuprofen 400 mg oral tablet'),
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 2,
    frequency: 'twice a day after food'
  }),
  diclofenac: drug({
    adult: 'Diclofenac 50 mg tablet',
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 2,
    frequency: 'twice a day after food'
  }),
  cetirizine: drug({
    adult: 'Cetirizine 10 mg tablet',
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 1,
    frequency: 'once at night'
  }),
  amoxicillin: drug({
    adult: 'Amoxicillin 500 mg capsule',
    adultDose: '1 capsule',
    child: 'Amoxicillin 250 mg dispersible tablet',
    childDose: '1 tablet',
    route: 'oral',
    perDay: 3,
    frequency: 'three times a day'
  }),
  azithromycin: drug({
    adult: 'Azithromycin 500 mg tablet',
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 1,
    frequency: 'once a day'
  }),
  metronidazole: drug({
    adult: 'Metronidazole 400 mg tablet',
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 3,
    frequency: 'three times a day'
  }),
  ors: drug({
    adult: 'Oral rehydration salts sachet',
    adultDose: '1 sachet in 1 litre water',
    route: 'oral',
    perDay: 2,
    frequency: 'sip after each loose stool'
  }),
  zinc: drug({
    adult: 'Zinc sulphate 20 mg dispersible tablet',
    adultDose: '1 tablet',
    childDose: '1/2 tablet under 6 months',
    route: 'oral',
    perDay: 1,
    frequency: 'once a day'
  }),
  permethrin: drug({
    adult: 'Permethrin 5% cream',
    adultDose: 'apply neck down',
    route: 'topical',
    perDay: 0,
    frequency: 'once, repeat after 7 days'
  }),
  clotrimazole: drug({
    adult: 'Clotrimazole 1% cream',
    adultDose: 'thin layer',
    route: 'topical',
    perDay: 0,
    frequency: 'twice a day'
  }),
  povidone: drug({
    adult: 'Povidone-iodine 5% ointment',
    adultDose: 'thin layer',
    route: 'topical',
    perDay: 0,
    frequency: 'once a day with dressing'
  }),
  pantoprazole: drug({
    adult: 'Pantoprazole 40 mg tablet',
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 1,
    frequency: 'once before breakfast'
  }),
  albendazole: drug({
    adult: 'Albendazole 400 mg tablet',
    adultDose: '1 tablet',
    child: 'Albendazole 400 mg tablet',
    childDose: '1/2 tablet under 2 years',
    route: 'oral',
    perDay: 1,
    frequency: 'single dose'
  }),
  ifa: drug({
    adult: 'Ferrous sulphate (60 mg elemental iron) + folic acid 500 mcg tablet',
    adultDose: '1 tablet',
    child: 'Ferrous sulphate 20 mg + folic acid 100 mcg syrup',
    childDose: '1 mL',
    route: 'oral',
    perDay: 1,
    frequency: 'once a day after food'
  }),
  folicAcid: drug({
    adult: 'Folic acid 5 mg tablet',
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 1,
    frequency: 'once a day'
  }),
  calcium: drug({
    adult: 'Calcium carbonate 500 mg tablet',
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 2,
    frequency: 'twice a day'
  }),
  actSp: drug({
    adult: 'Artesunate 200 mg + sulfadoxine-pyrimethamine 1500/75 mg combi-blister (ACT-SP)',
    adultDose: 'as per age blister',
    child: 'Artesunate 50 mg + sulfadoxine-pyrimethamine 500/25 mg combi-blister (ACT-SP)',
    childDose: 'as per age blister',
    route: 'oral',
    perDay: 1,
    frequency: 'once a day'
  }),
  primaquine: drug({
    adult: 'Primaquine 7.5 mg tablet',
    adultDose: '0.25 mg/kg',
    child: 'Primaquine 2.5 mg tablet',
    childDose: '0.25 mg/kg',
    route: 'oral',
    perDay: 2,
    frequency: 'once a day'
  }),
  chloroquine: drug({
    adult: 'Chloroquine 250 mg tablet',
    adultDose: '10 mg/kg day 1-2, 5 mg/kg day 3',
    route: 'oral',
    perDay: 3,
    frequency: 'once a day'
  }),
  artesunateInj: drug({
    adult: 'Artesunate 60 mg injection',
    adultDose: '2.4 mg/kg',
    route: 'intravenous',
    perDay: 0,
    frequency: 'stat before referral'
  }),
  hrze: drug({
    adult: 'FDC HRZE (isoniazid 75 mg + rifampicin 150 mg + pyrazinamide 400 mg + ethambutol 275 mg) tablet',
    adultDose: '3-5 tablets by weight band',
    route: 'oral',
    perDay: 4,
    frequency: 'once a day, empty stomach'
  }),
  amlodipine: drug({
    adult: 'Amlodipine 5 mg tablet',
    adultCoding: sct('319283006', 'Amlodipine (as amlodipine besilate) 5 mg oral tablet'),
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 1,
    frequency: 'once a day'
  }),
  telmisartan: drug({
    adult: 'Telmisartan 40 mg tablet',
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 1,
    frequency: 'once a day'
  }),
  metformin: drug({
    adult: 'Metformin 500 mg tablet',
    adultCoding: sct('325278007', 'Metformin hydrochloride 500 mg oral tablet'),
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 2,
    frequency: 'twice a day with meals'
  }),
  hydroxyurea: drug({
    adult: 'Hydroxyurea 500 mg capsule',
    adultDose: '15 mg/kg',
    route: 'oral',
    perDay: 1,
    frequency: 'once a day'
  }),
  antiRabies: drug({
    adult: 'Anti-rabies vaccine (cell culture) 0.1 mL',
    adultDose: '0.1 mL at 2 sites',
    route: 'intradermal',
    perDay: 0,
    frequency: 'days 0, 3, 7, 28'
  }),
  asv: drug({
    adult: 'Anti-snake venom polyvalent injection (10 mL vial)',
    adultDose: '10 vials',
    route: 'intravenous',
    perDay: 0,
    frequency: 'stat'
  }),
  td: drug({
    adult: 'Tetanus and adult diphtheria (Td) vaccine 0.5 mL',
    adultDose: '0.5 mL',
    route: 'intramuscular',
    perDay: 0,
    frequency: 'single dose'
  }),
  bComplex: drug({
    adult: 'Vitamin B-complex tablet',
    adultDose: '1 tablet',
    route: 'oral',
    perDay: 1,
    frequency: 'once a day'
  })
} as const
