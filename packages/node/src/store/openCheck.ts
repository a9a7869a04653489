/**
 * What the store checks around LevelDB's open, without reading the whole store (start-up must stay
 * fast): LevelDB repairs a damaged log silently (it logs `Corruption: … dropping N bytes` to its
 * `LOG` file and opens), so the store reads what this open wrote to `LOG`; and because that repair
 * deletes the damaged log, the files as they were before the open are hard-linked aside first
 * (O(number of files), no copying), to be kept for inspection if the open finds damage.
 */
import { copyFile, link, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { writeAtomic } from '../datadir/DataDir.js'
import { StoreDamagedError, StoreFaultedError, faultCause } from './errors.js'

/** Lines LevelDB writes to `LOG` when recovery found damage (db_impl.cc, log_reader.cc, repair). */
const DAMAGE =
  /Corruption|dropping \d+ bytes|ignoring error|missing start of fragmented record|bad record length|checksum mismatch/i

/** A store found damaged is recorded here, so a later open refuses too (LevelDB repaired it). */
export const damageMarkerOf = (dir: string): string => `${dir}.DAMAGED.json`
const preopenOf = (dir: string): string => `${dir}.preopen`

/** What the damage marker holds. */
export interface DamageRecord {
  detail: string
  keptAt: string
  at: string
}

/** Refuses to open a store already found damaged and not yet recovered. */
export async function refuseIfMarkedDamaged(dir: string): Promise<void> {
  let text: string
  try {
    text = await readFile(damageMarkerOf(dir), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  let rec: Partial<DamageRecord> = {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed !== null) rec = parsed as Partial<DamageRecord>
  } catch {
    // A marker that does not parse (or is not an object) still means damage was found.
  }
  throw new StoreDamagedError(
    typeof rec.detail === 'string' ? rec.detail : 'found at an earlier open',
    typeof rec.keptAt === 'string' ? rec.keptAt : '(unknown)'
  )
}

/** Hard-links every file of `dir` into `dir.preopen`; undefined for a store not created yet. */
export async function snapshotBeforeOpen(dir: string): Promise<string | undefined> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  const to = preopenOf(dir)
  try {
    await rm(to, { recursive: true, force: true })
    await mkdir(to)
    for (const name of names) {
      if (name === 'LOCK') continue
      const from = join(dir, name)
      if (!(await stat(from)).isFile()) continue
      // A file system without hard links still gets what LevelDB's repair would delete: its
      // write-ahead logs and manifest (small); table files are never rewritten in place.
      await link(from, join(to, name)).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPERM' && err.code !== 'EXDEV' && err.code !== 'ENOTSUP') throw err
        if (/\.log$|^MANIFEST-|^CURRENT$/.test(name)) await copyFile(from, join(to, name))
      })
    }
  } catch (err) {
    // No room even for directory entries: the disk is still full (or failing); say so by name.
    throw new StoreFaultedError(faultCause(err), err)
  }
  return to
}

/** Lines of LevelDB's `LOG` (rewritten at each open) that report damage found while recovering. */
export async function recoveryDamage(dir: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(join(dir, 'LOG'), 'latin1')
  } catch {
    return []
  }
  return text.split('\n').filter(line => DAMAGE.test(line))
}

/** The open was clean: the pre-open links are not needed. */
export async function dropSnapshot(snapshot: string | undefined): Promise<void> {
  if (snapshot !== undefined) await rm(snapshot, { recursive: true, force: true })
}

/**
 * Keeps the files as found (the pre-open snapshot) at `dir.damaged-<time>`, records the damage
 * so later opens refuse as well, and returns the error to throw.
 */
export async function keepDamaged(
  dir: string,
  snapshot: string | undefined,
  detail: string,
  now: Date
): Promise<StoreDamagedError> {
  const keptAt = `${dir}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`
  if (snapshot !== undefined) await rename(snapshot, keptAt)
  const rec: DamageRecord = { detail, keptAt, at: now.toISOString() }
  await writeAtomic(damageMarkerOf(dir), new TextEncoder().encode(JSON.stringify(rec, null, 2) + '\n'))
  return new StoreDamagedError(detail, keptAt)
}

/** Clears the damage record once the store has been recovered. */
export async function clearDamage(dir: string): Promise<void> {
  await rm(damageMarkerOf(dir), { force: true })
}
