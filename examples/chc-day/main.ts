/**
 * Prints a summary of one synthetic OPD day at a Bastar CHC. Synthetic data only.
 * Usage: npx tsx --conditions=source main.ts [seed] [YYYY-MM-DD] [CHC name fragment]
 * (`--conditions=source` runs the workspace sources rather than a possibly stale build.)
 */
import { generateChcDay, generateFacilities } from '@pagdandi/core/synth'
import { summariseChcDay } from './summary.js'

const seed = Number(process.argv[2] ?? 7)
const date = process.argv[3] ?? '2025-08-04'
const match = (process.argv[4] ?? '').toLowerCase()
const facilities = generateFacilities(seed)
const facility = facilities.find(f => f.kind === 'CHC' && f.name.toLowerCase().includes(match))
if (facility === undefined) {
  console.error(`no CHC matches "${match}"`)
  process.exit(1)
}
console.log(summariseChcDay(generateChcDay({ seed, facility, date, facilities })))
