/**
 * Pick-lists for the OPD form: the common diagnoses of a Bastar CHC (malaria-heavy, anaemia, sickle
 * cell, TB, malnutrition, maternal care and the general OPD mix), essential drugs of the state list,
 * and the lab tests a CHC runs. Codes are SNOMED CT (diagnoses) and LOINC (tests); display names stay
 * in English, as they are written on Indian prescriptions and registers.
 */
import type { Coding } from '@pagdandi/core/record'

const SCT = 'http://snomed.info/sct' as const
const LOINC = 'http://loinc.org' as const

/** A diagnosis choice: a SNOMED coding plus its ICD-10 code for the register. */
export interface DiagnosisChoice {
  coding: Coding
  icd10: string
}

const dx = (code: string, display: string, icd10: string): DiagnosisChoice => ({
  coding: { system: SCT, code, display },
  icd10
})

/** Common diagnoses at Bastar CHCs and DHs, most frequent groups first. */
export const DIAGNOSES: readonly DiagnosisChoice[] = [
  dx('62676009', 'Falciparum malaria', 'B50.9'),
  dx('27052006', 'Vivax malaria', 'B51.9'),
  dx('61462000', 'Malaria', 'B54'),
  dx('271737000', 'Anaemia', 'D64.9'),
  dx('87522002', 'Iron deficiency anaemia', 'D50.9'),
  dx('16402000', 'Sickle cell trait', 'D57.3'),
  dx('127040003', 'Sickle cell disease (Hb SS)', 'D57.1'),
  dx('154283005', 'Pulmonary tuberculosis', 'A15.0'),
  dx('54840006', 'Acute upper respiratory infection', 'J06.9'),
  dx('233604007', 'Pneumonia', 'J18.9'),
  dx('25374005', 'Acute gastroenteritis / diarrhoea', 'A09'),
  dx('128869009', 'Scabies', 'B86'),
  dx('47382004', 'Dermatophytosis (fungal skin infection)', 'B35.9'),
  dx('235595009', 'Acid-peptic disease / gastritis', 'K29.7'),
  dx('279039007', 'Low back pain', 'M54.5'),
  dx('68566005', 'Urinary tract infection', 'N39.0'),
  dx('38341003', 'Hypertension', 'I10'),
  dx('44054006', 'Type 2 diabetes mellitus', 'E11.9'),
  dx('238107002', 'Severe acute malnutrition', 'E43'),
  dx('398254007', 'Pre-eclampsia', 'O14.9'),
  dx('15938005', 'Eclampsia', 'O15.9'),
  dx('47821001', 'Postpartum haemorrhage', 'O72.1'),
  dx('199246003', 'Anaemia in pregnancy', 'O99.0'),
  dx('72892002', 'Normal pregnancy (ANC)', 'Z34.9'),
  dx('217657007', 'Snake bite', 'T63.0'),
  dx('217697007', 'Dog bite', 'W54'),
  dx('386661006', 'Fever, cause not yet known', 'R50.9')
]

/** An essential drug: name and strength as dispensed, and a default route. */
export interface DrugChoice {
  drug: string
  route: string
}

/** Commonly dispensed items of the state essential-drug list at CHC level. */
export const DRUGS: readonly DrugChoice[] = [
  { drug: 'Paracetamol 500 mg tablet', route: 'oral' },
  { drug: 'Paracetamol 125 mg/5 ml syrup', route: 'oral' },
  { drug: 'Ibuprofen 400 mg tablet', route: 'oral' },
  { drug: 'Cetirizine 10 mg tablet', route: 'oral' },
  { drug: 'Amoxicillin 500 mg capsule', route: 'oral' },
  { drug: 'Azithromycin 500 mg tablet', route: 'oral' },
  { drug: 'Ciprofloxacin 500 mg tablet', route: 'oral' },
  { drug: 'Metronidazole 400 mg tablet', route: 'oral' },
  { drug: 'Cotrimoxazole 480 mg tablet', route: 'oral' },
  { drug: 'Doxycycline 100 mg capsule', route: 'oral' },
  { drug: 'Ceftriaxone 1 g injection', route: 'IV' },
  { drug: 'ORS sachet', route: 'oral' },
  { drug: 'Zinc 20 mg dispersible tablet', route: 'oral' },
  { drug: 'Pantoprazole 40 mg tablet', route: 'oral' },
  { drug: 'Albendazole 400 mg tablet', route: 'oral' },
  { drug: 'IFA tablet (60 mg iron + 500 mcg folic acid)', route: 'oral' },
  { drug: 'Folic acid 5 mg tablet', route: 'oral' },
  { drug: 'Calcium 500 mg tablet', route: 'oral' },
  { drug: 'ACT-SP (artesunate + sulfadoxine-pyrimethamine) kit', route: 'oral' },
  { drug: 'Chloroquine 250 mg tablet', route: 'oral' },
  { drug: 'Primaquine 7.5 mg tablet', route: 'oral' },
  { drug: 'Artesunate 60 mg injection', route: 'IV' },
  { drug: 'FDC HRZE tablet (TB, 4 drugs)', route: 'oral' },
  { drug: 'Amlodipine 5 mg tablet', route: 'oral' },
  { drug: 'Metformin 500 mg tablet', route: 'oral' },
  { drug: 'Salbutamol 4 mg tablet', route: 'oral' },
  { drug: 'Hydroxyurea 500 mg capsule', route: 'oral' },
  { drug: 'Magnesium sulphate 50% injection', route: 'IM' },
  { drug: 'Oxytocin 10 IU injection', route: 'IM' },
  { drug: 'Anti-snake venom injection', route: 'IV' }
]

/** A lab test a CHC can order (LOINC) with its usual unit. */
export interface LabChoice {
  test: Coding
  unit?: string
}

const lab = (code: string, display: string, unit?: string): LabChoice =>
  unit ? { test: { system: LOINC, code, display }, unit } : { test: { system: LOINC, code, display } }

/** Lab tests of a CHC laboratory. */
export const LAB_TESTS: readonly LabChoice[] = [
  lab('718-7', 'Haemoglobin', 'g/dL'),
  lab('70569-9', 'Malaria RDT (Pf/Pv)'),
  lab('32700-7', 'Malaria smear'),
  lab('2339-0', 'Blood glucose (random)', 'mg/dL'),
  lab('11475-1', 'Sputum AFB / NAAT'),
  lab('5778-6', 'Urine colour / albumin'),
  lab('882-1', 'Blood group (ABO + Rh)'),
  lab('42769-0', 'Sickle cell solubility test')
]

/** Frequencies as written on Indian prescriptions. */
export const FREQUENCIES = ['OD', 'BD', 'TDS', 'QID', 'HS', 'SOS', 'STAT'] as const

/** Routes of administration, as written on Indian prescriptions; chosen per prescription. */
export const ROUTES = ['oral', 'IV', 'IM', 'SC', 'sublingual', 'topical', 'inhaled', 'eye', 'ear', 'PR', 'PV'] as const

/** The pick-list value that opens a free-text field ("Other: write it"). */
export const OTHER = '__other'

/**
 * The SNOMED CT concept a diagnosis written in free text is filed under, "Disease (disorder)"; the
 * words the clinician wrote are its display and text, so the chart shows them and nothing invented.
 */
export const FREE_TEXT_DIAGNOSIS = { system: SCT, code: '64572001' } as const

/**
 * The code to show beside a diagnosis: its ICD-10 code when the pick-list knows the concept (the
 * clinician picked "Falciparum malaria (B50.9)", so the chart says B50.9), nothing for free text,
 * else the code with its system's name.
 */
export function codeLabel(coding: Coding): string {
  const known = DIAGNOSES.find(d => d.coding.system === coding.system && d.coding.code === coding.code)
  if (known !== undefined) return `ICD-10 ${known.icd10}`
  if (coding.system === FREE_TEXT_DIAGNOSIS.system && coding.code === FREE_TEXT_DIAGNOSIS.code) return ''
  const system =
    coding.system === 'http://hl7.org/fhir/sid/icd-10' ? 'ICD-10' : coding.system === SCT ? 'SNOMED CT' : 'LOINC'
  return `${system} ${coding.code}`
}
