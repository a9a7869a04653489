/**
 * The staff files a node reads back at start-up and on every sign-in: `staff.json` (accounts and
 * password hashes) and the hash-chained `audit.log` with its `audit.head`. Each run writes one of
 * them mutated (as JSON, or as bytes) and reads them as the node does: the accounts listed and
 * looked up, the audit chain verified and then appended to. Every read must give a value or a
 * named error; an account that is listed must have a hash whose scrypt cost is within the bound
 * (a damaged file must not cost minutes and gigabytes per sign-in attempt).
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import type { FacilityId } from '@pagdandi/core/record'
import type { StaffId } from '@pagdandi/core/staff'
import { StaffStore } from '../../../packages/node/src/staff/StaffStore.js'
import { AuditLog } from '../../../packages/node/src/staff/AuditLog.js'
import { hashParams } from '../../../packages/node/src/staff/password.js'
import { expectThat, namedOnlyAsync, type FuzzTarget } from '../harness.js'
import { byteEdits, mutateBytes, mutatedJson } from '../mutate.js'

const FACILITY = 'IN2210000001' as FacilityId
/** A fixed audit key: a node derives its own from the keyring (auditKeyFrom). */
const AUDIT_KEY = new Uint8Array(32).fill(7)
type File = 'staff.json' | 'audit.log' | 'audit.head'

/** One damaged file (its whole text). */
export interface StaffFilesInput {
  file: File
  text: string
}

interface Seeds {
  root: string
  dir: string
  /** The seed text of each file. */
  text: Record<File, string>
}
let seeds: Seeds | undefined

async function build(): Promise<Seeds> {
  const root = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'pagdandi-fuzz-staff-'))
  const dir = join(root, 'data')
  await mkdir(dir, { mode: 0o700 })
  const staff = new StaffStore(dir, FACILITY)
  await staff.add({ username: 'admin', name: 'Facility Admin', role: 'facility-admin', password: 'fuzz-admin-pass' })
  await staff.add({
    username: 'dr.mo',
    name: 'Medical Officer',
    role: 'medical-officer',
    hprId: '71-4000-1234-5678',
    password: 'fuzz-mo-password'
  })
  const [a] = await staff.list()
  const audit = new AuditLog(dir, AUDIT_KEY, () => new Date(0))
  await audit.record({ event: 'sign-in', actor: a!.staffId })
  await audit.record({ event: 'record.open', actor: a!.staffId, patient: 'p1234567890', detail: { hits: 3 } })
  await audit.record({ event: 'sign-out', actor: a!.staffId })
  const read = async (f: File): Promise<string> => await readFile(join(dir, f), 'utf8')
  return {
    root,
    dir,
    text: {
      'staff.json': await read('staff.json'),
      'audit.log': await read('audit.log'),
      'audit.head': await read('audit.head')
    }
  }
}

async function check(x: StaffFilesInput): Promise<void> {
  const s = (seeds ??= await build())
  for (const f of Object.keys(s.text) as File[]) await writeFile(join(s.dir, f), f === x.file ? x.text : s.text[f])
  const staff = new StaffStore(s.dir, FACILITY)
  const listed = await namedOnlyAsync(() => staff.list())
  if (!(listed instanceof Error)) {
    await namedOnlyAsync(() => staff.get((listed[0]?.staffId ?? 'x') as StaffId))
    // Whatever is listed was read whole; each hash it will verify against is within the cost bound.
    const raw = JSON.parse(await readFile(join(s.dir, 'staff.json'), 'utf8')) as {
      staff: { passwordHash: string }[]
    }
    for (const a of raw.staff)
      expectThat(hashParams(a.passwordHash) !== undefined, 'a listed account has a costly hash')
  }
  const audit = new AuditLog(s.dir, AUDIT_KEY, () => new Date(0))
  await namedOnlyAsync(() => audit.verify())
  // The node appends to whatever it finds (a torn last line is cut and the cut recorded).
  await namedOnlyAsync(() => audit.record({ event: 'sign-in', actor: 'a1b2c3' }))
  await namedOnlyAsync(() => audit.entries())
}

function inputs(): fc.Arbitrary<StaffFilesInput> {
  const s = seeds!
  const asJson = (f: File, text: string): fc.Arbitrary<StaffFilesInput> =>
    mutatedJson([JSON.parse(text)], 3).map(v => ({ file: f, text: JSON.stringify(v) ?? 'null' }))
  const asBytes = (f: File, text: string): fc.Arbitrary<StaffFilesInput> => {
    const b = new TextEncoder().encode(text)
    return byteEdits(3).map(edits => ({ file: f, text: new TextDecoder().decode(mutateBytes(b, edits, [b])) }))
  }
  const lines = s.text['audit.log'].trimEnd().split('\n')
  /** One audit line mutated as JSON, the others kept. */
  const auditLine = fc
    .tuple(
      fc.nat(lines.length - 1),
      mutatedJson(
        lines.map(l => JSON.parse(l) as unknown),
        2
      )
    )
    .map(([i, v]) => ({
      file: 'audit.log' as const,
      text: lines.map((l, j) => (j === i ? (JSON.stringify(v) ?? 'null') : l)).join('\n') + '\n'
    }))
  return fc.oneof(
    { weight: 3, arbitrary: asJson('staff.json', s.text['staff.json']) },
    { weight: 1, arbitrary: asBytes('staff.json', s.text['staff.json']) },
    { weight: 3, arbitrary: auditLine },
    { weight: 1, arbitrary: asBytes('audit.log', s.text['audit.log']) },
    { weight: 1, arbitrary: asJson('audit.head', s.text['audit.head']) },
    { weight: 1, arbitrary: asBytes('audit.head', s.text['audit.head']) }
  )
}

/** The staff-files target. */
export const staffFilesTarget: FuzzTarget<StaffFilesInput> = {
  name: 'staff-files',
  what: 'staff.json, audit.log and audit.head damaged, then read, verified and appended to as the node does',
  arbitrary: () => {
    if (seeds === undefined) throw new Error('staff-files target not open')
    return inputs()
  },
  check,
  toFixture: x => x,
  fromFixture: v => v as StaffFilesInput,
  open: async () => {
    seeds ??= await build()
  },
  close: async () => {
    if (seeds === undefined) return
    await rm(seeds.root, { recursive: true, force: true })
    seeds = undefined
  }
}
