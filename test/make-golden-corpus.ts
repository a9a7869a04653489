/**
 * Writes the golden corpus: the data directories of two synthetic facilities (a CHC and its DH),
 * their network authority and a bundle file, as the version of Pagdandi that runs this script
 * writes them. Every later version must open it and sync with it (test/golden-corpus.test.ts).
 *
 *   node --import tsx --conditions=source test/make-golden-corpus.ts test/fixtures/golden-v1
 *
 * Synthetic data only (core/synth); the operator secret is `TEST_SECRET` and every key in it is a
 * test key (see the corpus README and docs/THREAT_MODEL.md).
 */
import '../packages/node/src/polyfill.js'
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { FacilityId, PatientDoc, PatientId } from '@pagdandi/core/record'
import { readPatient } from '@pagdandi/core/record'
import { encodeBundle } from '../packages/node/src/cli/bundle.js'
import { openStore } from '../packages/node/src/cli/storeFactory.js'
import { FacilityNode } from '../packages/node/src/FacilityNode.js'
import { TEST_SECRET, makeNetwork, tempDir } from '../packages/node/src/testing/fixtures.js'

/** The two facilities of the corpus; their roster addresses are placeholders a test rewrites. */
export const GOLDEN_CHC = 'IN2210000101' as FacilityId
/** The DH of the corpus (the CHC's hub). */
export const GOLDEN_DH = 'IN2210000001' as FacilityId

/** What the corpus holds, written beside it as `manifest.json`, read back by the test. */
export interface GoldenManifest {
  writtenBy: string
  secret: string
  facilities: Record<string, { patients: Record<string, string>; items: number }>
  referral: { patientId: string; from: string; to: string }
  bundle: { file: string; items: number }
}

// LevelDB's info log and lock are written at every open; they hold paths and times, not data.
const VOLATILE = new Set(['LOG', 'LOG.old', 'LOCK', 'node.json'])

async function names(node: FacilityNode, ids: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const id of ids) {
    const doc = await node.documents.open<PatientDoc>(id)
    out[id] = readPatient(doc!).demographics.name
  }
  return out
}

async function make(outDir: string): Promise<void> {
  const root = await tempDir('pagdandi-golden-')
  const { dirs } = await makeNetwork(root, [
    { facility: GOLDEN_CHC, name: 'CHC Tokapal', kind: 'CHC', addresses: ['/ip4/127.0.0.1/tcp/47101/ws'] },
    {
      facility: GOLDEN_DH,
      name: 'DH Jagdalpur',
      kind: 'DH',
      carriesFor: [GOLDEN_CHC],
      addresses: ['/ip4/127.0.0.1/tcp/47001/ws']
    }
  ])
  const [chcDir, dhDir] = dirs as [string, string]
  const chc = await FacilityNode.open({ data: chcDir, secret: TEST_SECRET, http: false, openStore })
  const chcIds = await chc.patients.seed(4, 11)
  const referred = chcIds[0] as PatientId
  await chc.referrals.create(referred, {
    to: GOLDEN_DH,
    urgency: 'urgent',
    reason: 'Suspected severe anaemia; needs transfusion',
    provisionalDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'D64.9', display: 'Anaemia, unspecified' },
    treatmentGiven: 'Iron sucrose 200 mg IV',
    transport: '108'
  })
  const bundleItems = await chc.bundles.exportFor(GOLDEN_DH)
  const chcNames = await names(chc, chcIds)
  const chcItems = (await chc.status.report()).items!
  await chc.stop()

  const dh = await FacilityNode.open({ data: dhDir, secret: TEST_SECRET, http: false, openStore })
  await dh.bundles.importItems(bundleItems, (i, err) => {
    throw new Error(`bundle item ${i} rejected: ${err.message}`)
  })
  const dhIds = await dh.patients.seed(2, 12)
  const dhNames = await names(dh, [...dhIds, referred])
  const dhItems = (await dh.status.report()).items!
  await dh.stop()

  await rm(outDir, { recursive: true, force: true })
  await mkdir(outDir, { recursive: true })
  for (const name of ['authority', GOLDEN_CHC, GOLDEN_DH]) {
    await cp(join(root, name), join(outDir, name), {
      recursive: true,
      filter: src => !VOLATILE.has(src.split('/').pop()!)
    })
  }
  const bundleFile = 'chc-for-dh.bundle'
  await writeFile(join(outDir, bundleFile), encodeBundle(bundleItems))
  const manifest: GoldenManifest = {
    writtenBy: process.env.GOLDEN_WRITTEN_BY ?? 'unknown commit',
    secret: TEST_SECRET,
    facilities: {
      [GOLDEN_CHC]: { patients: chcNames, items: chcItems },
      [GOLDEN_DH]: { patients: dhNames, items: dhItems }
    },
    referral: { patientId: referred, from: GOLDEN_CHC, to: GOLDEN_DH },
    bundle: { file: bundleFile, items: bundleItems.length }
  }
  await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  await rm(root, { recursive: true, force: true })
  console.log(`golden corpus written to ${outDir}: ${(await readdir(outDir)).join(', ')}`)
}

const out = process.argv[2]
if (out !== undefined) await make(resolve(out))
