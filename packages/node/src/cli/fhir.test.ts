import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Automerge from '@automerge/automerge'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PatientDoc } from '@pagdandi/core/record'
import { buildPatientDoc, generateFacilities, generatePatients } from '@pagdandi/core/synth'
import type { Io } from './command.js'
import { COMMANDS } from './commands/index.js'
import { runFhirCli } from './fhir.js'
import { main } from './main.js'
import { TEST_SECRET } from '../testing/fixtures.js'

function captureIo(env: NodeJS.ProcessEnv = {}): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return {
    lines,
    errors,
    out: l => {
      lines.push(l)
    },
    err: l => {
      errors.push(l)
    },
    progress: () => {},
    env
  }
}

describe('pagdandi fhir', () => {
  let dir: string
  let docFile: string
  const seed = 5

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pagdandi-fhir-'))
    // A synthetic patient with a referral, so that every document kind is exported.
    const patients = generatePatients({ seed, count: 40, facilities: generateFacilities(seed) })
    const p = patients.find(x => x.visits.some(v => v.referral?.outcome?.status === 'back-referred')) ?? patients[0]!
    const doc = Automerge.toJS(buildPatientDoc(p, { seed })) as PatientDoc
    docFile = join(dir, 'patient.json')
    await writeFile(docFile, JSON.stringify(doc))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('exports a patient document to bundle files that then validate against base R4 and the ABDM rules', async () => {
    const io = captureIo()
    expect(
      await runFhirCli(['export', '--patient-doc', docFile, '--out', join(dir, 'out'), '--patient-id', 'p-5'], io)
    ).toBe(0)
    const files = (await readdir(join(dir, 'out'))).map(f => join(dir, 'out', f))
    expect(files.length).toBeGreaterThan(1)
    expect(new Set(files.map(f => /(\w+Record)-/.exec(f)![1]))).toContain('OPConsultRecord')
    const v = captureIo()
    expect(await runFhirCli(['validate', ...files], v)).toBe(0)
    expect(
      v.lines.every(l => / ok \w+Record$/.test(l)),
      v.lines.join('\n')
    ).toBe(true)
  })

  it('fails a broken bundle with exit 1 and prints path and rule, including base R4 structure errors', async () => {
    const out = join(dir, 'out')
    const file = join(
      out,
      (await readdir(out)).find(f => f.startsWith('OPConsultRecord'))!
    )
    const b = JSON.parse(await readFile(file, 'utf8'))
    b.entry[0].resource.type.coding[0].code = '11488-4'
    b.entry[0].resource.colour = 'blue'
    const broken = join(dir, 'broken.json')
    await writeFile(broken, JSON.stringify(b))
    const io = captureIo()
    expect(await runFhirCli(['validate', broken], io)).toBe(1)
    expect(io.lines).toContain(`${broken}: Bundle.entry[0].resource.type.coding[0].code: fixed-value 371530004`)
    expect(io.lines).toContain(
      `${broken}: Bundle.entry[0].resource.colour: r4-structure (Invalid additional property "colour")`
    )
  })

  it('imports bundles into a new patient-document file, and a second import adds nothing', async () => {
    const out = join(dir, 'out')
    const files = (await readdir(out)).map(f => join(out, f))
    const target = join(dir, 'imported.json')
    const first = captureIo()
    expect(await runFhirCli(['import', '--patient-doc', target, '--facility', 'IN2210000001', ...files], first)).toBe(0)
    const again = captureIo()
    expect(await runFhirCli(['import', '--patient-doc', target, ...files], again)).toBe(0)
    expect(
      again.lines.every(l => / added 0,/.test(l)),
      again.lines.join('\n')
    ).toBe(true)
    const original = JSON.parse(await readFile(docFile, 'utf8')) as PatientDoc
    const imported = JSON.parse(await readFile(target, 'utf8')) as PatientDoc
    expect(Object.keys(imported.encounters).sort()).toEqual(Object.keys(original.encounters).sort())
  })

  it('answers a usage error with exit 2 and a missing file with exit 1', async () => {
    const io = captureIo()
    expect(await runFhirCli(['frobnicate'], io)).toBe(2)
    expect(await runFhirCli(['validate', '--bogus'], io)).toBe(2)
    expect(await runFhirCli(['validate', '--no-structure', join(dir, 'missing.json')], io)).toBe(1)
  })

  it(
    'imports a bundle a patient brings into the facility node (--data): preview first, then sealed and stored; a second import adds nothing',
    { timeout: 120_000 },
    async () => {
      const data = join(dir, 'node')
      const env = { PAGDANDI_SECRET: TEST_SECRET }
      const init = captureIo(env)
      const args = [
        'init',
        '--data',
        data,
        '--facility',
        'IN2210000001',
        '--name',
        'DH',
        '--kind',
        'DH',
        '--district',
        'Bastar'
      ]
      expect(await main(args, COMMANDS, init), init.errors.join('\n')).toBe(0)
      const out = join(dir, 'out')
      const file = join(
        out,
        (await readdir(out)).find(f => f.startsWith('OPConsultRecord'))!
      )
      const preview = captureIo(env)
      expect(await runFhirCli(['import', '--data', data, '--preview', file], preview), preview.errors.join('\n')).toBe(
        0
      )
      expect(preview.lines[0]).toMatch(/OPConsultRecord for a new patient: would add [1-9]\d*, already present 0/)
      expect(preview.lines.some(l => /^ {2}\+ encounter: opd /.test(l))).toBe(true)
      // The import report: one line per bundle entry, saying what became of it.
      const entries = (JSON.parse(await readFile(file, 'utf8')) as { entry: unknown[] }).entry.length
      expect(preview.lines.filter(l => /^ {2}entry \d+ \w+: (mapped|context|attached) \(/.test(l))).toHaveLength(
        entries
      )
      expect(preview.lines).toContain('  entry 0 Composition: context (composition)')
      const first = captureIo(env)
      expect(await runFhirCli(['import', '--data', data, file], first), first.errors.join('\n')).toBe(0)
      expect(first.lines[0]).toMatch(/OPConsultRecord into new patient \S+: added [1-9]\d*/)
      const again = captureIo(env)
      expect(await runFhirCli(['import', '--data', data, file], again), again.errors.join('\n')).toBe(0)
      expect(again.lines[0]).toMatch(/into patient \S+: added 0, already present [1-9]/)
    }
  )

  it('refuses a broken bundle with exit 1, naming the file, the element path and the rule', async () => {
    const out = join(dir, 'out')
    const b = JSON.parse(
      await readFile(
        join(
          out,
          (await readdir(out)).find(f => f.startsWith('OPConsultRecord'))!
        ),
        'utf8'
      )
    )
    b.entry[0].resource.date = '20/11/2026 10:45'
    const broken = join(dir, 'broken-date.json')
    await writeFile(broken, JSON.stringify(b))
    const target = join(dir, 'never.json')
    const io = captureIo()
    expect(await runFhirCli(['import', '--patient-doc', target, broken], io)).toBe(1)
    expect(io.errors[0]).toContain(`${broken}: invalid FHIR document bundle`)
    expect(io.errors[0]).toContain('Bundle.entry[0].resource.date: datatype dateTime')
  })
})
