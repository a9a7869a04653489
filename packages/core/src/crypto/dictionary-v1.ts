import { utf8Encode } from './bytes.js'

/**
 * Compression dictionary v1: a deterministic byte string of what recurs in patient documents.
 * Never edit it: items name their dictionary version, and a changed v1 would make every stored v1
 * item undecodable. Make a v2 instead. Deflate finds matches by distance back from the data, so the
 * most frequent strings (field names) are placed last, nearest to the data.
 */

const NAME_PARTS = [
  'Kumar', 'Kumari', 'Devi', 'Bai', 'Ram', 'Lal', 'Singh', 'Netam', 'Markam', 'Kashyap', 'Baghel', 'Mandavi',
  'Kawasi', 'Sori', 'Poyam', 'Korram', 'Nag', 'Thakur', 'Sahu', 'Yadav', 'Verma', 'Patel', 'Dhruw', 'Kunjam',
  'Madkami', 'Podiyami', 'Salam', 'Usendi', 'Kowasi', 'Oyam', 'Bhaskar', 'Pujari', 'Mourya', 'Joshi',
  'Sunita', 'Sushila', 'Laxmi', 'Phoolmati', 'Sukmati', 'Budhri', 'Sukhdai', 'Raju', 'Ramesh', 'Suresh',
  'Mangal', 'Budhram', 'Somaru', 'Lakhmu', 'Hidma', 'Deva', 'Joga', 'Lakhe', 'Kosa', 'Manglu'
]

const PLACES = [
  'Chhattisgarh', 'Bastar', 'Jagdalpur', 'Kondagaon', 'Dantewada', 'Sukma', 'Bijapur', 'Narayanpur', 'Kanker',
  'Bakawand', 'Bastanar', 'Darbha', 'Lohandiguda', 'Tokapal', 'Bakawand', 'Kondagaon', 'Keshkal', 'Pharasgaon',
  'Makdi', 'Baderajpur', 'Geedam', 'Katekalyan', 'Kuakonda', 'Konta', 'Chhindgarh', 'Bhopalpatnam', 'Usoor',
  'Bhairamgarh', 'Orchha', 'Bhanupratappur', 'Charama', 'Durgkondal', 'Antagarh', 'Koyalibeda', 'Narharpur'
]

const DRUGS = [
  'Paracetamol 500 mg tablet', 'Amoxicillin 500 mg capsule', 'Metformin 500 mg tablet', 'Amlodipine 5 mg tablet',
  'Iron and Folic Acid tablet', 'Albendazole 400 mg tablet', 'Artesunate', 'Artemether Lumefantrine tablet',
  'Chloroquine 250 mg tablet', 'Primaquine 7.5 mg tablet', 'ORS sachet', 'Zinc 20 mg tablet', 'Cotrimoxazole tablet',
  'Ibuprofen 400 mg tablet', 'Ciprofloxacin 500 mg tablet', 'Azithromycin 500 mg tablet', 'Doxycycline 100 mg capsule',
  'Ranitidine 150 mg tablet', 'Pantoprazole 40 mg tablet', 'Cetirizine 10 mg tablet', 'Salbutamol inhaler',
  'Hydroxyurea 500 mg capsule', 'Folic acid 5 mg tablet', 'Calcium tablet', 'Isoniazid', 'Rifampicin', 'Ethambutol',
  'Pyrazinamide', 'Oxytocin injection', 'Ceftriaxone injection', 'Metronidazole 400 mg tablet', 'Atenolol 50 mg tablet',
  'Glibenclamide 5 mg tablet', 'Enalapril 5 mg tablet', 'Diclofenac 50 mg tablet', 'Vitamin A', 'Tetanus toxoid'
]

const CODINGS = [
  'http://snomed.info/sct', 'http://hl7.org/fhir/sid/icd-10', 'http://loinc.org',
  'B54', 'Malaria', 'B50.9', 'Plasmodium falciparum malaria', 'A15.0', 'Tuberculosis of lung', 'A09', 'Diarrhoea and gastroenteritis',
  'D57.1', 'Sickle-cell disease', 'D50.9', 'Iron deficiency anaemia', 'I10', 'Essential hypertension',
  'E11.9', 'Type 2 diabetes mellitus', 'J18.9', 'Pneumonia', 'J06.9', 'Acute upper respiratory infection',
  'O14.9', 'Pre-eclampsia', 'O80', 'Single spontaneous delivery', 'E43', 'Severe acute malnutrition', 'R50.9', 'Fever',
  'S06.9', 'Head injury', 'T63.0', 'Snake bite', 'A01.0', 'Typhoid fever', 'N39.0', 'Urinary tract infection',
  '718-7', 'Hemoglobin [Mass/volume] in Blood', '32700-7', 'Malaria smear', '2345-7', 'Glucose [Mass/volume] in Serum or Plasma',
  '11545-1', 'Acid fast bacilli [Presence] in Sputum', '5799-2', 'Leukocytes in Urine', 'g/dL', 'mg/dL', 'mmHg',
  '386661006', 'Fever', '49727002', 'Cough', '62315008', 'Diarrhoea', '271807003', 'Rash', '25064002', 'Headache'
]

const WORDS = [
  'female', 'male', 'other', 'unknown', 'date', 'year', 'approx-age', 'father', 'mother', 'husband', 'wife',
  'son', 'daughter', 'opd', 'ipd', 'emergency', 'provisional', 'confirmed', 'oral', 'intravenous', 'intramuscular',
  'once daily', 'twice daily', 'three times daily', 'after food', 'before food', 'normal', 'abnormal', 'positive', 'negative',
  'mild', 'moderate', 'severe', 'urgent', 'routine', '108', '102', 'own', 'sent', 'received', 'accepted', 'completed',
  'back-referred', 'back-referral', 'discharge', 'improved', 'referred-onward', 'lama', 'died', 'High-risk pregnancy',
  'fever', 'cough', 'body ache', 'vomiting', 'loose motions', 'pain abdomen', 'weakness', 'breathlessness', '@abdm', '@sbx'
]

const FIELDS = [
  'schema', 'registeredAt', 'registeredBy', 'demographics', 'name', 'nameVariants', 'sex', 'birth', 'kind', 'date',
  'years', 'asOf', 'address', 'village', 'block', 'district', 'pin', 'phone', 'guardian', 'relation', 'identifiers',
  'uhid', 'abhaNumber', 'abhaAddress', 'abhaLinked', 'encounters', 'facility', 'practitioner', 'complaints', 'vitals',
  'systolic', 'diastolic', 'pulse', 'temperature', 'respiratoryRate', 'spo2', 'weight', 'height', 'muac', 'diagnoses',
  'coding', 'system', 'code', 'display', 'text', 'certainty', 'prescriptions', 'drug', 'dose', 'frequency',
  'durationDays', 'route', 'instructions', 'labOrders', 'test', 'orderedAt', 'result', 'value', 'unit',
  'interpretation', 'resultedAt', 'dispensing', 'prescriptionId', 'quantity', 'dispensedAt', 'notes', 'allergies',
  'substance', 'reaction', 'severity', 'recordedAt', 'alerts', 'active', 'referrals', 'from', 'to', 'encounterId',
  'reason', 'urgency', 'provisionalDiagnosis', 'treatmentGiven', 'transport', 'createdAt', 'statusHistory', 'note',
  'summaries', 'referralId', 'finalDiagnosis', 'outcome', 'followUpAdvice', 'medicines', 'reviewAfterDays', 'redFlags',
  'duplicates', 'otherPatient', 'markedAt', 'resolutions', 'path', 'chosen', 'id', 'at', 'by'
]

/** The dictionary bytes (deterministic; built once). */
export const DICTIONARY_V1: Uint8Array = utf8Encode(
  [NAME_PARTS, PLACES, DRUGS, CODINGS, WORDS, FIELDS].map(list => list.join('\0')).join('\0')
)
