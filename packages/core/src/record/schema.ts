/**
 * The patient document's schema as data: what every section and entry may hold, with the same
 * bounds the change functions apply. It checks documents that did not come from a change function
 * here (a browser's `/sync` change, docs/SPEC.md › Node), so it accepts exactly what those
 * functions write, and nothing else: unknown keys, wrong kinds and out-of-range values are refused
 * with the path, never the value (values are patient data).
 */
import { validateAuthor } from './context.js'
import { InvalidPatientDocumentError } from './errors.js'
import { validateAbhaAddress, validateHfrId, validateHprId, validatePhone } from './validate-ids.js'
import {
  CODE_SYSTEMS,
  validateCoding,
  validateEnum,
  validateInt,
  validateIsoDate,
  validateIsoInstant,
  validateText,
  validateTextList,
  validateVitals
} from './validate-clinical.js'
import type { CodeSystem } from './types.js'

/** Checks one value at `path`; throws a named record error. */
export type Check = (value: unknown, path: string) => void

const ENTRY_ID = /^[A-Za-z0-9_-]{1,64}$/

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

const fail = (path: string, why: string): never => {
  throw new InvalidPatientDocumentError(path === '' ? 'doc' : path, why)
}
const join = (path: string, key: string): string => (path === '' ? key : `${path}/${key}`)

/** An object with exactly these required and optional keys. */
export function shape(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v, path) => {
    if (!isMap(v)) return fail(path, 'must be an object')
    for (const k of Object.keys(v))
      if (!(k in required) && !(k in optional)) fail(join(path, k.slice(0, 64)), 'unknown field')
    for (const [k, check] of Object.entries(required)) {
      if (v[k] === undefined) fail(join(path, k), 'missing')
      check(v[k], join(path, k))
    }
    for (const [k, check] of Object.entries(optional)) if (v[k] !== undefined) check(v[k], join(path, k))
  }
}

/** A map from entry ids to values that each pass `check` (nothing checked when `check` is omitted). */
export function entries(check?: Check): Check {
  return (v, path) => {
    if (!isMap(v)) return fail(path, 'must be a map of entries')
    for (const [k, x] of Object.entries(v)) {
      if (!ENTRY_ID.test(k)) fail(join(path, k.slice(0, 64)), 'not an entry id')
      check?.(x, join(path, k))
    }
  }
}

const text =
  (max: number): Check =>
  (v, p) => {
    validateText(v, p, max)
  }
const texts =
  (items: number, max: number): Check =>
  (v, p) => {
    validateTextList(v, p, items, max)
  }
const oneOf =
  (...allowed: string[]): Check =>
  (v, p) => {
    validateEnum(v, p, allowed)
  }
const int =
  (min: number, max: number): Check =>
  (v, p) => {
    validateInt(v, p, min, max)
  }
const coding =
  (...systems: CodeSystem[]): Check =>
  (v, p) => {
    validateCoding(v, p, systems.length === 0 ? undefined : systems)
  }
const instant: Check = (v, p) => {
  validateIsoInstant(v, p)
}
const date: Check = (v, p) => {
  validateIsoDate(v, p)
}
const facility: Check = (v, p) => {
  validateHfrId(v, p)
}
const entryId: Check = (v, p) => {
  if (typeof v !== 'string' || !ENTRY_ID.test(v)) fail(p, 'not an entry id')
}
const bool: Check = (v, p) => {
  if (typeof v !== 'boolean') fail(p, 'must be true or false')
}
const author: Check = (v, p) => {
  validateAuthor(v, p)
}
const digits14: Check = (v, p) => {
  if (typeof v !== 'string' || !/^\d{14}$/.test(v)) fail(p, 'not 14 digits')
}
const dx = coding(CODE_SYSTEMS.snomed, CODE_SYSTEMS.icd10)

const birth: Check = (v, p) => {
  if (!isMap(v)) return fail(p, 'must be an object')
  if (v.kind === 'date') return shape({ kind: oneOf('date'), date })(v, p)
  if (v.kind === 'year') return shape({ kind: oneOf('year'), year: int(1900, 2200) })(v, p)
  if (v.kind === 'approx-age') return shape({ kind: oneOf('approx-age'), years: int(0, 120), asOf: date })(v, p)
  if (v.kind === 'unknown') return shape({ kind: oneOf('unknown') })(v, p)
  fail(`${p}/kind`, 'must be date, year, approx-age or unknown')
}

/** The demographics section (registration and its later edits). */
export const DEMOGRAPHICS: Check = shape(
  {
    name: text(100),
    nameVariants: texts(10, 100),
    sex: oneOf('female', 'male', 'other', 'unknown'),
    birth,
    // A patient known only from an imported record may lack any of these (record/types.ts › Address).
    address: shape(
      {},
      {
        village: text(100),
        block: text(100),
        district: text(100),
        pin: (v, p) => {
          if (typeof v !== 'string' || !/^[1-9]\d{5}$/.test(v)) fail(p, 'not a PIN code')
        }
      }
    )
  },
  {
    phone: (v, p) => {
      if (validatePhone(v, p) !== v) fail(p, 'not stored as 10 digits')
    },
    guardian: shape({ name: text(100), relation: text(40) })
  }
)

/** The identifiers section: UHIDs per facility, the ABHA number and address. */
export const IDENTIFIERS: Check = shape(
  {
    uhid: (v, p) => {
      if (!isMap(v)) return fail(p, 'must be a map')
      for (const [k, x] of Object.entries(v)) {
        validateHfrId(k, `${p}/${k.slice(0, 16)}`)
        validateText(x, `${p}/${k}`, 40)
      }
    }
  },
  {
    abhaNumber: digits14,
    abhaAddress: (v, p) => {
      validateAbhaAddress(v, p)
    },
    abhaLinked: shape({ at: instant, by: facility })
  }
)

const LAB_RESULT = shape(
  { value: text(200), resultedAt: instant, by: facility },
  { unit: text(30), interpretation: oneOf('normal', 'abnormal', 'positive', 'negative'), author }
)

/** The entries inside an encounter, by collection. */
export const ENCOUNTER_ENTRIES: Readonly<Record<string, Check>> = {
  diagnoses: shape(
    { id: entryId, coding: dx, text: text(500), certainty: oneOf('provisional', 'confirmed') },
    { author }
  ),
  prescriptions: shape(
    {
      id: entryId,
      drug: text(120),
      dose: text(60),
      frequency: text(60),
      durationDays: int(1, 365),
      route: text(40)
    },
    { coding: coding(CODE_SYSTEMS.snomed), instructions: text(500), author }
  ),
  labOrders: shape(
    { id: entryId, test: coding(CODE_SYSTEMS.loinc, CODE_SYSTEMS.snomed), orderedAt: instant },
    { result: LAB_RESULT, author }
  ),
  dispensing: shape(
    { id: entryId, prescriptionId: entryId, quantity: int(1, 10_000), dispensedAt: instant, by: facility },
    { author }
  )
}

/** An encounter without the contents of its entry collections (each checked as its own entry). */
export const ENCOUNTER_SHELL: Check = shape(
  {
    id: entryId,
    kind: oneOf('opd', 'ipd', 'emergency'),
    facility,
    at: instant,
    complaints: texts(20, 200),
    vitals: (v, p) => {
      validateVitals(v, p)
    },
    diagnoses: entries(),
    prescriptions: entries(),
    labOrders: entries(),
    dispensing: entries()
  },
  {
    practitioner: (v, p) => {
      if (validateHprId(v, p) !== v) fail(p, 'not stored as 14 digits')
    },
    practitionerName: text(100),
    notes: text(4000),
    author
  }
)

const STATUS_EVENT = shape({ at: instant, by: facility }, { note: text(500), author })

/** The top-level collections of entries and what each entry holds (encounters: see ENCOUNTER_SHELL). */
export const COLLECTIONS: Readonly<Record<string, Check>> = {
  encounters: ENCOUNTER_SHELL,
  allergies: shape(
    {
      id: entryId,
      substance: text(120),
      recordedAt: instant,
      by: facility
    },
    {
      // An imported allergy keeps the severity it came with, or none; `absent` marks "no known allergy".
      severity: oneOf('mild', 'moderate', 'severe'),
      absent: (v, p) => {
        if (v !== true) fail(p, 'must be true')
      },
      coding: coding(CODE_SYSTEMS.snomed),
      reaction: text(200),
      author
    }
  ),
  alerts: shape(
    { id: entryId, text: text(200), recordedAt: instant, by: facility, active: bool },
    {
      coding: coding(),
      author
    }
  ),
  referrals: shape(
    {
      id: entryId,
      from: facility,
      to: facility,
      reason: text(500),
      urgency: oneOf('emergency', 'urgent', 'routine'),
      provisionalDiagnosis: dx,
      treatmentGiven: text(2000),
      transport: oneOf('108', '102', 'own'),
      createdAt: instant,
      statusHistory: (v, p) => {
        if (!isMap(v)) return fail(p, 'must be an object')
        if (v.sent === undefined) fail(`${p}/sent`, 'missing')
        for (const [k, x] of Object.entries(v)) {
          validateEnum(k, `${p}/${k.slice(0, 20)}`, ['sent', 'received', 'accepted', 'completed', 'back-referred'])
          STATUS_EVENT(x, `${p}/${k}`)
        }
      }
    },
    { encounterId: entryId, author }
  ),
  summaries: shape(
    {
      id: entryId,
      kind: oneOf('back-referral', 'discharge'),
      from: facility,
      to: facility,
      finalDiagnosis: dx,
      treatmentGiven: text(2000),
      outcome: oneOf('improved', 'referred-onward', 'lama', 'died'),
      followUpAdvice: text(2000),
      medicines: texts(30, 200),
      redFlags: texts(20, 200),
      at: instant
    },
    { referralId: entryId, reviewAfterDays: int(1, 365), author }
  ),
  duplicates: shape({ otherPatient: text(100), markedAt: instant, by: facility, reason: text(500) }, { author }),
  resolutions: shape({ path: text(300), chosen: text(4000), at: instant, by: facility }, { author }),
  merges: shape(
    { id: entryId, direction: oneOf('into', 'from'), otherPatient: text(100), at: instant, by: facility },
    { author, undone: shape({ at: instant, by: facility }, { author }) }
  )
}

/** Collections a document written before they existed lacks (the root holds them when present). */
const LATER_COLLECTIONS = ['merges']

/**
 * A FHIR resource kept verbatim by an import (record/types.ts › AttachedResource). Only the node's
 * import writes these; `attached` is not a collection a browser may edit (checkEdit: unknown section).
 */
const ATTACHED: Check = shape(
  {
    id: entryId,
    resourceType: text(64),
    title: text(500),
    document: text(64),
    bundle: text(600),
    json: text(4_000_000),
    importedAt: instant,
    by: facility
  },
  { at: instant }
)

/** The document's root: its scalar fields and that every section is present and of its kind. */
export const ROOT: Check = shape(
  {
    schema: (v, p) => {
      if (v !== 1) fail(p, 'must be 1')
    },
    registeredAt: instant,
    registeredBy: facility,
    demographics: (v, p) => {
      if (!isMap(v)) fail(p, 'must be an object')
    },
    identifiers: (v, p) => {
      if (!isMap(v)) fail(p, 'must be an object')
    },
    ...Object.fromEntries(
      Object.keys(COLLECTIONS)
        .filter(k => !LATER_COLLECTIONS.includes(k))
        .map(k => [k, entries()])
    )
  },
  { registeredByStaff: author, attached: entries(ATTACHED), merges: entries() }
)
