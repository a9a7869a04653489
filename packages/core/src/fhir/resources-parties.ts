/**
 * The parties of the projection: the Patient, the facilities (Organization) and practitioners, and the
 * small helpers every resource builder uses (codings, entry identifiers). Shared resources are added
 * once per bundle under the same uuid in every bundle.
 */
import type {
  CodeableConcept,
  Coding as FhirCoding,
  Identifier,
  Organization,
  Patient,
  Practitioner,
  Reference
} from '@medplum/fhirtypes'
import type { Coding, EntryId, FacilityId, PatientDoc, PatientId, PractitionerId } from '../record/types.js'
import type { BundleBuilder } from './builder.js'
import { SYSTEM, profileUrl, uhidSystem } from './constants.js'

/** Display information about a facility, looked up by HFR id (the roster supplies it). */
export interface FacilityInfo {
  name: string
}
/** Display information about a practitioner, looked up by HPR id. */
export interface PractitionerInfo {
  name: string
}

/** What the projection needs besides the document itself. */
export interface ExportScope {
  doc: PatientDoc
  patientId: PatientId
  /** Names of facilities by HFR id; a missing one is named by its id. */
  facilities?: Readonly<Record<string, FacilityInfo>>
  /** Names of practitioners by HPR id; a missing one is named by its id. */
  practitioners?: Readonly<Record<string, PractitionerInfo>>
}

/** A Pagdandi entry id as a secondary identifier, so that a re-import lands on the same entry. */
export function entryIdentifier(id: EntryId): Identifier {
  return { system: SYSTEM.pagdandiEntry, value: id }
}

/** A record Coding as a FHIR Coding. */
export function fhirCoding(c: Coding): FhirCoding {
  return { system: c.system, code: c.code, display: c.display }
}

/** A record Coding plus text as a CodeableConcept. */
export function concept(c: Coding | undefined, text: string): CodeableConcept {
  return c === undefined ? { text } : { coding: [fhirCoding(c)], text }
}

/** `91-1234-5678-9012` from 14 bare digits (the IG example's display form). */
export function hyphenateAbha(digits: string): string {
  return `${digits.slice(0, 2)}-${digits.slice(2, 6)}-${digits.slice(6, 10)}-${digits.slice(10)}`
}

/** The FHIR birthDate, or none when the record does not know it (Patient.birthDate is 0..1: nothing made up). */
function birthDate(doc: PatientDoc): string | undefined {
  const b = doc.demographics.birth
  if (b.kind === 'unknown') return undefined
  if (b.kind === 'date') return b.date
  if (b.kind === 'year') return String(b.year)
  const asOfYear = Number(b.asOf.slice(0, 4))
  return Number.isFinite(asOfYear) ? String(asOfYear - b.years) : undefined
}

/** The Patient, with ABHA number, ABHA address and every facility UHID as identifiers. */
export function addPatient(b: BundleBuilder, s: ExportScope): Reference<Patient> {
  return b.add(['Patient', s.patientId], (id): Patient => {
    const { demographics: d, identifiers: ids } = s.doc
    const identifier: Identifier[] = []
    const abhaType = {
      coding: [{ system: SYSTEM.ndhmIdentifierType, code: 'ABHA', display: 'Ayushman Bharat Health Account (ABHA) ID' }]
    }
    if (ids.abhaNumber !== undefined)
      identifier.push({ type: abhaType, system: SYSTEM.abha, value: hyphenateAbha(ids.abhaNumber) })
    if (ids.abhaAddress !== undefined) identifier.push({ type: abhaType, system: SYSTEM.abha, value: ids.abhaAddress })
    for (const hfr of Object.keys(ids.uhid).sort()) {
      identifier.push({
        type: { coding: [{ system: SYSTEM.v20203, code: 'MR', display: 'Medical record number' }] },
        system: uhidSystem(hfr),
        value: ids.uhid[hfr as FacilityId]!,
        assigner: { identifier: { system: SYSTEM.hfr, value: hfr }, display: facilityName(s, hfr) }
      })
    }
    const born = birthDate(s.doc)
    return {
      resourceType: 'Patient',
      id,
      meta: { profile: [profileUrl('Patient')] },
      identifier,
      name: [{ text: d.name }],
      gender: d.sex,
      ...(born === undefined ? {} : { birthDate: born }),
      ...(d.phone === undefined ? {} : { telecom: [{ system: 'phone', value: d.phone, use: 'mobile' }] }),
      ...patientAddress(d.address)
    }
  }).ref
}

/** The Patient's address with only the parts the record knows; none at all when it knows none. */
function patientAddress(a: PatientDoc['demographics']['address']): Pick<Patient, 'address'> {
  const parts = [a.village, a.block, a.district].filter(x => x !== undefined)
  if (parts.length === 0 && a.pin === undefined) return {}
  return {
    address: [
      {
        ...(parts.length === 0 ? {} : { text: parts.join(', ') }),
        ...(a.block === undefined ? {} : { line: [a.block] }),
        ...(a.village === undefined ? {} : { city: a.village }),
        ...(a.district === undefined ? {} : { district: a.district }),
        ...(a.pin === undefined ? {} : { postalCode: a.pin }),
        country: 'IN'
      }
    ]
  }
}

export function facilityName(s: ExportScope, hfr: string): string {
  return s.facilities?.[hfr]?.name ?? `Facility ${hfr}`
}

/** The Organization of a facility, identified by its HFR id. */
export function addOrganization(b: BundleBuilder, s: ExportScope, hfr: FacilityId): Reference<Organization> {
  return b.add(['Organization', hfr], (id): Organization => ({
    resourceType: 'Organization',
    id,
    meta: { profile: [profileUrl('Organization')] },
    identifier: [
      {
        type: { coding: [{ system: SYSTEM.v20203, code: 'PRN', display: 'Provider number' }] },
        system: SYSTEM.hfr,
        value: hfr
      }
    ],
    name: facilityName(s, hfr)
  })).ref
}

/** The Practitioner, identified by HPR id. */
export function addPractitioner(b: BundleBuilder, s: ExportScope, hpr: PractitionerId): Reference<Practitioner> {
  return b.add(['Practitioner', hpr], (id): Practitioner => ({
    resourceType: 'Practitioner',
    id,
    meta: { profile: [profileUrl('Practitioner')] },
    identifier: [
      {
        type: { coding: [{ system: SYSTEM.v20203, code: 'MD', display: 'Medical License number' }] },
        system: SYSTEM.hpr,
        // The IG example writes HPR ids hyphenated 2-4-4-4, like ABHA numbers; the record stores digits.
        value: /^\d{14}$/.test(hpr) ? hyphenateAbha(hpr) : hpr
      }
    ],
    // A name only when the record knows it (the entry's author, or the scope): never a placeholder.
    ...(s.practitioners?.[hpr] === undefined ? {} : { name: [{ text: s.practitioners[hpr].name }] })
  })).ref
}

/** Who authored an encounter's records: its practitioner if known, else its facility. */
export function addAuthor(
  b: BundleBuilder,
  s: ExportScope,
  e: { facility: FacilityId; practitioner?: PractitionerId | undefined }
): Reference<Practitioner | Organization> {
  return e.practitioner === undefined ? addOrganization(b, s, e.facility) : addPractitioner(b, s, e.practitioner)
}
