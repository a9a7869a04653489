/** `pagdandi export-bundle`, `pagdandi import-bundle` and `pagdandi fhir …`. */
import { readFile, stat, writeFile } from 'node:fs/promises'
import type { FacilityId } from '@pagdandi/core/record'
import { decodeBundle, encodeBundle } from '../bundle.js'
import { need, type Command } from '../command.js'
import { runFhirCli } from '../fhir.js'
import { openOffline } from '../context.js'
import { BundleFormatError, BundleItemRejectedError, UsageError } from '../errors.js'

/** Largest bundle file read (whole) into memory. */
const MAX_BUNDLE_FILE = 1 << 30

/** `pagdandi export-bundle`. */
export const exportBundle: Command = {
  name: 'export-bundle',
  summary: 'write the items a facility is entitled to into a bundle file (for a USB stick or phone)',
  usage: '--for HFR_ID --out FILE',
  options: { for: { type: 'string' }, out: { type: 'string' } },
  async run(values, _pos, io) {
    const facility = need(values, 'for', 'export-bundle') as FacilityId
    const out = need(values, 'out', 'export-bundle')
    const node = await openOffline(values, io)
    try {
      const items = await node.bundles.exportFor(facility)
      const bytes = encodeBundle(items)
      await writeFile(out, bytes)
      io.out(`wrote ${items.length} items (${bytes.length} bytes) for ${facility} to ${out}`)
    } finally {
      await node.stop()
    }
    return 0
  }
}

/** `pagdandi import-bundle`. */
export const importBundle: Command = {
  name: 'import-bundle',
  summary: 'read a bundle file; every item is verified before any is stored',
  usage: 'FILE',
  async run(values, pos, io) {
    const file = pos[0]
    if (file === undefined) throw new UsageError('import-bundle: the bundle FILE is required')
    const info = await stat(file).catch(() => undefined)
    if (info === undefined) throw new BundleFormatError(`cannot read ${file}`)
    if (info.size > MAX_BUNDLE_FILE) throw new BundleFormatError(`${file} is larger than ${MAX_BUNDLE_FILE} bytes`)
    const items = decodeBundle(new Uint8Array(await readFile(file)))
    io.progress(`verifying ${items.length} items…`)
    const node = await openOffline(values, io)
    try {
      const stored = await node.bundles.importItems(items, (i, err) => {
        throw new BundleItemRejectedError(i, err.name, err)
      })
      io.err('')
      io.out(
        `imported ${stored} new items of ${items.length} in the bundle; ${node.documents.docIds().length} patients open here`
      )
    } finally {
      await node.stop()
    }
    return 0
  }
}

/** `pagdandi fhir …`: dispatched to the FHIR module's subcommand. */
export const fhir: Command = {
  name: 'fhir',
  summary: 'FHIR R4 (ABDM) document bundles: validate, export, import',
  usage: 'validate|export|import …   (see `pagdandi fhir --help`)',
  raw: true,
  async run(_values, pos, io) {
    return await runFhirCli(pos, io)
  }
}
