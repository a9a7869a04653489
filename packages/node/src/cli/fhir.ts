/**
 * `pagdandi fhir …`: ABDM FHIR document bundles from the command line, offline.
 *
 *   pagdandi fhir validate FILE…                   check any document bundle (ours or an IG example)
 *   pagdandi fhir export --patient-doc FILE [--out DIR] [--patient-id ID] [--facilities FILE]
 *   pagdandi fhir import [--data DIR] [--preview] BUNDLE…  import into this facility's node (sealed, stored)
 *   pagdandi fhir import --patient-doc FILE BUNDLE…  merge bundles into a patient-document JSON file
 *
 * Exit codes: 0 ok, 1 a bundle is invalid or a file cannot be read, 2 usage error.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { newPatientDoc } from '@pagdandi/core/record'
import type { FacilityId, PatientDoc, PatientId } from '@pagdandi/core/record'
import {
  ABDM_IG_VERSION,
  applyImport,
  exportPatientBundles,
  formatIssue,
  importBundle,
  registrationFromImport,
  validateBundle,
  type FacilityInfo,
  type StructureCheck
} from '@pagdandi/core/fhir'
import type { FhirImportOutcome } from '@pagdandi/core/api'
import type { Io, Values } from './command.js'
import { withApi } from './context.js'
import { UsageError } from './errors.js'
import { loadR4StructureCheck } from './fhir-structure.js'
import { processIo, report } from './main.js'

const HELP = `pagdandi fhir: ABDM (NRCeS IG ${ABDM_IG_VERSION}) FHIR R4 document bundles, offline

usage:
  pagdandi fhir validate FILE… [--no-structure] [--strict]
      Check each bundle: base R4 structure, then the IG's fixed codes, slicings and cardinalities.
      Prints "FILE: ok PROFILE" or one "FILE: PATH: RULE" line per issue.
      --no-structure  skip the base R4 check (ABDM rules only; no definitions loaded)
      --strict        warnings (e.g. an ABHA number failing Luhn) also fail
  pagdandi fhir export --patient-doc FILE [--out DIR] [--patient-id ID] [--facilities FILE]
      Write the patient's bundles to DIR (default .) as KIND-BUNDLEID.json.
      --facilities FILE  JSON {"IN22…": {"name": "…"}} naming facilities (else named by HFR id)
  pagdandi fhir import [--data DIR] [--preview] BUNDLE…
      Import each bundle (e.g. one a patient brings on a phone) into this facility's node: merged into
      the patient with the same ABHA number, else a new patient. Prints what was added, and what was
      kept verbatim because the record has no field for it. --preview shows it and writes nothing.
      Uses the running node if there is one, else opens DIR (default $PAGDANDI_DATA or pagdandi-data).
  pagdandi fhir import --patient-doc FILE [--facility HFR] BUNDLE…
      Merge bundles into the patient-document JSON FILE (created from the first bundle if missing).
`

/** Reads a JSON file; a missing or malformed file is a runtime failure with the file's name. */
async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8')
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new UsageError(`${path}: not JSON (${err instanceof Error ? err.message.split('\n')[0]! : 'parse error'})`)
  }
}

async function validate(files: string[], flags: { structure: boolean; strict: boolean }, io: Io): Promise<number> {
  if (files.length === 0) throw new UsageError('fhir validate: give at least one FILE')
  const structure: StructureCheck | undefined = flags.structure ? await loadR4StructureCheck() : undefined
  let failed = false
  for (const file of files) {
    let bundle: unknown
    try {
      bundle = await readJsonFile(file)
    } catch (err) {
      io.out(`${file}: unreadable (${err instanceof Error ? err.message : String(err)})`)
      failed = true
      continue
    }
    const r = validateBundle(bundle, structure === undefined ? {} : { structure })
    const bad = !r.ok || (flags.strict && r.issues.length > 0)
    failed ||= bad
    if (r.issues.length === 0) io.out(`${file}: ok ${r.profile ?? ''}`.trimEnd())
    for (const i of r.issues) io.out(`${file}: ${i.severity === 'warning' ? 'warning ' : ''}${formatIssue(i)}`)
  }
  return failed ? 1 : 0
}

async function exportDoc(v: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const docFile = v['patient-doc']
  if (typeof docFile !== 'string') throw new UsageError('fhir export: --patient-doc FILE is required')
  const doc = (await readJsonFile(docFile)) as PatientDoc
  const facilities =
    typeof v.facilities === 'string' ? ((await readJsonFile(v.facilities)) as Record<string, FacilityInfo>) : undefined
  const out = typeof v.out === 'string' ? v.out : '.'
  const patientId = (typeof v['patient-id'] === 'string' ? v['patient-id'] : docFile) as PatientId
  await mkdir(out, { recursive: true })
  const docs = exportPatientBundles(facilities === undefined ? { doc, patientId } : { doc, patientId, facilities })
  for (const d of docs) {
    const r = validateBundle(d.bundle)
    if (!r.ok) throw new Error(`exported ${d.kind} failed validation: ${r.issues.map(formatIssue).join('; ')}`)
    const path = join(out, `${d.kind}-${d.bundle.id ?? d.sourceId}.json`)
    await writeFile(path, JSON.stringify(d.bundle, null, 2) + '\n')
    io.out(path)
  }
  return 0
}

/** One line per import: the kind, the patient, and what it added (the items themselves with --preview). */
function printOutcome(file: string, o: FhirImportOutcome, preview: boolean, io: Io): void {
  const who = preview && o.newPatient ? 'a new patient' : `${o.newPatient ? 'new ' : ''}patient ${String(o.patientId)}`
  const verb = preview ? 'would add' : 'added'
  io.out(
    `${file}: ${o.kind} ${preview ? 'for' : 'into'} ${who}: ${verb} ${o.items.length}, already present ${o.alreadyPresent}, ` +
      `kept verbatim ${o.attached}` +
      (o.identifierMismatches.length > 0 ? `, differing identifiers: ${o.identifierMismatches.join(', ')}` : '') +
      (o.warnings.length > 0 ? `, check: ${o.warnings.join(', ')}` : '')
  )
  if (!preview) return
  for (const i of o.items) io.out(`  + ${i.section}: ${i.title}`)
  for (const r of o.report) io.out(`  entry ${r.entry} ${r.resourceType}: ${r.outcome} (${r.into})`)
}

/** `fhir import [--data DIR]`: into the facility's node, through its FHIR service. */
async function importIntoNode(v: Values, files: string[], io: Io): Promise<number> {
  const preview = v.preview === true
  await withApi(v, io, async api => {
    for (const file of files) {
      const bundle = await readJsonFile(file)
      const o = preview ? await api.fhir.preview(bundle, file) : await api.fhir.importBundle(bundle, file)
      printOutcome(file, o, preview, io)
    }
  })
  return 0
}

async function importInto(v: Record<string, string | boolean | undefined>, files: string[], io: Io): Promise<number> {
  if (files.length === 0) throw new UsageError('fhir import: give at least one BUNDLE')
  const docFile = v['patient-doc']
  if (typeof docFile !== 'string') return await importIntoNode(v, files, io)
  const facility = (typeof v.facility === 'string' ? v.facility : 'IN0000000000') as FacilityId
  let doc: PatientDoc | undefined
  try {
    doc = (await readJsonFile(docFile)) as PatientDoc
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err
  }
  for (const file of files) {
    // The CLI is a composition root: the one place the import's time is read from the clock.
    const rec = importBundle(await readJsonFile(file), { facility, at: new Date().toISOString(), source: file })
    doc ??= newPatientDoc(registrationFromImport(rec, facility), {
      facility,
      at: rec.encounters[0]?.encounter.at ?? new Date().toISOString()
    })
    const m = applyImport(doc, rec)
    io.out(
      `${file}: ${rec.kind} added ${m.added}, already present ${m.skipped}` +
        (m.identifierMismatches.length > 0 ? `, differing identifiers: ${m.identifierMismatches.join(', ')}` : '')
    )
  }
  await writeFile(docFile, JSON.stringify(doc, null, 2) + '\n')
  return 0
}

/** Runs `pagdandi fhir <argv>` with the given I/O; returns the exit code. */
export async function runFhirCli(argv: string[], io: Io): Promise<number> {
  try {
    const [sub, ...rest] = argv
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      io.out(HELP)
      return sub === undefined ? 2 : 0
    }
    let parsed
    try {
      parsed = parseArgs({
        args: rest,
        options: {
          'no-structure': { type: 'boolean' },
          strict: { type: 'boolean' },
          'patient-doc': { type: 'string' },
          out: { type: 'string' },
          'patient-id': { type: 'string' },
          facilities: { type: 'string' },
          facility: { type: 'string' },
          data: { type: 'string' },
          'secret-file': { type: 'string' },
          preview: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' }
        },
        allowPositionals: true,
        strict: true
      })
    } catch (err) {
      throw new UsageError(`fhir ${sub}: ${err instanceof Error ? err.message.split('\n')[0]! : String(err)}`)
    }
    const { values: v, positionals } = parsed
    if (v.help === true) {
      io.out(HELP)
      return 0
    }
    if (sub === 'validate')
      return await validate(positionals, { structure: v['no-structure'] !== true, strict: v.strict === true }, io)
    if (sub === 'export') return await exportDoc(v, io)
    if (sub === 'import') return await importInto(v, positionals, io)
    throw new UsageError(`fhir: unknown subcommand "${sub}"; run \`pagdandi fhir --help\``)
  } catch (err) {
    return report(err, io)
  }
}

/** `pagdandi fhir <argv>` on the process's stdout/stderr; returns the exit code. */
export async function runFhirCommand(argv: string[]): Promise<number> {
  return await runFhirCli(argv, processIo())
}
