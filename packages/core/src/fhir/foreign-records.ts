/**
 * The records a PHR app or a hospital's billing desk shares, written for Pagdandi's tests after the
 * IG's patterns (none of its files are copied): an immunisation, a wellness record, a scanned health
 * document and a pharmacy invoice. The record has no field for any of them, so import keeps each
 * resource verbatim. Every value is synthetic (the shared Patient, Practitioner and Organization of
 * foreign-fixtures.ts).
 */
import { ABDM_IG_CANONICAL, COMPOSITION_TYPE, profileUrl } from './constants.js'
import {
  bundle,
  composition,
  loinc,
  observation,
  organization,
  patient,
  PDF_BASE64,
  practitioner,
  type R,
  ref,
  sct
} from './foreign-fixtures.js'

/** A child's immunisation record, as a PHR app shares it. */
export function foreignImmunization(): R {
  const dose: R = {
    resourceType: 'Immunization',
    id: 'imm-1',
    status: 'completed',
    vaccineCode: sct('871761004', 'Rotavirus vaccine'),
    patient: ref(patient),
    occurrenceDateTime: '2026-10-02T11:00:00+05:30',
    primarySource: true,
    lotNumber: 'RV-2026-11'
  }
  const c = composition(
    'comp-imm-1',
    sct(COMPOSITION_TYPE.immunization.code, COMPOSITION_TYPE.immunization.display),
    'Immunization record',
    '2026-10-02T11:05:00+05:30',
    [
      {
        title: 'Immunization record',
        code: sct(COMPOSITION_TYPE.immunization.code, COMPOSITION_TYPE.immunization.display),
        entry: [{ ...ref(dose), type: 'Immunization' }]
      }
    ]
  )
  return bundle('imm-1', c, [dose], '2026-10-02T11:05:00+05:30')
}

/** A PHR app's wellness record: vital signs under the IG's title-sliced sections. */
export function foreignWellness(): R {
  const pulse = {
    ...observation('well-hr', loinc('8867-4', 'Heart rate'), 82, '/min'),
    meta: { profile: [profileUrl('ObservationVitalSigns')] }
  }
  const weight = {
    ...observation('well-wt', loinc('29463-7', 'Body weight'), 52.5, 'kg'),
    meta: { profile: [profileUrl('ObservationBodyMeasurement')] }
  }
  const c = composition('comp-well-1', { text: 'Wellness Record' }, 'Wellness Record', '2026-11-22T08:00:00+05:30', [
    { title: 'Vital Signs', entry: [ref(pulse)] },
    { title: 'Body Measurement', entry: [ref(weight)] }
  ])
  return bundle('well-1', c, [pulse, weight], '2026-11-22T08:00:00+05:30')
}

/** An old paper discharge card, scanned into a health document record. */
export function foreignHealthDocument(): R {
  const scan: R = {
    resourceType: 'DocumentReference',
    id: 'scan-1',
    status: 'current',
    type: sct('373942005', 'Discharge summary'),
    subject: ref(patient),
    date: '2019-06-14T12:00:00+05:30',
    content: [{ attachment: { contentType: 'application/pdf', data: PDF_BASE64, title: 'Discharge card 2019' } }]
  }
  const c = composition(
    'comp-hd-1',
    sct(COMPOSITION_TYPE.healthDocument.code, COMPOSITION_TYPE.healthDocument.display),
    'Health Document',
    '2026-11-22T09:00:00+05:30',
    [
      {
        title: 'Health Document',
        code: sct(COMPOSITION_TYPE.healthDocument.code, COMPOSITION_TYPE.healthDocument.display),
        entry: [ref(scan)]
      }
    ]
  )
  return bundle('hd-1', c, [scan], '2026-11-22T09:00:00+05:30')
}

/** The IG's billing and price-component code systems (CodeSystem ndhm-billing-codes, ndhm-price-components). */
const BILLING = `${ABDM_IG_CANONICAL}/CodeSystem/ndhm-billing-codes`
const PRICE = `${ABDM_IG_CANONICAL}/CodeSystem/ndhm-price-components`
const inr = (value: number): R => ({ value, currency: 'INR' })
const billing = (code: string, display: string): R => ({ coding: [{ system: BILLING, code, display }] })
const price = (type: string, code: string, display: string, value: number): R => ({
  type,
  code: { coding: [{ system: PRICE, code, display }] },
  amount: inr(value)
})

/** A private hospital's bill for an OPD visit and its medicines, as its billing system shares it. */
export function foreignInvoice(): R {
  const medicine: R = {
    resourceType: 'Medication',
    id: 'inv-med-1',
    code: sct('322236009', 'Paracetamol 500 mg oral tablet'),
    batch: { lotNumber: 'PCM-26-114', expirationDate: '2028-03-31' }
  }
  const tablets: R = {
    resourceType: 'ChargeItem',
    id: 'inv-ci-1',
    status: 'billed',
    code: billing('05', 'Medicines'),
    subject: ref(patient),
    performer: [{ actor: ref(practitioner) }],
    quantity: { value: 10, unit: 'Tablet' },
    productReference: ref(medicine)
  }
  const consultation: R = {
    resourceType: 'ChargeItem',
    id: 'inv-ci-2',
    status: 'billed',
    code: billing('00', 'Consultation'),
    subject: ref(patient),
    performer: [{ actor: ref(practitioner) }],
    quantity: { value: 1 },
    productCodeableConcept: { text: 'OPD consultation' }
  }
  const invoice: R = {
    resourceType: 'Invoice',
    id: 'inv-1',
    identifier: [{ value: 'PH/2026/0451' }],
    status: 'issued',
    type: billing('03', 'OPD'),
    subject: ref(patient),
    date: '2026-11-20T11:30:00+05:30',
    participant: [{ actor: ref(practitioner) }],
    issuer: ref(organization),
    lineItem: [
      {
        sequence: 1,
        chargeItemReference: ref(consultation),
        priceComponent: [price('base', '01', 'Rate', 150)]
      },
      {
        sequence: 2,
        chargeItemReference: ref(tablets),
        priceComponent: [
          price('base', '01', 'Rate', 20),
          price('informational', '00', 'MRP', 25),
          price('tax', '03', 'CGST', 0.6),
          price('tax', '04', 'SGST', 0.6)
        ]
      }
    ],
    totalNet: inr(170),
    totalGross: inr(171.2)
  }
  const c = composition('comp-inv-1', { text: 'Invoice Record' }, 'OPD invoice', '2026-11-20T11:35:00+05:30', [
    { title: 'Invoice', entry: [{ ...ref(invoice), type: 'Invoice' }] }
  ])
  return bundle('inv-1', c, [invoice, consultation, tablets, medicine], '2026-11-20T11:35:00+05:30')
}
