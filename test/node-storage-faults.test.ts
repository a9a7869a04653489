/**
 * Storage faults under a real `pagdandi start` process (Invariant 10): its data directory is on a
 * small tmpfs that fills up, or is remounted read-only. The node must refuse writes with 503
 * `StoreFaultedError` naming the cause, keep refusing after the disk recovers (LevelDB may have left
 * a partial record in its log), say so in `pagdandi status`, and lose nothing it acknowledged across
 * a clean restart and a kill -9. Needs root (mount); under CI=true a missing mount fails the test.
 */
import { execFileSync } from 'node:child_process'
import { open, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { TEST_SECRET, makeNetwork, registration, tempDir } from '../packages/node/src/testing/fixtures.js'
import { exited, getJson, postJson, spawnCli, startNodeProcess, type NodeProcess } from './processes.js'

const ENV = { PAGDANDI_SECRET: TEST_SECRET }
// Five node starts through tsx: 100 s measured at load average 18 on 2 cores; CI may be busier.
const LOADED = 600_000
const mounts: string[] = []
const children: NodeProcess[] = []
afterAll(async () => {
  for (const c of children) {
    c.child.kill('SIGKILL')
    await exited(c.child)
  }
  for (const m of mounts) execFileSync('umount', ['-l', m])
})

/** Mounts a tmpfs of `mb` MiB; undefined with the reason when this machine cannot. */
async function tmpfs(mb: number): Promise<string> {
  const dir = await tempDir('pagdandi-tmpfs-')
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir])
  mounts.push(dir)
  return dir
}

function cannotMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs'
  try {
    execFileSync('sh', ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d" && rmdir "$d"'])
  } catch (err) {
    return `cannot mount a tmpfs here: ${(err as Error).message.split('\n')[0]}`
  }
  try {
    execFileSync('sh', ['-c', 'command -v mkfs.ext4 && command -v losetup && test -e /dev/loop-control'])
    return undefined
  } catch (err) {
    return `needs mkfs.ext4 and loop devices: ${(err as Error).message.split('\n')[0]}`
  }
}

async function start(data: string): Promise<NodeProcess> {
  const p = await startNodeProcess(data, ENV)
  children.push(p)
  return p
}

async function stop(p: NodeProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  p.child.kill(signal)
  await exited(p.child)
}

/** Runs `pagdandi status` as its own process; its stdout. */
async function cliStatus(data: string): Promise<string> {
  const child = spawnCli(['status', '--data', data], ENV)
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()))
  await exited(child)
  return out
}

async function register(node: NodeProcess, i: number): Promise<{ status: number; json: any }> {
  return await postJson(node, '/api/patients', registration({ uhid: `CHC-${i}`, name: `Patient ${i}` }))
}

/** Fills the file system holding `dir` until it is out of space; returns the filler's path. */
async function fillDisk(dir: string): Promise<string> {
  const path = join(dir, 'filler')
  const fh = await open(path, 'w')
  const chunk = new Uint8Array(64 * 1024)
  try {
    for (;;) await fh.write(chunk)
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC')
  } finally {
    await fh.close()
  }
  return path
}

/** Every acknowledged patient is served by `node`. */
async function expectAllPresent(node: NodeProcess, acked: string[]): Promise<void> {
  for (const id of acked) {
    const res = await node.staff.call('GET', `/api/patients/${id}`)
    expect(res.status, `acknowledged patient ${id}`).toBe(200)
  }
  expect((await getJson(node, '/api/status')).patients).toBe(acked.length)
}

const unavailable = cannotMount()

describe('storage faults, real processes on a tmpfs', () => {
  if (unavailable !== undefined) {
    // A CI machine that cannot run these would silently drop the proof: fail there, skip elsewhere.
    if (process.env.CI === 'true')
      it('needs root and tmpfs', () => {
        throw new Error(unavailable)
      })
    else it.skip(`skipped: ${unavailable}`, () => {})
    return
  }

  it(
    'a full disk: 503 StoreFaultedError naming it, still refused after space is freed, nothing acknowledged lost on restart or kill -9',
    async () => {
      const root = await tmpfs(20)
      const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC' }])
      const data = dirs[0]!
      let node = await start(data)
      const acked: string[] = []
      for (let i = 0; i < 3; i++) {
        const r = await register(node, i)
        expect(r.status).toBe(201)
        acked.push(r.json.patientId)
      }

      const filler = await fillDisk(root)
      // The log's last page may still hold a small batch; the first write that finds no space latches.
      let refused: { status: number; json: any } | undefined
      for (let i = 3; i < 40 && refused === undefined; i++) {
        const r = await register(node, i)
        if (r.status === 201) acked.push(r.json.patientId)
        else refused = r
      }
      expect(refused?.status).toBe(503)
      expect(refused?.json.error.name).toBe('StoreFaultedError')
      expect(refused?.json.error.message).toMatch(/disk is full/)

      await rm(filler)
      // Space again, but the store stays shut until a restart checks it: nothing is acknowledged.
      for (let i = 100; i < 120; i++) {
        const r = await register(node, i)
        expect(r.status).toBe(503)
        expect(r.json.error.name).toBe('StoreFaultedError')
      }
      const status = await getJson(node, '/api/status')
      expect(status.store).toMatchObject({ writable: false, fault: 'disk-full' })
      expect(await cliStatus(data)).toMatch(/STORE REFUSES WRITES \(disk-full\)/)

      await stop(node, 'SIGTERM')
      node = await start(data)
      await expectAllPresent(node, acked)
      expect((await getJson(node, '/api/status')).store).toEqual({ writable: true })
      for (let i = 200; i < 220; i++) {
        const r = await register(node, i)
        expect(r.status).toBe(201)
        acked.push(r.json.patientId)
      }
      await stop(node, 'SIGKILL')
      node = await start(data)
      await expectAllPresent(node, acked)
      await stop(node, 'SIGTERM')
    },
    LOADED
  )

  it(
    'a read-only remount: 503 naming it, nothing acknowledged lost',
    async () => {
      // `mount -o remount,ro` is refused (EBUSY) while LevelDB holds its log open for writing, so
      // the disk goes read-only the way a failing one does: ext4 with errors=remount-ro, told by the
      // kernel's own switch that it found an error.
      const dir = await tempDir('pagdandi-ext4-')
      const image = join(dir, 'disk.img')
      const root = join(dir, 'mnt')
      execFileSync('sh', ['-c', `truncate -s 32M ${image} && mkfs.ext4 -q -F ${image} && mkdir ${root}`])
      const mount = (): void => {
        execFileSync('mount', ['-o', 'loop,errors=remount-ro', image, root])
      }
      mount()
      mounts.push(root)
      const { dirs } = await makeNetwork(root, [{ facility: 'IN2210000101', name: 'CHC Tokapal', kind: 'CHC' }])
      const data = dirs[0]!
      let node = await start(data)
      const acked: string[] = []
      for (let i = 0; i < 3; i++) acked.push((await register(node, i)).json.patientId)

      const device = execFileSync('findmnt', ['-n', '-o', 'SOURCE', root]).toString().trim().split('/').pop()!
      await writeFile(`/sys/fs/ext4/${device}/trigger_fs_error`, '1')
      expect(execFileSync('findmnt', ['-n', '-o', 'OPTIONS', root]).toString()).toMatch(/emergency_ro|(^|,)ro(,|$)/)
      const r = await register(node, 3)
      expect(r.status).toBe(503)
      expect(r.json.error).toMatchObject({ name: 'StoreFaultedError' })
      expect(r.json.error.message).toMatch(/read-only/)
      expect((await getJson(node, '/api/status')).store).toMatchObject({ writable: false, fault: 'read-only' })
      for (let i = 4; i < 8; i++) expect((await register(node, i)).status).toBe(503)

      await stop(node, 'SIGKILL')
      execFileSync('umount', [root])
      mount()
      node = await start(data)
      await expectAllPresent(node, acked)
      const again = await register(node, 10)
      expect(again.status).toBe(201)
      await stop(node, 'SIGTERM')
    },
    LOADED
  )
})
